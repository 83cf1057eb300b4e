package dev.nota.core.timestamp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.revocation.RevocationChecker;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real GlobalSign tokens of the notation-go test data, verified against GlobalSign Root R6. */
class Rfc3161TimestampVerifierTest {
  static final Path VECTORS = Path.of(System.getProperty("nota.shared"), "vectors/notation");
  static final Path NGO = VECTORS.resolve("notation-go");
  static final Path TOKENS = NGO.resolve("timestamp-tokens");
  static final Path ENVELOPES = NGO.resolve("envelopes/timestamped");
  static final RevocationChecker GOOD = (chain, at) -> null;
  static final Clock NOW = Clock.system(ZoneOffset.UTC);
  static final byte[] NOTATION = "notation".getBytes(StandardCharsets.US_ASCII);

  static SignatureAlgorithm withHash(String jcaName) {
    return Arrays.stream(SignatureAlgorithm.values()).filter(a -> a.hashJcaName().equals(jcaName)).findFirst()
        .orElseThrow();
  }

  static X509Certificate certificate(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  static List<X509Certificate> globalSignRoot() throws Exception {
    return List.of(certificate(NGO.resolve("truststore/x509/tsa/test-timestamp/globalsignRoot.cer")));
  }

  static byte[] token(String name) throws Exception {
    return Files.readAllBytes(TOKENS.resolve(name));
  }

  static NotaException fails(Executable e) {
    NotaException thrown = assertThrows(NotaException.class, e);
    assertFalse(thrown.getMessage().contains("\n"), () -> "message spans lines: " + thrown.getMessage());
    return thrown;
  }

  static void assertMessageContains(String want, NotaException e) {
    assertTrue(e.getMessage().contains(want), () -> "message \"" + e.getMessage() + "\" lacks \"" + want + "\"");
  }

  @Test
  void globalSignTokenProvesItsGenTimeWithOneSecondAccuracy() throws Exception {
    var range = new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-256"), globalSignRoot());

    // openssl ts -reply -token_in -text: "Time stamp: Sep 17 14:09:10 2021 GMT", "Accuracy: 0x01 seconds"
    assertEquals(Instant.parse("2021-09-17T14:09:09Z"), range.earliest());
    assertEquals(Instant.parse("2021-09-17T14:09:11Z"), range.latest());
  }

  @ParameterizedTest
  @CsvSource({
      "jwsWithTimestamp.sig, 2024-06-18T06:29:37Z",
      "coseWithTimestamp.sig, 2024-06-18T06:27:16Z",
      "jwsExpiredWithTimestamp.sig, 2024-06-18T07:21:42Z",
      "coseExpiredWithTimestamp.sig, 2024-06-18T07:21:12Z",
      "timestampBeforeNotBefore.sig, 2024-06-19T09:30:14Z",
      "timestampAfterNotAfter.sig, 2024-06-19T09:35:58Z"})
  void envelopeTimestampVerifiesOverItsSignatureAtTheGenTimeOpensslShows(String file, String genTime)
      throws Exception {
    EnvelopeTimestamps e = EnvelopeTimestamps.read(ENVELOPES.resolve(file));

    var range = new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(e.token(), e.signature(), withHash("SHA-256"), globalSignRoot());

    Instant expected = Instant.parse(genTime);
    assertEquals(new TimestampVerifier.TimeRange(expected.minusSeconds(1), expected.plusSeconds(1)), range);
  }

  @ParameterizedTest
  @CsvSource({"jwsWithTimestamp.sig", "coseWithTimestamp.sig"})
  void offlineRevocationFailsClosedForTheGlobalSignChain(String file) throws Exception {
    EnvelopeTimestamps e = EnvelopeTimestamps.read(ENVELOPES.resolve(file));

    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, NOW)
        .verify(e.token(), e.signature(), withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("revocation status", thrown);
    assertMessageContains("is unknown", thrown);
  }

  @Test
  void revocationIsAskedAboutTheTsaChainUpToTheTrustedRootAtGenTime() throws Exception {
    List<List<X509Certificate>> chains = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    RevocationChecker recording = (chain, at) -> {
      chains.add(chain);
      times.add(at);
      return null;
    };
    List<X509Certificate> root = globalSignRoot();

    new Rfc3161TimestampVerifier(recording, NOW).verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-256"),
        root);

    assertEquals(1, chains.size());
    List<X509Certificate> chain = chains.get(0);
    assertEquals(3, chain.size(), "TSA, GlobalSign Timestamping CA, Root R6 (not the token's R3 cross-certificate)");
    assertTrue(chain.get(0).getSubjectX500Principal().getName().contains("Globalsign TSA for Advanced - G4"));
    assertTrue(chain.get(1).getSubjectX500Principal().getName().contains("GlobalSign Timestamping CA"));
    assertEquals(root.get(0), chain.get(2));
    assertEquals(List.of(Instant.parse("2021-09-17T14:09:10Z")), times);
  }

