package dev.nota.oci.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gzip-compressed layout archives ({@code .tar.gz}, {@code .tgz}) and archives read from a stream. */
class CompressedArchiveTest {

  @TempDir Path tmp;

  @Test
  void aTarGzIsWrittenGzippedAndReadsBackWithItsReferrers() throws Exception {
    Path tgz = tmp.resolve("app.tar.gz");
    Descriptor image;
    Descriptor sig;
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      image = LayoutTargetTest.pushImage(t, "image layer", null, "v1");
      sig = LayoutTargetTest.pushImage(t, "signature", image.plain(), null);
      assertEquals(tgz.toAbsolutePath(), t.root());
    }
    assertTrue(isGzip(Files.readAllBytes(tgz)), "written gzip-compressed");
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, false)) {
      assertEquals("oci-archive:" + tgz.toAbsolutePath(), t.name());
      assertEquals(image.digest(), t.resolve("v1").digest());
      assertEquals(List.of(sig), t.referrers(t.resolve("v1"), MediaTypes.NOTARY_SIGNATURE));
      OciException e = assertThrows(OciException.class, () -> t.tag(image, "v2"));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }
    assertEquals(List.of(tgz), list(tmp), "no temp file beside the archive");
  }

  @Test
  void writingIntoAnExistingTgzKeepsItGzippedWithItsOldContent() throws Exception {
    Path tgz = tmp.resolve("app.tgz");
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      LayoutTargetTest.pushImage(t, "two", null, "v2");
    }
    assertTrue(isGzip(Files.readAllBytes(tgz)));
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, false)) {
      assertEquals(List.of("v1", "v2"), t.tags());
      t.fetchManifest("v1");
    }
    assertEquals(List.of(tgz), list(tmp));
  }

  @Test
  void theFormatOfAnExistingArchiveComesFromItsBytesNotItsName() throws Exception {
    Path tgz = tmp.resolve("made.tar.gz");
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    Path misnamed = Files.copy(tgz, tmp.resolve("really-gzip.tar"));
    try (LayoutTarget t = LayoutTarget.openArchive(misnamed, true)) {
      LayoutTargetTest.pushImage(t, "two", null, "v2");
    }
    assertTrue(isGzip(Files.readAllBytes(misnamed)), "rewritten in the format it was in");
    Path plain = tmp.resolve("plain.tgz");
    Files.write(plain, gunzip(Files.readAllBytes(tgz)));
    try (LayoutTarget t = LayoutTarget.openArchive(plain, false)) {
      assertEquals(List.of("v1"), t.tags());
    }
  }

  @Test
  void aLargeLayerSurvivesTheGzipRoundTripByteForByte() throws Exception {
    byte[] big = new byte[12 << 20];
    new Random(7).nextBytes(big);
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER, big);
    Path tgz = tmp.resolve("big.tgz");
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      t.pushBlob(layer, new ByteArrayInputStream(big));
    }
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, false); InputStream in = t.fetchBlob(layer)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(big), sha.digest());
    }
  }

  @Test
  void aTruncatedTarGzIsAClearErrorAndIsLeftAsItWas() throws Exception {
    Path tgz = tmp.resolve("app.tar.gz");
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      byte[] noise = new byte[40_000];
      new Random(1).nextBytes(noise);
      t.pushBlob(Descriptor.of(MediaTypes.OCI_LAYER, noise), new ByteArrayInputStream(noise));
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    byte[] whole = Files.readAllBytes(tgz);
    for (int cut : new int[] {whole.length - 4, whole.length / 2, 12, 3}) {
      byte[] truncated = Arrays.copyOf(whole, cut);
      Files.write(tgz, truncated);
      for (boolean writable : new boolean[] {false, true}) {
        InvalidContentException e = assertThrows(InvalidContentException.class,
            () -> LayoutTarget.openArchive(tgz, writable));
        assertTrue(e.getMessage().contains("gzip data is truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(tgz.toAbsolutePath().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertArrayEquals(truncated, Files.readAllBytes(tgz), "the archive is untouched");
        assertEquals(List.of(tgz), list(tmp), "nothing written beside it");
      }
    }
  }

  @Test
  void corruptGzipDataIsAClearError() throws Exception {
    Path tgz = tmp.resolve("app.tgz");
    try (LayoutTarget t = LayoutTarget.openArchive(tgz, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    byte[] bytes = Files.readAllBytes(tgz);
    byte[] badCrc = bytes.clone();
    badCrc[badCrc.length - 6] ^= 0x55;
    Files.write(tgz, badCrc);
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> LayoutTarget.openArchive(tgz, true));
    assertTrue(e.getMessage().contains("gzip data is corrupt"), e.getMessage());
    assertArrayEquals(badCrc, Files.readAllBytes(tgz));
  }

  @Test
  void aGzipOfATruncatedTarIsReportedAsATruncatedTar() throws Exception {
    Path tar = tmp.resolve("app.tar");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    byte[] bytes = Files.readAllBytes(tar);
    Path tgz = tmp.resolve("cut.tgz");
    Files.write(tgz, gzip(Arrays.copyOf(bytes, bytes.length - 1536)));
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> LayoutTarget.openArchive(tgz, false));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains(tgz.toAbsolutePath().toString()), "names the user's file: " + e.getMessage());
  }

  @Test
  void aStreamOfAPlainOrGzippedTarOpensReadOnly() throws Exception {
    Path tar = tmp.resolve("app.tar");
    Descriptor image;
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      image = LayoutTargetTest.pushImage(t, "one", null, "v1");
      LayoutTargetTest.pushImage(t, "sig", image.plain(), null);
    }
    byte[] plain = Files.readAllBytes(tar);
    for (byte[] bytes : List.of(plain, gzip(plain))) {
      try (LayoutTarget t = LayoutTarget.openStream(new ByteArrayInputStream(bytes), "-")) {
        assertEquals("oci-archive:-", t.name());
        assertEquals(image.digest(), t.resolve("v1").digest());
        assertEquals(1, t.referrers(image, MediaTypes.NOTARY_SIGNATURE).size());
        OciException e = assertThrows(OciException.class, () -> t.tag(image, "v2"));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      }
    }
  }

  @Test
  void aBadStreamIsAClearOneLineError() throws Exception {
    Path tar = tmp.resolve("app.tar");
    try (LayoutTarget t = LayoutTarget.openArchive(tar, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    byte[] plain = Files.readAllBytes(tar);
    byte[] gz = gzip(plain);
    assertStreamError(new byte[0], "it is empty");
    assertStreamError(Arrays.copyOf(gz, gz.length / 2), "gzip data is truncated");
    assertStreamError(Arrays.copyOf(plain, plain.length - 1024), "truncated");
    assertStreamError(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0}, "zstd-compressed");
    assertStreamError(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1}, "xz-compressed");
    assertStreamError("BZh91AY&SY".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "bzip2-compressed");
    assertStreamError("hello, not a tar at all".repeat(40).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "invalid tar archive -");
  }

  private static void assertStreamError(byte[] input, String expected) {
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> LayoutTarget.openStream(new ByteArrayInputStream(input), "-"));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void openPathPicksDirectoryOrArchiveAndCreatesOnlyWhenWriting() throws Exception {
    Path dir = tmp.resolve("dir");
    try (LayoutTarget t = LayoutTarget.openPath(dir, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    assertTrue(Files.isDirectory(dir));
    try (LayoutTarget t = LayoutTarget.openPath(dir, false)) {
      assertEquals("oci-layout:" + dir.toAbsolutePath(), t.name());
    }
    Path tgz = tmp.resolve("new.tgz");
    try (LayoutTarget t = LayoutTarget.openPath(tgz, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    assertTrue(isGzip(Files.readAllBytes(tgz)));
    try (LayoutTarget t = LayoutTarget.openPath(tgz, false)) {
      assertEquals(List.of("v1"), t.tags());
    }
    for (String absent : new String[] {"absent", "absent.tar", "absent.tar.gz"}) {
      OciException e = assertThrows(OciException.class, () -> LayoutTarget.openPath(tmp.resolve(absent), false));
      assertInstanceOf(NotFoundException.class, e, e.getMessage());
      assertFalse(Files.exists(tmp.resolve(absent)), "reading creates nothing");
    }
  }

  @Test
  void gnuTarReadsOurTarGzAndWeReadItsTarGz() throws Exception {
    Path ours = tmp.resolve("ours.tar.gz");
    try (LayoutTarget t = LayoutTarget.openArchive(ours, true)) {
      LayoutTargetTest.pushImage(t, "one", null, "v1");
    }
    String listing = tar("-tzf", ours.toString());
    assertTrue(listing.startsWith("oci-layout\nindex.json\n"), listing);

    Path dir = NotationLayoutsTest.copy("e2e-valid-signature", tmp);
    Path theirs = tmp.resolve("by-gnu-tar.tgz");
    tar("-C", dir.toString(), "-czf", theirs.toString(), ".");
    try (LayoutTarget t = LayoutTarget.openArchive(theirs, false)) {
      assertEquals(1, t.referrers(t.resolve("v1"), MediaTypes.NOTARY_SIGNATURE).size());
    }
  }

  private static String tar(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("tar"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("no tar command: " + e.getMessage());
      return "";
    }
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static boolean isGzip(byte[] bytes) {
    return bytes.length > 2 && bytes[0] == 0x1f && bytes[1] == (byte) 0x8b;
  }

  private static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] bytes) throws Exception {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
