package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.testregistry.TestRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTargetTest {
  private TestRegistry registry;
  private RegistryClient client;
  private RegistryTarget target;

  @BeforeEach
  void start() throws Exception {
    registry = TestRegistry.start();
    client = new RegistryClient(RegistryOptions.defaults());
    target = client.repository(registry.host(), "app");
  }

  @AfterEach
  void stop() {
    client.close();
    registry.close();
  }

  @Test
  void pushesAndFetchesASmallBlobWithItsDigestChecked() throws Exception {
    Descriptor blob = Artifacts.pushBlob(target, MediaTypes.OCI_LAYER, "hello blob".getBytes());
    assertTrue(target.blobExists(blob));
    try (InputStream in = target.fetchBlob(blob)) {
      assertEquals("hello blob", new String(in.readAllBytes()));
    }
    assertFalse(target.blobExists(Descriptor.of(MediaTypes.OCI_LAYER, "other".getBytes())));
    assertTrue(registry.requestLog().stream().noneMatch(l -> l.startsWith("PATCH")));
  }

  @Test
  void pushesA40MiBBlobInChunksAndReadsItBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("big");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 40; i++) {
        random.nextBytes(buf);
        sha.update(buf);
        out.write(buf);
      }
    }
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, Digest.of(Digest.Algorithm.SHA256, sha), 40L << 20);
    try (InputStream in = Files.newInputStream(file)) {
      target.pushBlob(blob, in);
    }
    assertEquals(5, registry.requestLog().stream().filter(l -> l.startsWith("PATCH")).count());
    MessageDigest back = MessageDigest.getInstance("SHA-256");
    long n = 0;
    try (InputStream in = target.fetchBlob(blob)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        back.update(buf, 0, r);
        n += r;
      }
    }
    assertEquals(40L << 20, n);
    assertEquals(blob.digest(), Digest.of(Digest.Algorithm.SHA256, back));
  }

  @Test
  void refusesABlobStreamThatDoesNotMatchItsDescriptor() throws Exception {
    Descriptor claimed = Descriptor.of(MediaTypes.OCI_LAYER, "the real bytes".getBytes());
    Exception e = assertThrows(dev.nota.oci.InvalidContentException.class,
        () -> target.pushBlob(claimed, new java.io.ByteArrayInputStream("other bytes!!!".getBytes())));
    assertTrue(e.getMessage().contains(claimed.digest().toString()), e.getMessage());
    assertFalse(target.blobExists(claimed));
  }

  @Test
  void pushesAManifestAndResolvesAndFetchesItByTagAndDigest() throws Exception {
    Descriptor image = Artifacts.pushImage(target, "v1", "layer");
    assertEquals(image.plain(), target.resolve("v1"));
    assertEquals(image.plain(), target.resolve(image.digest().toString()));
    ManifestContent byTag = target.fetchManifest("v1");
    ManifestContent byDigest = target.fetchManifest(image.digest().toString());
    assertArrayEquals(byTag.bytes(), byDigest.bytes());
    assertEquals(image.digest(), Digest.sha256(byTag.bytes()));
    assertEquals(MediaTypes.OCI_MANIFEST, byTag.descriptor().mediaType());
  }

  @Test
  void missingManifestIsNotFoundWithTheRegistryAnswer() {
    NotFoundException e = assertThrows(NotFoundException.class, () -> target.fetchManifest("nope"));
    assertTrue(e.getMessage().startsWith("fetching manifest nope from " + registry.host() + "/app: "), e.getMessage());
    assertTrue(e.getMessage().contains("answered 404 MANIFEST_UNKNOWN"), e.getMessage());
  }

  @Test
  void tagsPointsAnotherTagAtAManifest() throws Exception {
    Descriptor image = Artifacts.pushImage(target, "v1", "layer");
    target.tag(image, "latest");
    assertEquals(image.digest(), target.resolve("latest").digest());
  }

  @Test
  void listsTagsAcrossPagesSorted() throws Exception {
    Descriptor image = Artifacts.pushImage(target, "m", "layer");
    for (String t : List.of("b", "a", "z", "c")) {
      target.tag(image, t);
    }
    assertEquals(List.of("a", "b", "c", "m", "z"), target.tags(2));
    assertEquals(3, registry.requestLog().stream().filter(l -> l.contains("/tags/list")).count());
    assertEquals(List.of("a", "b", "c", "m", "z"), target.tags());
  }

  @Test
  void mountsABlobFromAnotherRepositoryAndDeclinesAMissingOne() throws Exception {
    Descriptor blob = Artifacts.pushBlob(target, MediaTypes.OCI_LAYER, "shared".getBytes());
    RegistryTarget other = client.repository(registry.host(), "other");
    assertTrue(other.mountBlob(blob, "app"));
    assertTrue(other.blobExists(blob));
    assertFalse(other.mountBlob(Descriptor.of(MediaTypes.OCI_LAYER, "absent".getBytes()), "app"));
  }

  @Test
  void debugLogShowsRequestsWithoutSecrets() throws Exception {
    try (TestRegistry secured = TestRegistry.builder().basicAuth("alice", "s3cret").start()) {
      List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      RegistryOptions options = RegistryOptions.defaults()
          .withCredentials(new StaticCredentials("alice", "s3cret")).withDebugLog(lines::add);
      try (RegistryClient c = new RegistryClient(options)) {
        Artifacts.pushImage(c.repository(secured.host(), "app"), "v1", "x");
      }
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("> PUT http://" + secured.host())), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("Authorization: Basic <redacted>")), lines.toString());
      String basic = java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes());
      assertTrue(lines.stream().noneMatch(l -> l.contains(basic) || l.contains("s3cret")));
    }
  }
}