  @Test
  void revocationCheckerMessageIsTheFailure() throws Exception {
    RevocationChecker revoked = (chain, at) -> "certificate \"CN=x\" is revoked";

    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(revoked, NOW)
        .verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertEquals("certificate \"CN=x\" is revoked", thrown.getMessage());
  }

  @Test
  void rejectsTokenWhenTheTrustedRootIsAnotherTsaRoot() throws Exception {
    List<X509Certificate> digiCert =
        List.of(certificate(NGO.resolve("truststore/x509/tsa/test-mismatch/DigiCertTSARootSHA384.cer")));

    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-256"), digiCert));

    assertMessageContains("timestamp certificate chain does not lead to a trusted TSA root", thrown);
  }

  @Test
  void rejectsTokenWhenNoRootIsTrusted() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-256"), List.of()));

    assertMessageContains("timestamp certificate chain does not lead to a trusted TSA root", thrown);
  }

  @Test
  void rejectsTokenOverADifferentSignature() throws Exception {
    EnvelopeTimestamps e = EnvelopeTimestamps.read(ENVELOPES.resolve("jwsWithTimestamp.sig"));
    byte[] changed = e.signature().clone();
    changed[changed.length / 2] ^= 0x01;

    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(e.token(), changed, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("timestamp token is not over this signature", thrown);
  }

  @Test
  void rejectsTokenWhoseImprintHashDiffersFromTheSignatureAlgorithmHash() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-384"), globalSignRoot()));

    assertMessageContains("timestamp token hashes with SHA-256", thrown);
    assertMessageContains("requires SHA-384", thrown);
  }

  @Test
  void rejectsGarbageWithOneLineMessage() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify("invalid\n".getBytes(StandardCharsets.US_ASCII), NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("invalid timestamp token: ", thrown);
  }

  @Test
  void rejectsEmptyToken() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(new byte[0], NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("invalid timestamp token: ", thrown);
  }

  @Test
  void rejectsTokenWhoseContentIsNotTstInfo() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW).verify(
        token("TimeStampTokenWithInvalideContentType.p7s"), NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("unexpected content type 1.2.840.113549.1.7.1", thrown);
  }

  @Test
  void rejectsTokenWhoseTstInfoCannotBeParsed() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW).verify(
        token("TimeStampTokenWithInvalidTSTInfo.p7s"), NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("invalid timestamp token: TSTInfo cannot be parsed", thrown);
  }

  @Test
  void rejectsTokenWithoutItsSigningCertificate() throws Exception {
    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW).verify(
        token("TimeStampTokenWithoutCertificate.p7s"), NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertEquals("signing certificate not found in the timestamp token", thrown.getMessage());
  }

  @Test
  void rejectsTokenWhoseCmsSignatureIsInvalid() throws Exception {
    byte[] token = Files.readAllBytes(
        VECTORS.resolve("notation-core-go/timestamp/TimeStampTokenWithInvalidSignature.p7s"));

    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(token, NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("timestamp token signature does not verify", thrown);
  }

  @Test
  void rejectsTimestampFromTheFutureOfTheClock() throws Exception {
    Clock before = Clock.fixed(Instant.parse("2021-09-17T14:00:00Z"), ZoneOffset.UTC);

    NotaException thrown = fails(() -> new Rfc3161TimestampVerifier(GOOD, before)
        .verify(token("TimeStampToken.p7s"), NOTATION, withHash("SHA-256"), globalSignRoot()));

    assertMessageContains("is in the future", thrown);
  }
}
