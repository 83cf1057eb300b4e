package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nota.testregistry.TestTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTPS registry that redirects to plain HTTP: nota does not follow (credentials or content must never move to
 * cleartext behind the user's back), says so in one line and exits 3, and nothing is requested over HTTP.
 */
class TlsRedirectTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @TempDir Path home;
  private HttpsServer https;
  private HttpServer plain;
  private final List<String> plainRequests = new CopyOnWriteArrayList<>();
  private Path caFile;

  @BeforeEach
  void start() throws Exception {
    TestTls tls = TestTls.generate();
    caFile = tls.writeCaPem(home.resolve("ca.pem"));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    plain = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
    plain.createContext("/", exchange -> {
      plainRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    plain.start();
    String cleartext = "http://127.0.0.1:" + plain.getAddress().getPort();
    https = HttpsServer.create(new InetSocketAddress(loopback, 0), 16);
    https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    https.createContext("/", exchange -> {
      if (exchange.getRequestURI().getPath().equals("/v2/")) {
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.getResponseHeaders().add("Location", cleartext + exchange.getRequestURI());
        exchange.sendResponseHeaders(307, -1);
      }
      exchange.close();
    });
    https.start();
  }

  @AfterEach
  void stop() {
    https.stop(0);
    plain.stop(0);
  }

  @Test
  void aRedirectFromHttpsToPlainHttpIsNotFollowed() {
    Cli cli = new Cli(home);
    assertEquals(0, cli.run("cert", "generate-test", "--default", "alice").code());
    String registry = "127.0.0.1:" + https.getAddress().getPort();
    assertEquals(0, cli.run("policy", "init", "--force", "--name", "p", "--scope", registry + "/app",
        "--trust-store", "ca:alice", "--trusted-identity", "*").code());
    for (String command : new String[] {"verify", "sign", "inspect"}) {
      Cli.Result r = cli.run(command, "--ca-file", caFile.toString(), registry + "/app@" + DIGEST);
      assertEquals(3, r.code(), r::toString);
      String err = r.err().strip();
      assertFalse(err.contains("\n"), r::toString);
      assertTrue(err.contains("answered 307, a redirect from HTTPS to plain HTTP (127.0.0.1:"
          + plain.getAddress().getPort() + "), which nota does not follow"), r::toString);
      assertFalse(err.contains("Exception"), r::toString);
    }
    assertEquals(List.of(), plainRequests);
  }
}
