package dev.nota.oci.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {

  @TempDir Path tmp;

  @Test
  void aWrittenArchiveReopensReadOnlyWithTheSameContent() throws Exception {
    Path tar = tmp.resolve("app.tar");
    Descriptor image;
    Descriptor sig;
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      image = LayoutTargetTest.pushImage(t, "image layer", null, "v1");
      sig = LayoutTargetTest.pushImage(t, "signature", image.plain(), null);
      assertFalse(Files.exists(tar), "the tar is written on close");
    }
    assertTrue(Files.isRegularFile(tar));
    try (LayoutTarget t = LayoutTarget.openArchive(tar, false)) {
      assertEquals("oci-archive:" + tar.toAbsolutePath(), t.name());
      assertEquals(image.digest(), t.resolve("v1").digest());
      assertEquals(List.of(sig), t.referrers(t.resolve("v1"), MediaTypes.NOTARY_SIGNATURE));
      Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER, LayoutTargetTest.utf8("image layer"));
      try (InputStream in = t.fetchBlob(layer)) {
        assertArrayEquals(LayoutTargetTest.utf8("image layer"), in.readAllBytes());
      }
      OciException e = assertThrows(OciException.class, () -> t.tag(image, "v2"));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }
    List<Path> left;
    try (Stream<Path> list = Files.list(tmp)) {
      left = list.toList();
    }
    assertEquals(List.of(tar), left, "no temp file beside the tar");
  }

  @Test
  void anArchiveUpdatedInPlaceKeepsItsOldContent() throws Exception {
    Path tar = tmp.resolve("app.tar");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      LayoutTargetTest.pushImage(t, "two", null, "v2");
    }
    try (LayoutTarget t = LayoutTarget.openArchive(tar, false)) {
      assertEquals(List.of("v1", "v2"), t.tags());
      t.fetchManifest("v1");
    }
  }

  @Test
  void anUnchangedWritableArchiveIsNotRewritten() throws Exception {
    Path tar = tmp.resolve("app.tar");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    Files.setLastModifiedTime(tar, java.nio.file.attribute.FileTime.fromMillis(0));
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      t.resolve("v1");
    }
    assertEquals(0, Files.getLastModifiedTime(tar).toMillis());
  }

  @Test
  void aTruncatedArchiveIsAClearError() throws Exception {
    Path tar = tmp.resolve("app.tar");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      byte[] big = new byte[20_000];
      Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, big);
      t.pushBlob(blob, new ByteArrayInputStream(big));
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    long size = Files.size(tar);
    for (long cut : new long[] {size - 1024, size / 2, 700}) {
      try (FileChannel ch = FileChannel.open(tar, StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      InvalidContentException e = assertThrows(InvalidContentException.class,
          () -> LayoutTarget.openArchive(tar, false));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
      assertThrows(InvalidContentException.class, () -> LayoutTarget.openArchive(tar, true));
    }
  }

  @Test
  void aMissingArchiveIsAClearErrorWhenReading() {
    OciException e = assertThrows(OciException.class,
        () -> LayoutTarget.openArchive(tmp.resolve("absent.tar"), false));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void anArchiveWithoutALayoutIsAClearError() throws Exception {
    Path tar = tmp.resolve("other.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      TarWriter w = new TarWriter(out);
      byte[] text = "hello".getBytes(StandardCharsets.UTF_8);
      w.file("readme.txt", text.length, new ByteArrayInputStream(text));
      w.finish();
    }
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> LayoutTarget.openArchive(tar, false));
    assertTrue(e.getMessage().contains("oci-layout file is missing"), e.getMessage());
  }

  @Test
  void aCorruptHeaderIsAClearError() throws Exception {
    Path tar = tmp.resolve("app.tar");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    byte[] bytes = Files.readAllBytes(tar);
    bytes[3] ^= 0x20;
    Files.write(tar, bytes);
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> LayoutTarget.openArchive(tar, false));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void namesTooLongForUstarUseAPaxHeader() throws Exception {
    byte[] content = "sha512 blob".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(Digest.Algorithm.SHA512, content);
    String name = "blobs/sha512/" + digest.hex();
    String nonAscii = "blobs/ünïcödé/" + "x".repeat(10);
    Path tar = tmp.resolve("long.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      TarWriter w = new TarWriter(out);
      w.file(name, content.length, new ByteArrayInputStream(content));
      w.file(nonAscii, content.length, new ByteArrayInputStream(content));
      w.finish();
    }
    TarArchive archive = TarArchive.index(tar);
    assertEquals(List.of(name, nonAscii), List.copyOf(archive.entries().keySet()));
    try (InputStream in = archive.open(name)) {
      assertArrayEquals(content, in.readAllBytes());
    }
  }

  @Test
  void paxRecordLengthsCountTheirOwnDigits() throws Exception {
    for (int n = 0; n < 200; n++) {
      String record = TarWriter.paxRecord("path", "p".repeat(n));
      int length = Integer.parseInt(record.substring(0, record.indexOf(' ')));
      assertEquals(record.getBytes(StandardCharsets.UTF_8).length, length, record);
      assertEquals(Map.of("path", "p".repeat(n)), TarArchive.parsePax(record, tmp));
    }
  }

  @Test
  void readsAnArchiveThatGnuTarWrote() throws Exception {
    Path dir = NotationLayoutsTest.copy("e2e-valid-signature", tmp);
    Path tar = tmp.resolve("by-gnu-tar.tar");
    Process p;
    try {
      p = new ProcessBuilder("tar", "-C", dir.toString(), "-cf", tar.toString(), ".")
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("no tar command: " + e.getMessage());
      return;
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Assumptions.assumeTrue(p.exitValue() == 0, "tar failed");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, false)) {
      assertEquals(1, t.referrers(t.resolve("v1"), MediaTypes.NOTARY_SIGNATURE).size());
    }
  }

  @Test
  void gnuTarReadsWhatWeWrite() throws Exception {
    Path tar = tmp.resolve("ours.tar");
    Descriptor image;
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      image = LayoutTargetTest.pushImage(t, "layer", null, "v1");
    }
    Path out = Files.createDirectory(tmp.resolve("extracted"));
    Process p;
    try {
      p = new ProcessBuilder("tar", "-C", out.toString(), "-xf", tar.toString()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("no tar command: " + e.getMessage());
      return;
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    p.getInputStream().transferTo(log);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), log.toString(StandardCharsets.UTF_8));
    try (LayoutTarget t = LayoutTarget.open(out)) {
      assertEquals(image.digest(), t.resolve("v1").digest());
    }
  }
}
