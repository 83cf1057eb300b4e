package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Reference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void backoffGrowsAndIsCapped() {
    for (int i = 0; i < 20; i++) {
      assertTrue(Transport.backoff(0, null).toMillis() <= 50);
      assertTrue(Transport.backoff(3, null).toMillis() >= 200);
      assertTrue(Transport.backoff(30, null).toMillis() <= 2000);
    }
  }

  @Test
  void backoffHonoursRetryAfterSecondsUpToACap() {
    assertEquals(Duration.ofSeconds(2), Transport.backoff(0, "2"));
    assertEquals(Duration.ofSeconds(5), Transport.backoff(0, "3600"));
    assertTrue(Transport.backoff(0, "Wed, 21 Oct 2015 07:28:00 GMT").toMillis() <= 50);
  }

  @Test
  void redactsSignatureLikeQueryValues() {
    String s = Transport.redact(HttpUrl.get("https://s3.example/b?X-Amz-Signature=abc&X-Amz-Credential=k&part=1"));
    assertTrue(!s.contains("abc") && s.contains("part=1"), s);
  }

  @Test
  void retriesOnlyTransientStatuses() {
    assertTrue(Transport.isRetryableStatus(429) && Transport.isRetryableStatus(503));
    assertTrue(!Transport.isRetryableStatus(500) && !Transport.isRetryableStatus(404));
  }

  @Test
  void aNonLoopbackRegistryIsHttpsWithoutInsecureRegistryAndIsNeverProbed() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    RegistryOptions options = RegistryOptions.defaults().withDebugLog(log::add);
    try (RegistryClient client = new RegistryClient(options);
        Transport transport = new Transport(options)) {
      for (String name : List.of("registry.example:5000", "registry.example", "localhost.example:5000",
          "127.0.0.1.nip.io:5000", "127.0.0.1.example")) {
        assertFalse(client.mayUsePlainHttp(Reference.parse(name + "/app")), name);
      }
      HttpUrl url = HttpUrl.get("https://registry.example:5000/v2/");
      assertSame(url, transport.effectiveUrl(url));
      assertTrue(log.isEmpty(), log.toString()); // no probe, no DNS lookup, no connection
    }
    try (RegistryClient client = new RegistryClient(options.withInsecureRegistries(Set.of("registry.example:5000")))) {
      assertTrue(client.mayUsePlainHttp(Reference.parse("registry.example:5000/app")));
      assertFalse(client.mayUsePlainHttp(Reference.parse("registry.example:5001/app")));
      assertFalse(client.mayUsePlainHttp(Reference.parse("registry.example/app")));
    }
  }

  @Test
  void aRefusedConnectionSaysTheRegistryRefusedItInOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String host = "127.0.0.1:" + port;
    try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withMaxRetries(0))) {
      RegistryException e = assertThrows(RegistryException.class,
          () -> client.repository(host, "app").resolve("v1"));
      assertEquals("resolving v1 in " + host + "/app: registry " + host
          + " refused the connection (is it running, and on that port?)", e.getMessage());
      assertEquals(0, e.status());
      assertTrue(e.isTransient());
    }
  }

  @Test
  void anUnresolvableHostSaysItCannotBeResolved() {
    try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withMaxRetries(0))) {
      RegistryException e = assertThrows(RegistryException.class,
          () -> client.repository("nota-test.invalid", "app").resolve("v1"));
      assertEquals("resolving v1 in nota-test.invalid/app: cannot resolve host nota-test.invalid", e.getMessage());
    }
  }

  @Test
  void onlyARefusedConnectionCountsAsRefused() {
    IOException refused = new java.net.ConnectException("Failed to connect to /127.0.0.1:1");
    refused.initCause(new java.net.ConnectException("Connection refused"));
    assertTrue(Transport.isRefused(refused));
    assertFalse(Transport.isRefused(new java.net.SocketTimeoutException("connect timed out")));
    assertFalse(Transport.isRefused(new java.net.ConnectException("Failed to connect to /127.0.0.1:1")));
  }
}
