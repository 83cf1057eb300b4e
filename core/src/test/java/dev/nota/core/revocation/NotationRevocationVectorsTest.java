package dev.nota.core.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.nota.core.verify.NotationVectors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * notation's own e2e CRL data (notation-cli/certs/crl: a leaf → intermediate → root chain and the CRLs notation's
 * tests serve for it). Their distribution points name {@code localhost:10086}; the vectors README says they need such
 * a server, so one on 127.0.0.1 serves them and the checker reaches it as an HTTP proxy (the intermediate's OCSP
 * responder, {@code localhost.test}, answers 404 there, so OCSP falls back to the CRL as in notation). The clock is
 * pinned.
 */
class NotationRevocationVectorsTest {
  private static final Path CRL = NotationVectors.root().resolve("notation-cli/certs/crl");
  private static final Clock PINNED = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

  private HttpServer server;
  private final Map<String, String> files = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext("/", x -> {
      try (x) {
        requested.add(x.getRequestURI().toString());
        String file = files.get(x.getRequestURI().getPath());
        if (file == null) {
          x.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = Files.readAllBytes(CRL.resolve(file));
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ChainRevocation check(String leafCrl, String intermediateCrl) throws Exception {
    files.put("/leaf.crl", leafCrl);
    files.put("/intermediate.crl", intermediateCrl);
    RevocationOptions options = RevocationOptions.defaults().withClock(PINNED)
        .withProxy(ProxySelector.of(server.getAddress()));
    return new OnlineRevocationChecker(options).evaluate(chain(), null);
  }

  private static List<X509Certificate> chain() throws Exception {
    try (var in = Files.newInputStream(CRL.resolve("certchain_with_crl.pem"))) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).toList();
    }
  }

  @Test
  void theGoodCrlsPassTheChainAfterTheIntermediatesOcspResponderFails() throws Exception {
    ChainRevocation r = check("leaf.crl", "intermediate.crl");

    assertEquals(RevocationStatus.OK, r.status(), r::failure);
    assertEquals("CRL", r.certificates().get(0).method());
    assertEquals("OCSP, then CRL", r.certificates().get(1).method());
    assertTrue(requested.contains("http://localhost:10086/leaf.crl"), requested::toString);
    assertTrue(requested.contains("http://localhost.test/ocsp"), requested::toString);
  }

  @Test
  void theRevokedLeafCrlRevokesTheLeaf() throws Exception {
    ChainRevocation r = check("leaf_revoked.crl", "intermediate.crl");

    assertEquals(RevocationStatus.REVOKED, r.status());
    assertTrue(r.failure().contains("CN=LeafCert") && r.failure().contains("is revoked"), r.failure());
  }

  @Test
  void theRevokedIntermediateCrlRevokesTheIntermediate() throws Exception {
    ChainRevocation r = check("leaf.crl", "intermediate_revoked.crl");

    assertEquals(RevocationStatus.REVOKED, r.status());
    assertTrue(r.failure().contains("CN=IntermediateCA"), r.failure());
  }

  @Test
  void theExpiredLeafCrlFromAnotherKeyIsNotTrusted() throws Exception {
    ChainRevocation r = check("leaf_expired.crl", "intermediate.crl");

    assertEquals(RevocationStatus.UNKNOWN, r.status());
    assertTrue(r.failure().contains("CN=LeafCert") && r.failure().contains("/leaf.crl"), r.failure());
  }
}
