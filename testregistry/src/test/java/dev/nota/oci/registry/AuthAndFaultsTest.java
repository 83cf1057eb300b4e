package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.nota.oci.ContentMismatchException;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Target;
import dev.nota.testregistry.TestRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthAndFaultsTest {

  private static RegistryClient client(String user, String password) {
    return new RegistryClient(RegistryOptions.defaults().withCredentials(
        user == null ? CredentialStore.NONE : new StaticCredentials(user, password)));
  }

  @Test
  void basicAuthWithTheRightPasswordWorks() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").start();
        RegistryClient client = client("alice", "s3cret")) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      assertEquals(image.digest(), target.resolve("v1").digest());
    }
  }

  @Test
  void wrongBasicPasswordFailsFastWithAClearMessage() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").start();
        RegistryClient client = client("alice", "wrong")) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> client.repository(registry.host(), "app").resolve("v1"));
      assertTrue(e.getMessage().contains("authentication to " + registry.host() + " failed: 401 UNAUTHORIZED"),
          e.getMessage());
      assertTrue(!e.getMessage().contains("wrong"));
      assertEquals(401, e.status());
      assertTrue(registry.requestLog().size() <= 2, registry.requestLog().toString());
    }
  }

  @Test
  void missingCredentialsSaySo() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").start();
        RegistryClient client = client(null, null)) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> client.repository(registry.host(), "app").resolve("v1"));
      assertTrue(e.getMessage().contains("no credentials for " + registry.host()), e.getMessage());
    }
  }

  @Test
  void tokenAuthPushesAndPullsWithOneTokenPerScope() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("bob", "pw").start();
        RegistryClient client = client("bob", "pw")) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      assertEquals(image.digest(), target.resolve("v1").digest());
      assertEquals(image.digest(), target.fetchManifest("v1").descriptor().digest());
      long tokens = registry.requestLog().stream().filter(l -> l.contains("/token")).count();
      assertTrue(tokens <= 3, registry.requestLog().toString()); // push scope, pull scope (+ nothing per request)
    }
  }

  @Test
  void wrongTokenPasswordFailsFast() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("bob", "pw").start();
        RegistryClient client = client("bob", "nope")) {
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> Artifacts.pushImage(client.repository(registry.host(), "app"), "v1", "layer"));
      assertTrue(e.getMessage().contains("authentication to " + registry.host() + " failed: 401"), e.getMessage());
      assertTrue(registry.requestLog().size() <= 3, registry.requestLog().toString());
    }
  }

  @Test
  void retriesA503ThenSucceeds() throws Exception {
    try (TestRegistry registry = TestRegistry.start(); RegistryClient client = client(null, null)) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      registry.faults().failNext(2, 503);
      assertEquals(image.digest(), target.resolve("v1").digest());
    }
  }

  @Test
  void retriesA429() throws Exception {
    try (TestRegistry registry = TestRegistry.start(); RegistryClient client = client(null, null)) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      registry.faults().failNext(1, 429);
      assertEquals(image.digest(), target.fetchManifest("v1").descriptor().digest());
    }
  }

  @Test
  void givesUpAfterMaxRetriesWithTheStatus() throws Exception {
    try (TestRegistry registry = TestRegistry.start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults().withMaxRetries(1))) {
      registry.faults().failNext(5, 503);
      RegistryException e = assertThrows(RegistryException.class,
          () -> client.repository(registry.host(), "app").resolve("v1"));
      assertEquals(503, e.status());
      assertTrue(e.getMessage().startsWith("resolving v1 in " + registry.host() + "/app: "), e.getMessage());
    }
  }

  @Test
  void retriesAGetWhoseConnectionWasDropped() throws Exception {
    try (TestRegistry registry = TestRegistry.start(); RegistryClient client = client(null, null)) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor blob = Artifacts.pushBlob(target, MediaTypes.OCI_LAYER, "dropped once".getBytes());
      registry.faults().dropNext(1);
      try (InputStream in = target.fetchBlob(blob)) {
        assertEquals("dropped once", new String(in.readAllBytes()));
      }
    }
  }

  @Test
  void retriesAPushFromAFileAfterA503() throws Exception {
    try (TestRegistry registry = TestRegistry.start(); RegistryClient client = client(null, null)) {
      RegistryTarget target = client.repository(registry.host(), "app");
      java.nio.file.Path file = java.nio.file.Files.createTempFile("blob", ".bin");
      try {
        java.nio.file.Files.writeString(file, "file content");
        Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, "file content".getBytes());
        registry.faults().failNth(2, 503); // the PUT after the POST
        target.pushBlob(blob, file);
        assertTrue(target.blobExists(blob));
      } finally {
        java.nio.file.Files.delete(file);
      }
    }
  }

  @Test
  void truncatedAndCorruptedBlobsRaiseContentMismatch() throws Exception {
    try (TestRegistry registry = TestRegistry.start(); RegistryClient client = client(null, null)) {
      RegistryTarget target = client.repository(registry.host(), "app");
      byte[] data = new byte[100_000];
      new java.util.Random(1).nextBytes(data);
      Descriptor truncated = Artifacts.pushBlob(target, MediaTypes.OCI_LAYER, data);
      registry.faults().truncateBlob(truncated.digest());
      assertThrows(ContentMismatchException.class, () -> {
        try (InputStream in = target.fetchBlob(truncated)) {
          in.readAllBytes();
        }
      });
      data[0] ^= 1;
      Descriptor corrupted = Artifacts.pushBlob(target, MediaTypes.OCI_LAYER, data);
      registry.faults().corruptBlob(corrupted.digest());
      assertThrows(ContentMismatchException.class, () -> {
        try (InputStream in = target.fetchBlob(corrupted)) {
          in.readAllBytes();
        }
      });
    }
  }

  /** A loopback server that answers every request with fixed headers and body, for misbehaving registries. */
  private static HttpServer lyingServer(String contentType, byte[] body, long announcedLength) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(200, announcedLength);
      try (OutputStream out = exchange.getResponseBody()) {
        if (!"HEAD".equals(exchange.getRequestMethod())) {
          out.write(body, 0, (int) Math.min(body.length, announcedLength));
        }
      } catch (java.io.IOException e) {
        // client gave up early, as it should
      }
    });
    server.start();
    return server;
  }

  private static Target lyingTarget(RegistryClient client, HttpServer server) {
    return client.repository("127.0.0.1:" + server.getAddress().getPort(), "app");
  }

  @Test
  void refusesAnOversizeManifestBeforeReadingIt() throws Exception {
    byte[] big = new byte[(int) Target.MAX_MANIFEST_SIZE + 10];
    HttpServer server = lyingServer(MediaTypes.OCI_MANIFEST, big, big.length);
    try (RegistryClient client = client(null, null)) {
      InvalidContentException e = assertThrows(InvalidContentException.class,
          () -> lyingTarget(client, server).fetchManifest("v1"));
      assertTrue(e.getMessage().contains("more than the 4194304"), e.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesABlobWhoseAnnouncedSizeDiffersFromTheDescriptor() throws Exception {
    byte[] body = "0123456789".getBytes();
    HttpServer server = lyingServer("application/octet-stream", body, body.length);
    try (RegistryClient client = client(null, null)) {
      Descriptor claimed = Descriptor.of(MediaTypes.OCI_LAYER, Digest.sha256(body), 5);
      InvalidContentException e = assertThrows(InvalidContentException.class,
          () -> lyingTarget(client, server).fetchBlob(claimed));
      assertTrue(e.getMessage().contains("announces 10 bytes for a blob of 5 bytes"), e.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesMalformedManifestBytes() throws Exception {
    byte[] body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":"
        .getBytes(StandardCharsets.UTF_8);
    HttpServer server = lyingServer(MediaTypes.OCI_MANIFEST, body, body.length);
    try (RegistryClient client = client(null, null)) {
      assertThrows(InvalidContentException.class, () -> lyingTarget(client, server).fetchManifest("v1"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesAManifestWhoseDigestDiffersFromTheOneAskedFor() throws Exception {
    byte[] body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
        .getBytes(StandardCharsets.UTF_8);
    HttpServer server = lyingServer(MediaTypes.OCI_INDEX, body, body.length);
    try (RegistryClient client = client(null, null)) {
      Target target = lyingTarget(client, server);
      assertArrayEquals(body, target.fetchManifest("v1").bytes());
      String other = Digest.sha256("x".getBytes()).toString();
      InvalidContentException e = assertThrows(InvalidContentException.class, () -> target.fetchManifest(other));
      assertTrue(e.getMessage().contains("not " + other), e.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesAnUnknownManifestContentType() throws Exception {
    byte[] body = "<html></html>".getBytes(StandardCharsets.UTF_8);
    HttpServer server = lyingServer("text/html", body, body.length);
    try (RegistryClient client = client(null, null)) {
      InvalidContentException e = assertThrows(InvalidContentException.class,
          () -> lyingTarget(client, server).fetchManifest("v1"));
      assertTrue(e.getMessage().contains("text/html"), e.getMessage());
    } finally {
      server.stop(0);
    }
  }
}
