package dev.nota.core.timestamp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.OpensslTsaServer.Behaviour;
import dev.nota.core.timestamp.TimestampException.Reason;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.Openssl;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.tsp.TimeStampReq;
import org.bouncycastle.tsp.TimeStampRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The TSA client against {@code openssl ts -reply} on 127.0.0.1, answering well and in every bad way. */
class TimestampClientTest {
  private static final byte[] SIGNATURE = "raw signature bytes".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path dir;
  private static OpensslTsaServer tsa;
  private static X509Certificate root;

  @BeforeAll
  static void startTsa() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    tsa = OpensslTsaServer.start(dir.resolve("tsa"));
    root = Certificates.readPem(tsa.rootCertificate()).get(0);
  }

  @AfterAll
  static void stopTsa() {
    if (tsa != null) {
      tsa.close();
    }
  }

  private static TimestampClient client(Duration timeout) throws NotaException {
    return TimestampClient.create(new TimestampClient.Options(tsa.url(), root, timeout, RevocationChecker.OFFLINE,
        Clock.systemUTC()));
  }

  private static TimestampException fails(Behaviour b, Duration timeout) throws Exception {
    tsa.behaviour(b);
    try {
      return assertThrows(TimestampException.class,
          () -> client(timeout).timestamp(SIGNATURE, SignatureAlgorithm.ECDSA_SHA_256));
    } finally {
      tsa.behaviour(Behaviour.GOOD);
    }
  }

  @ParameterizedTest
  @CsvSource({"ECDSA_SHA_256, SHA-256", "RSASSA_PSS_SHA_384, SHA-384", "ECDSA_SHA_512, SHA-512"})
  void aGrantedTokenIsOverTheSignatureHashedWithTheAlgorithmsHashAndVerifiesAgainstTheRoot(
      SignatureAlgorithm algorithm, String hash) throws Exception {
    tsa.behaviour(Behaviour.GOOD);
    byte[] token = client(null).timestamp(SIGNATURE, algorithm);

    TimestampVerifier.TimeRange range = new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, Clock.systemUTC())
        .verify(token, SIGNATURE, algorithm, List.of(root));
    assertNotNull(range);
    TimeStampRequest sent = new TimeStampRequest(tsa.requests().get(tsa.requests().size() - 1));
    assertTrue(MessageDigest.isEqual(MessageDigest.getInstance(hash).digest(SIGNATURE),
        sent.getMessageImprintDigest()));
  }

  @Test
  void theRequestIsVersionOneWithCertReqANonceBelowTwoToThe159AndNullHashParameters() throws Exception {
    tsa.behaviour(Behaviour.GOOD);
    client(null).timestamp(SIGNATURE, SignatureAlgorithm.ECDSA_SHA_256);
    client(null).timestamp(SIGNATURE, SignatureAlgorithm.ECDSA_SHA_256);

    List<byte[]> requests = tsa.requests();
    TimeStampReq first = TimeStampReq.getInstance(requests.get(requests.size() - 2));
    TimeStampReq second = TimeStampReq.getInstance(requests.get(requests.size() - 1));
    assertEquals(BigInteger.ONE, first.getVersion().getValue());
    assertTrue(first.getCertReq().isTrue());
    assertEquals(null, first.getReqPolicy());
    assertEquals(NISTObjectIdentifiers.id_sha256, first.getMessageImprint().getHashAlgorithm().getAlgorithm());
    assertEquals(DERNull.INSTANCE, first.getMessageImprint().getHashAlgorithm().getParameters());
    BigInteger nonce = first.getNonce().getValue();
    assertTrue(nonce.signum() >= 0 && nonce.bitLength() <= 159, nonce::toString);
    assertTrue(!nonce.equals(second.getNonce().getValue()), "two requests carried the same nonce");
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_500", "SLOW"})
  void aTsaThatFailsOrIsTooSlowIsUnreachable(Behaviour b) throws Exception {
    long start = System.nanoTime();
    TimestampException e = fails(b, Duration.ofMillis(700));
    assertEquals(Reason.UNREACHABLE, e.reason(), e::getMessage);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0, "not bounded");
    assertTrue(e.getMessage().contains(b == Behaviour.SLOW ? "did not answer within 700 ms" : "answered HTTP 500"),
        e::getMessage);
  }

  @Test
  void aTsaThatIsDownIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TimestampClient client = TimestampClient.create(TimestampClient.Options.of(
        URI.create("http://127.0.0.1:" + port + "/tsa"), root));
    TimestampException e = assertThrows(TimestampException.class,
        () -> client.timestamp(SIGNATURE, SignatureAlgorithm.ECDSA_SHA_256));
    assertEquals(Reason.UNREACHABLE, e.reason());
    assertTrue(e.getMessage().startsWith("cannot reach the TSA at http://127.0.0.1:" + port), e::getMessage);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "GARBAGE            | answered with something that is not an RFC 3161 timestamp response",
    "WRONG_CONTENT_TYPE | answered with content type \"text/html\"",
    "HUGE               | sent more than 1048576 bytes",
    "REJECTED           | refused to timestamp: status rejection, failure badAlg",
    "WRONG_NONCE        | answered another request: the token's nonce differs",
    "WRONG_IMPRINT      | answered another request: the token's message imprint is not the hash nota sent",
    "UNTRUSTED_CA       | sent a timestamp nota does not trust: timestamp certificate chain does not lead to a trusted"
  })
  void anAnswerThatIsNoTrustedTokenForThisRequestIsInvalid(Behaviour b, String message) throws Exception {
    TimestampException e = fails(b, null);
    assertEquals(Reason.INVALID_RESPONSE, e.reason(), e::getMessage);
    assertTrue(e.getMessage().startsWith("the TSA at " + tsa.url()), e::getMessage);
    assertTrue(e.getMessage().contains(message), e::getMessage);
    assertEquals(1, e.getMessage().lines().count(), e::getMessage);
  }

  @Test
  void aTokenFromTheUntrustedTsaIsAcceptedWhenItsRootIsGiven() throws Exception {
    tsa.behaviour(Behaviour.UNTRUSTED_CA);
    try {
      X509Certificate other = Certificates.readPem(tsa.untrustedRootCertificate()).get(0);
      byte[] token = TimestampClient.create(TimestampClient.Options.of(tsa.url(), other))
          .timestamp(SIGNATURE, SignatureAlgorithm.ECDSA_SHA_256);
      assertTrue(token.length > 0);
    } finally {
      tsa.behaviour(Behaviour.GOOD);
    }
  }

  @Test
  void onlyAbsoluteHttpUrlsPositiveTimeoutsAndSelfSignedRootsAreAccepted() throws Exception {
    assertTrue(assertThrows(NotaException.class, () -> TimestampClient.create(
        TimestampClient.Options.of(URI.create("ftp://127.0.0.1/tsa"), root))).getMessage()
        .contains("must be an absolute http or https URL"));
    assertTrue(assertThrows(NotaException.class, () -> TimestampClient.create(
        TimestampClient.Options.of(URI.create("tsa.example"), root))).getMessage()
        .contains("must be an absolute http or https URL"));
    assertTrue(assertThrows(NotaException.class, () -> client(Duration.ZERO)).getMessage()
        .contains("timeout must be positive"));
    X509Certificate leaf = Certificates.readPem(tsa.tsaCertificate()).get(0);
    assertTrue(assertThrows(NotaException.class, () -> TimestampClient.create(
        TimestampClient.Options.of(tsa.url(), leaf))).getMessage().contains("is not a root"));
  }
}
