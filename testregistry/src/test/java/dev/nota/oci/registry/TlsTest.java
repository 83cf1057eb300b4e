package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.Reference;
import dev.nota.testregistry.TestRegistry;
import dev.nota.testregistry.TestTls;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against real TLS on loopback: a private CA, an HTTPS test registry, and plain HTTP ones. */
class TlsTest {
  @TempDir
  Path dir;
  private TestTls tls;
  private Path caFile;
  private TestRegistry https;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    tls = TestTls.generate();
    caFile = tls.writeCaPem(dir.resolve("ca.pem"));
    https = TestRegistry.builder().tls(tls.serverContext()).start();
  }

  @AfterEach
  void stop() {
    https.close();
  }

  private RegistryClient client(RegistryOptions options) {
    return new RegistryClient(options.withMaxRetries(1).withDebugLog(log::add));
  }

  private List<String> requestLines() {
    return log.stream().filter(l -> l.startsWith("> ")).toList();
  }

  private static void pushAndPull(RegistryTarget target) throws Exception {
    Descriptor blob = Artifacts.pushBlob(target, MediaTypes.OCI_LAYER, "over tls".getBytes(StandardCharsets.UTF_8));
    try (InputStream in = target.fetchBlob(blob)) {
      assertEquals("over tls", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Descriptor image = Artifacts.pushImage(target, "v1", "layer over tls");
    assertEquals(image.digest(), target.resolve("v1").digest());
    assertEquals(image.digest(), target.fetchManifest("v1").descriptor().digest());
  }

  private static void assertOneClearLine(String message) {
    assertFalse(message.contains("\n"), message);
    assertFalse(message.contains("Exception"), message);
    assertFalse(message.contains("sun."), message);
  }

  @Test
  void servesHttpsWithAnHttpsBaseUri() {
    assertEquals("https://" + https.host(), https.baseUri().toString());
  }

  @Test
  void pushesAndPullsBlobsAndManifestsOverHttpsWhenTheCaFileTrustsTheRegistry() throws Exception {
    for (String host : List.of("localhost:" + https.port(), https.host())) {
      log.clear();
      try (RegistryClient client = client(RegistryOptions.defaults().withCaFile(caFile))) {
        pushAndPull(client.repository(host, "app"));
      }
      assertFalse(requestLines().isEmpty(), log.toString());
      assertTrue(requestLines().stream().allMatch(l -> l.contains(" https://" + host + "/")), log.toString());
      assertTrue(log.contains("probed " + host + ": not plain HTTP, using HTTPS"), log.toString());
    }
  }

  @Test
  void tokenAuthUsesAnHttpsRealmOnAnHttpsRegistry() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tls(tls.serverContext()).tokenAuth("bob", "pw").start();
        RegistryClient client = client(RegistryOptions.defaults().withCaFile(caFile)
            .withCredentials(new StaticCredentials("bob", "pw")))) {
      pushAndPull(client.repository(registry.host(), "app"));
      assertTrue(registry.requestLog().stream().anyMatch(l -> l.contains("/token")), registry.requestLog().toString());
    }
  }

  @Test
  void reportsAnUntrustedCertificateInOneLineAndNeverTriesPlainHttp() {
    String host = "localhost:" + https.port();
    try (RegistryClient client = client(RegistryOptions.defaults())) {
      OciException e = assertThrows(OciException.class, () -> client.repository(host, "app").resolve("v1"));
      assertTrue(e.getMessage().contains("the TLS certificate of " + host + " is not trusted"), e.getMessage());
      assertTrue(e.getMessage().contains("--ca-file"), e.getMessage());
      assertOneClearLine(e.getMessage());
    }
    assertTrue(requestLines().stream().noneMatch(l -> l.contains("http://")), log.toString());
    assertTrue(https.requestLog().isEmpty(), https.requestLog().toString());
  }

  @Test
  void anInsecureRegistryThatSpeaksTlsKeepsItsCertificateChecked() throws Exception {
    RegistryOptions insecure = RegistryOptions.defaults().withInsecureRegistries(Set.of(https.host()));
    try (RegistryClient client = client(insecure)) {
      OciException e = assertThrows(OciException.class, () -> client.repository(https.host(), "app").resolve("v1"));
      assertTrue(e.getMessage().contains("is not trusted"), e.getMessage());
      assertOneClearLine(e.getMessage());
    }
    assertTrue(requestLines().stream().noneMatch(l -> l.contains("http://")), log.toString());
    log.clear();
    try (RegistryClient client = client(insecure.withCaFile(caFile))) {
      pushAndPull(client.repository(https.host(), "app"));
    }
    assertTrue(requestLines().stream().allMatch(l -> l.contains(" https://")), log.toString());
  }

  @Test
  void aPlainHttpLoopbackRegistryIsStillReachedOverPlainHttp() throws Exception {
    try (TestRegistry plain = TestRegistry.start()) {
      for (String host : List.of(plain.host(), "localhost:" + plain.port())) {
        log.clear();
        try (RegistryClient client = client(RegistryOptions.defaults().withCaFile(caFile))) {
          pushAndPull(client.repository(host, "app"));
        }
        assertTrue(requestLines().stream().allMatch(l -> l.contains(" http://" + host + "/")), log.toString());
        assertEquals(1, log.stream().filter(l -> l.startsWith("probed ")).count(), log.toString());
        assertTrue(log.contains("probed " + host + ": plain HTTP"), log.toString());
      }
      // the probe is answered by the HTTP server itself and never reaches the registry
      assertTrue(plain.requestLog().stream().noneMatch(l -> l.contains("probe")), plain.requestLog().toString());
    }
  }

  @Test
  void onlyLoopbackAndInsecureRegistriesMayBePlainHttp() throws Exception {
    try (RegistryClient client = client(RegistryOptions.defaults()
        .withInsecureRegistries(Set.of("registry.internal:5000")))) {
      assertFalse(client.mayUsePlainHttp(Reference.parse("registry.example.com:5000/app")));
      assertFalse(client.mayUsePlainHttp(Reference.parse("registry.internal/app")));
      assertFalse(client.mayUsePlainHttp(Reference.parse("ghcr.io/app")));
      assertTrue(client.mayUsePlainHttp(Reference.parse("registry.internal:5000/app")));
      assertTrue(client.mayUsePlainHttp(Reference.parse("localhost:5000/app")));
      assertTrue(client.mayUsePlainHttp(Reference.parse("127.0.0.1:5000/app")));
    }
  }

  @Test
  void aRegistryThatMayNotBePlainHttpIsNeverProbed() {
    try (Transport transport = new Transport(RegistryOptions.defaults().withDebugLog(log::add))) {
      okhttp3.HttpUrl url = okhttp3.HttpUrl.get("https://registry.example.com:5000/v2/");
      assertEquals(url, transport.effectiveUrl(url));
      assertTrue(log.isEmpty(), log.toString());
    }
  }

  @Test
  void namesTheCaFileWhenItHoldsNoCertificates() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    try (RegistryClient client = client(RegistryOptions.defaults().withCaFile(garbage))) {
      OciException e = assertThrows(OciException.class, () -> client.repository(https.host(), "app").resolve("v1"));
      assertTrue(e.getMessage().contains("reading CA file " + garbage), e.getMessage());
      assertOneClearLine(e.getMessage());
    }
  }

  @Test
  void namesTheCaFileWhenItIsMissing() {
    Path missing = dir.resolve("missing.pem");
    try (RegistryClient client = client(RegistryOptions.defaults().withCaFile(missing))) {
      OciException e = assertThrows(OciException.class, () -> client.repository(https.host(), "app").resolve("v1"));
      assertTrue(e.getMessage().contains("reading CA file " + missing), e.getMessage());
      assertOneClearLine(e.getMessage());
    }
  }
}
