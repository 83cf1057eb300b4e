package dev.nota.oci.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.Manifest;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Platform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutTargetTest {

  @TempDir Path tmp;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Pushes config and a layer, then an image manifest (optionally a referrer of {@code subject}). */
  static Descriptor pushImage(LayoutTarget t, String layerText, Descriptor subject, String tag) throws OciException {
    byte[] layer = utf8(layerText);
    Descriptor layerDesc = Descriptor.of(MediaTypes.OCI_LAYER, layer);
    t.pushBlob(Descriptor.EMPTY_JSON, new ByteArrayInputStream(MediaTypes.EMPTY_JSON));
    t.pushBlob(layerDesc, new ByteArrayInputStream(layer));
    String artifactType = subject == null ? null : MediaTypes.NOTARY_SIGNATURE;
    Map<String, String> annotations = Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z");
    Manifest m = Manifest.of(artifactType, Descriptor.EMPTY_JSON, List.of(layerDesc), subject, annotations);
    return t.pushManifest(MediaTypes.OCI_MANIFEST, OciJson.write(m), tag);
  }

  static List<Path> tempFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
    }
  }

  @Test
  void createsALayoutInAMissingDirectory() throws Exception {
    Path dir = tmp.resolve("new/layout");
    try (LayoutTarget t = LayoutTarget.open(dir)) {
      assertEquals("oci-layout:" + dir.toAbsolutePath(), t.name());
      assertEquals(dir.toAbsolutePath(), t.root());
      assertEquals(List.of(), t.tags());
    }
    assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(dir.resolve("oci-layout")));
    assertTrue(Files.isDirectory(dir.resolve("blobs")));
    Index index = OciJson.parseIndex(Files.readAllBytes(dir.resolve("index.json")));
    assertEquals(2, index.schemaVersion());
    assertTrue(index.manifests().isEmpty());
  }

  @Test
  void reopensAnExistingLayoutWithItsContent() throws Exception {
    Descriptor image;
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      image = pushImage(t, "hello", null, "v1");
    }
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      assertEquals(image.digest(), t.resolve("v1").digest());
    }
  }

  @Test
  void rejectsADirectoryWithFilesButNoOciLayoutFile() throws Exception {
    Files.writeString(tmp.resolve("notes.txt"), "not a layout");
    OciException e = assertThrows(InvalidContentException.class, () -> LayoutTarget.open(tmp));
    assertTrue(e.getMessage().contains("not an OCI image layout"), e.getMessage());
    assertTrue(e.getMessage().contains("oci-layout"), e.getMessage());
  }

  @Test
  void rejectsABadOciLayoutFile() throws Exception {
    LayoutTarget.open(tmp).close();
    Files.writeString(tmp.resolve("oci-layout"), "[1,2]");
    OciException e = assertThrows(InvalidContentException.class, () -> LayoutTarget.open(tmp));
    assertTrue(e.getMessage().contains("imageLayoutVersion"), e.getMessage());
  }

  @Test
  void rejectsAnUnsupportedLayoutVersion() throws Exception {
    LayoutTarget.open(tmp).close();
    Files.writeString(tmp.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    OciException e = assertThrows(InvalidContentException.class, () -> LayoutTarget.open(tmp));
    assertTrue(e.getMessage().contains("unsupported imageLayoutVersion \"2.0.0\""), e.getMessage());
  }

  @Test
  void rejectsAMalformedIndexJson() throws Exception {
    LayoutTarget.open(tmp).close();
    Files.writeString(tmp.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"digest\":");
    OciException e = assertThrows(InvalidContentException.class, () -> LayoutTarget.open(tmp));
    assertTrue(e.getMessage().contains("index.json is not a valid image index"), e.getMessage());
  }

  @Test
  void rejectsAFileInPlaceOfTheDirectory() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    OciException e = assertThrows(InvalidContentException.class, () -> LayoutTarget.open(file));
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
  }

  @Test
  void pushesAndFetchesABlob() throws Exception {
    byte[] content = utf8("some layer bytes");
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, content);
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      assertFalse(t.blobExists(blob));
      t.pushBlob(blob, new ByteArrayInputStream(content));
      assertTrue(t.blobExists(blob));
      try (InputStream in = t.fetchBlob(blob)) {
        assertArrayEquals(content, in.readAllBytes());
      }
    }
    assertArrayEquals(content, Files.readAllBytes(tmp.resolve("blobs/sha256/" + blob.digest().hex())));
    assertEquals(List.of(), tempFiles(tmp));
  }

  @Test
  void committedFilesGetTheUsualPermissionsNotThoseOfAPrivateTempFile() throws Exception {
    Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    byte[] content = utf8("shared content");
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, content);
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      t.pushBlob(blob, new ByteArrayInputStream(content));
      pushImage(t, "layer", null, "v1");
    }
    Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain")));
    assertEquals(usual, Files.getPosixFilePermissions(tmp.resolve("blobs/sha256/" + blob.digest().hex())));
    assertEquals(usual, Files.getPosixFilePermissions(tmp.resolve("index.json")));
  }

  @Test
  void storesSha512BlobsUnderTheirAlgorithm() throws Exception {
    byte[] content = utf8("sha512 content");
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, Digest.of(Digest.Algorithm.SHA512, content),
        content.length);
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      t.pushBlob(blob, new ByteArrayInputStream(content));
    }
    assertTrue(Files.isRegularFile(tmp.resolve("blobs/sha512/" + blob.digest().hex())));
  }

  @Test
  void fetchingAMissingBlobIsNotFound() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor missing = Descriptor.of(MediaTypes.OCI_LAYER, utf8("absent"));
      NotFoundException e = assertThrows(NotFoundException.class, () -> t.fetchBlob(missing));
      assertTrue(e.getMessage().contains(missing.digest().toString()), e.getMessage());
    }
  }

  @Test
  void neverCommitsContentThatDoesNotMatchItsDigest() throws Exception {
    Descriptor promised = Descriptor.of(MediaTypes.OCI_LAYER, utf8("the real bytes"));
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      InvalidContentException e = assertThrows(InvalidContentException.class,
          () -> t.pushBlob(promised, new ByteArrayInputStream(utf8("other  bytes!!"))));
      assertTrue(e.getMessage().contains(promised.digest().toString()), e.getMessage());
      assertFalse(t.blobExists(promised));
    }
    assertEquals(List.of(), tempFiles(tmp));
  }

  @Test
  void neverCommitsContentShorterOrLongerThanItsSize() throws Exception {
    byte[] content = utf8("exact content");
    Descriptor promised = Descriptor.of(MediaTypes.OCI_LAYER, content);
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      assertThrows(InvalidContentException.class,
          () -> t.pushBlob(promised, new ByteArrayInputStream(content, 0, content.length - 1)));
      byte[] longer = utf8("exact content and more");
      assertThrows(InvalidContentException.class, () -> t.pushBlob(promised, new ByteArrayInputStream(longer)));
      assertFalse(t.blobExists(promised));
    }
    assertEquals(List.of(), tempFiles(tmp));
  }

  @Test
  void concurrentPushesOfTheSameBlobAllSucceed() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, content);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (LayoutTarget a = LayoutTarget.open(tmp); LayoutTarget b = LayoutTarget.open(tmp)) {
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        LayoutTarget t = i % 2 == 0 ? a : b;
        results.add(pool.submit((Callable<Object>) () -> {
          t.pushBlob(blob, new ByteArrayInputStream(content));
          return null;
        }));
      }
      for (Future<Object> f : results) {
        f.get();
      }
      try (InputStream in = a.fetchBlob(blob)) {
        assertArrayEquals(content, in.readAllBytes());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), tempFiles(tmp));
  }

  @Test
  void aLeftoverTempFileDoesNotBreakReading() throws Exception {
    Descriptor image;
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      image = pushImage(t, "layer", null, "v1");
    }
    // what a crash in the middle of a push leaves behind
    Files.writeString(tmp.resolve("blobs/sha256/.tmp-123456.tmp"), "half a blob");
    Files.writeString(tmp.resolve(".tmp-999.tmp"), "{\"schemaVersion\":");
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      assertEquals(image.digest(), t.resolve("v1").digest());
      assertEquals(List.of("v1"), t.tags());
      pushImage(t, "another layer", null, "v2");
      assertEquals(List.of("v1", "v2"), t.tags());
    }
  }

  @Test
  void reportsABlobFileWithWrongContentWhenRead() throws Exception {
    byte[] content = utf8("original content");
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, content);
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      t.pushBlob(blob, new ByteArrayInputStream(content));
      Files.writeString(tmp.resolve("blobs/sha256/" + blob.digest().hex()), "tampered content");
      IOException e = assertThrows(IOException.class, () -> {
        try (InputStream in = t.fetchBlob(blob)) {
          in.readAllBytes();
        }
      });
      assertTrue(e.getMessage().contains(blob.digest().toString()) || e.getMessage().contains("digest"),
          e.getMessage());
      Files.writeString(tmp.resolve("blobs/sha256/" + blob.digest().hex()), "short");
      InvalidContentException sized = assertThrows(InvalidContentException.class, () -> t.fetchBlob(blob));
      assertTrue(sized.getMessage().contains("has 5 bytes"), sized.getMessage());
    }
  }

  @Test
  void reportsAManifestFileWithWrongContent() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(t, "layer", null, "v1");
      Path file = tmp.resolve("blobs/sha256/" + image.digest().hex());
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length - 2] ^= 1;
      Files.write(file, bytes);
      InvalidContentException e = assertThrows(InvalidContentException.class, () -> t.fetchManifest("v1"));
      assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
    }
  }

  @Test
  void rejectsAManifestBlobThatIsNotAManifest() throws Exception {
    byte[] notManifest = utf8("{\"hello\":\"world\"}");
    Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, notManifest);
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      t.pushBlob(d, new ByteArrayInputStream(notManifest));
      InvalidContentException e = assertThrows(InvalidContentException.class, () -> t.tag(d, "x"));
      assertTrue(e.getMessage().contains(d.digest().toString()), e.getMessage());
      assertThrows(InvalidContentException.class, () -> t.pushManifest(MediaTypes.OCI_MANIFEST, notManifest, null));
      Files.write(tmp.resolve("index.json"), OciJson.write(Index.of(List.of(IndexEntries.tagged(d, "bad")))));
      InvalidContentException fetched = assertThrows(InvalidContentException.class, () -> t.fetchManifest("bad"));
      assertTrue(fetched.getMessage().contains("is not a valid " + MediaTypes.OCI_MANIFEST), fetched.getMessage());
    }
  }

  @Test
  void resolvesAndFetchesManifestsByTagAndDigest() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(t, "layer", null, "v1");
      Descriptor byTag = t.resolve("v1");
      Descriptor byDigest = t.resolve(image.digest().toString());
      assertEquals(image.digest(), byTag.digest());
      assertEquals(byTag, byDigest);
      assertNull(byTag.annotations().get("org.opencontainers.image.ref.name"));
      assertEquals("2026-01-01T00:00:00Z", byTag.annotations().get("org.opencontainers.image.created"));
      ManifestContent content = t.fetchManifest("v1");
      assertEquals(image.digest(), Digest.sha256(content.bytes()));
      assertEquals(MediaTypes.OCI_MANIFEST, content.descriptor().mediaType());
      assertEquals(content.descriptor(), t.fetchManifest(image.digest().toString()).descriptor());
    }
  }

  @Test
  void unknownTagsAndDigestsAreNotFound() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      NotFoundException tag = assertThrows(NotFoundException.class, () -> t.resolve("nope"));
      assertTrue(tag.getMessage().contains("tag \"nope\" not found"), tag.getMessage());
      String digest = Digest.sha256(utf8("x")).toString();
      assertThrows(NotFoundException.class, () -> t.fetchManifest(digest));
      InvalidContentException bad = assertThrows(InvalidContentException.class, () -> t.resolve("sha256:abc"));
      assertTrue(bad.getMessage().contains("invalid digest"), bad.getMessage());
    }
  }

  @Test
  void resolvesAPlatformManifestReachableOnlyThroughAnIndex() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor amd64 = pushImage(t, "amd64", null, null);
      // make the platform manifest reachable only through the index: list the index and drop the child entry
      Index index = Index.of(List.of(amd64.plain().withPlatform(Platform.of("linux", "amd64"))));
      t.pushManifest(MediaTypes.OCI_INDEX, OciJson.write(index), "multi");
      Path indexJson = tmp.resolve("index.json");
      Index listed = OciJson.parseIndex(Files.readAllBytes(indexJson));
      List<Descriptor> kept = listed.manifests().stream().filter(d -> !d.digest().equals(amd64.digest())).toList();
      Files.write(indexJson, OciJson.write(Index.of(kept)));
      Descriptor resolved = t.resolve(amd64.digest().toString());
      assertEquals(amd64.plain(), resolved);
      assertEquals(MediaTypes.OCI_INDEX, t.resolve("multi").mediaType());
    }
  }

  @Test
  void listsUntaggedManifestsInIndexJson() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(t, "layer", null, null);
      Index index = OciJson.parseIndex(Files.readAllBytes(tmp.resolve("index.json")));
      assertEquals(1, index.manifests().size());
      assertEquals(image.digest(), index.manifests().get(0).digest());
      assertTrue(index.manifests().get(0).annotations().containsKey("org.opencontainers.image.created"));
      pushImage(t, "layer", null, null);
      assertEquals(1, OciJson.parseIndex(Files.readAllBytes(tmp.resolve("index.json"))).manifests().size());
      assertEquals(List.of(), t.tags());
    }
  }

  @Test
  void taggingMovesTheTagAndDropsTheUntaggedEntry() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor one = pushImage(t, "one", null, "latest");
      Descriptor two = pushImage(t, "two", null, null);
      t.tag(two, "latest");
      assertEquals(two.digest(), t.resolve("latest").digest());
      t.tag(two, "v2");
      assertEquals(List.of("latest", "v2"), t.tags());
      Index index = OciJson.parseIndex(Files.readAllBytes(tmp.resolve("index.json")));
      long twoEntries = index.manifests().stream().filter(d -> d.digest().equals(two.digest())).count();
      assertEquals(2, twoEntries);
      assertTrue(index.manifests().stream().noneMatch(d -> d.digest().equals(one.digest())));
    }
  }

  @Test
  void rejectsInvalidTags() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(t, "layer", null, null);
      InvalidContentException e = assertThrows(InvalidContentException.class, () -> t.tag(image, "-bad"));
      assertTrue(e.getMessage().contains("invalid tag \"-bad\""), e.getMessage());
      assertThrows(InvalidContentException.class,
          () -> pushImage(t, "layer", null, "has space"));
    }
  }

  @Test
  void taggingAMissingManifestIsNotFound() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor missing = Descriptor.of(MediaTypes.OCI_MANIFEST, utf8("{}"));
      assertThrows(NotFoundException.class, () -> t.tag(missing, "v1"));
    }
  }

  @Test
  void tagsAreSorted() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      pushImage(t, "c", null, "zeta");
      pushImage(t, "a", null, "alpha");
      pushImage(t, "b", null, "Mid");
      assertEquals(List.of("Mid", "alpha", "zeta"), t.tags());
    }
  }

  @Test
  void findsPushedReferrersFilteredByArtifactType() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(t, "image", null, "v1");
      Descriptor sig = pushImage(t, "signature", image.plain(), null);
      assertEquals(MediaTypes.NOTARY_SIGNATURE, sig.artifactType());
      List<Descriptor> all = t.referrers(image, null);
      assertEquals(List.of(sig), all);
      assertEquals(List.of(sig), t.referrers(image, MediaTypes.NOTARY_SIGNATURE));
      assertEquals(List.of(), t.referrers(image, "application/vnd.example.sbom"));
      assertEquals(List.of(), t.referrers(sig, null));
    }
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      assertEquals(1, t.referrers(t.resolve("v1"), null).size());
    }
  }

  @Test
  void deletesAManifestAndItsIndexEntry() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(t, "image", null, "v1");
      Descriptor sig = pushImage(t, "signature", image.plain(), null);
      t.deleteManifest(sig);
      assertEquals(List.of(), t.referrers(image, null));
      assertFalse(Files.exists(tmp.resolve("blobs/sha256/" + sig.digest().hex())));
      assertThrows(NotFoundException.class, () -> t.resolve(sig.digest().toString()));
      assertThrows(NotFoundException.class, () -> t.deleteManifest(sig));
      assertEquals(List.of("v1"), t.tags());
    }
  }

  @Test
  void concurrentManifestPushesAreAllListed() throws Exception {
    int writers = 12;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Descriptor> pushed = new ArrayList<>();
    try (LayoutTarget a = LayoutTarget.open(tmp); LayoutTarget b = LayoutTarget.open(tmp)) {
      Descriptor image = pushImage(a, "image", null, "v1");
      List<Future<Descriptor>> futures = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        LayoutTarget t = i % 2 == 0 ? a : b;
        String text = "signature " + i;
        futures.add(pool.submit(() -> pushImage(t, text, image.plain(), null)));
      }
      for (Future<Descriptor> f : futures) {
        pushed.add(f.get());
      }
      List<Descriptor> found = b.referrers(image, MediaTypes.NOTARY_SIGNATURE);
      assertEquals(writers, found.size());
      assertTrue(found.containsAll(pushed));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closedTargetsRefuseWork() throws Exception {
    LayoutTarget t = LayoutTarget.open(tmp);
    t.close();
    OciException e = assertThrows(OciException.class, () -> t.tags());
    assertTrue(e.getMessage().contains("is closed"), e.getMessage());
  }
}
