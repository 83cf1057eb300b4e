package dev.nota.core.timestamp;

import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.GOOD;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.NOW;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.assertMessageContains;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.fails;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.withHash;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nota.core.NotaException;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.TestTsa.Eku;
import dev.nota.core.timestamp.TestTsa.Issued;
import dev.nota.core.timestamp.TestTsa.SigningCertAttribute;
import dev.nota.core.timestamp.TimestampVerifier.TimeRange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens from a Bouncy Castle TSA made at test time, each differing from a good one in one field. */
class GeneratedTokenTest {
  static final byte[] SIGNATURE = "raw primitive signature bytes".getBytes(StandardCharsets.US_ASCII);
  static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(30));
  static final Instant END = START.plus(Duration.ofDays(365));

  static Issued root;
  static Issued intermediate;
  static Issued tsa;

  @BeforeAll
  static void makePki() throws Exception {
    root = TestTsa.root("Test TSA Root", START, END);
    intermediate = TestTsa.intermediate(root, "Test TSA CA", START, END);
    tsa = TestTsa.tsa(intermediate, "Test TSA", START, END, Eku.CRITICAL_TIMESTAMPING, null);
  }

  static TimeRange verify(byte[] token) throws NotaException {
    return new Rfc3161TimestampVerifier(GOOD, NOW).verify(token, SIGNATURE, withHash("SHA-256"), List.of(root.cert()));
  }

  static TestTsa.Token goodToken(Issued signer) throws Exception {
    return TestTsa.token(signer, SIGNATURE).certificates(signer.cert(), intermediate.cert());
  }

  @Test
  void tokenThroughAnIntermediateVerifiesWithSecondsMillisAndMicrosOfAccuracy() throws Exception {
    Instant genTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    byte[] token = goodToken(tsa).genTime(genTime, "").accuracy(2, 500, 250).encode();

    TimeRange range = verify(token);

    Duration accuracy = Duration.ofSeconds(2).plusMillis(500).plusNanos(250_000);
    assertEquals(new TimeRange(genTime.minus(accuracy), genTime.plus(accuracy)), range);
  }

  @Test
  void fractionalGenTimeIsKept() throws Exception {
    Instant genTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    byte[] token = goodToken(tsa).genTime(genTime, ".25").encode();

    TimeRange range = verify(token);

    assertEquals(genTime.plusMillis(250), range.earliest());
    assertEquals(range.earliest(), range.latest());
  }

  @Test
  void baselinePolicyWithoutAccuracyMeansOneSecond() throws Exception {
    Instant genTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    byte[] token = goodToken(tsa).genTime(genTime, "").policy("0.4.0.2023.1.1").encode();

    assertEquals(new TimeRange(genTime.minusSeconds(1), genTime.plusSeconds(1)), verify(token));
  }

  @Test
  void otherPolicyWithoutAccuracyMeansExactly() throws Exception {
    Instant genTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    byte[] token = goodToken(tsa).genTime(genTime, "").policy("1.2.3.4.5").encode();

    assertEquals(new TimeRange(genTime, genTime), verify(token));
  }

  @Test
  void negativeAccuracyIsRejected() throws Exception {
    NotaException e = fails(() -> verify(goodToken(tsa).accuracy(-1, null, null).encode()));

    assertMessageContains("invalid timestamp token: accuracy field -1 is out of range", e);
  }

  @Test
  void tsaCertificateWithoutExtendedKeyUsageIsRejected() throws Exception {
    Issued plain = TestTsa.tsa(intermediate, "No EKU TSA", START, END, Eku.NONE, null);

    NotaException e = fails(() -> verify(goodToken(plain).encode()));

    assertMessageContains("invalid TSA certificate chain: timestamping certificate \"CN=No EKU TSA,O=nota tests\"", e);
    assertMessageContains("extended key usage", e);
  }

  @Test
  void tsaCertificateWithNonCriticalTimestampingIsRejected() throws Exception {
    Issued lax = TestTsa.tsa(intermediate, "Lax TSA", START, END, Eku.NON_CRITICAL_TIMESTAMPING, null);

    NotaException e = fails(() -> verify(goodToken(lax).encode()));

    assertMessageContains("invalid TSA certificate chain: timestamping certificate \"CN=Lax TSA,O=nota tests\"", e);
    assertMessageContains("critical", e);
  }

  @Test
  void tsaCertificateWithAnExtraKeyPurposeIsRejected() throws Exception {
    Issued both = TestTsa.tsa(intermediate, "Both TSA", START, END, Eku.TIMESTAMPING_AND_CODESIGNING, null);

    NotaException e = fails(() -> verify(goodToken(both).encode()));

    assertMessageContains("invalid TSA certificate chain: timestamping certificate \"CN=Both TSA,O=nota tests\"", e);
    assertMessageContains("extended key usage", e);
  }

  @Test
  void tokenWithoutTheIntermediateDoesNotReachTheRoot() throws Exception {
    NotaException e = fails(() -> verify(TestTsa.token(tsa, SIGNATURE).encode()));

    assertMessageContains("timestamp certificate chain does not lead to a trusted TSA root", e);
  }

  @Test
  void tokenCarryingASelfSignedLookalikeRootIsNotTrusted() throws Exception {
    Issued lookalike = TestTsa.root("Test TSA Root", START, END); // same name, other key
    Issued ca = TestTsa.intermediate(lookalike, "Test TSA CA", START, END);
    Issued forged = TestTsa.tsa(ca, "Test TSA", START, END, Eku.CRITICAL_TIMESTAMPING, null);
    byte[] token = TestTsa.token(forged, SIGNATURE).certificates(forged.cert(), ca.cert(), lookalike.cert()).encode();

    NotaException e = fails(() -> verify(token));

    assertMessageContains("timestamp certificate chain does not lead to a trusted TSA root", e);
  }

  @Test
  void tsaCertificateNotYetValidAtGenTimeIsRejected() throws Exception {
    Issued late = TestTsa.tsa(intermediate, "Late TSA", START.plus(Duration.ofDays(1)), END,
        Eku.CRITICAL_TIMESTAMPING, null);
    byte[] token = goodToken(late).genTime(START.plusSeconds(60), "").encode();

    NotaException e = fails(() -> verify(token));

    assertMessageContains("invalid TSA certificate chain: certificate \"CN=Late TSA,O=nota tests\" is not", e);
    assertMessageContains("valid", e);
  }

  @Test
  void tokenWithoutSigningCertificateAttributeIsRejected() throws Exception {
    byte[] token = goodToken(tsa).signingCertificateAttribute(SigningCertAttribute.NONE, null).encode();

    NotaException e = fails(() -> verify(token));

    assertMessageContains("timestamp token lacks the signing-certificate-v2 attribute", e);
  }

  @Test
  void signingCertificateAttributeNamingAnotherCertificateIsRejected() throws Exception {
    byte[] token = goodToken(tsa)
        .signingCertificateAttribute(SigningCertAttribute.OTHER_CERTIFICATE, intermediate.cert()).encode();

    NotaException e = fails(() -> verify(token));

    assertMessageContains("signing-certificate attribute does not match the TSA certificate", e);
  }

  @Test
  void legacySigningCertificateAttributeIsAccepted() throws Exception {
    byte[] token = goodToken(tsa).signingCertificateAttribute(SigningCertAttribute.V1, null).encode();

    TimeRange range = verify(token);

    assertEquals(range.earliest(), range.latest());
  }

  @Test
  void cmsSignatureByAnotherKeyIsRejected() throws Exception {
    byte[] token = goodToken(tsa).signingKey(TestTsa.ecKey()).encode();

    NotaException e = fails(() -> verify(token));

    assertMessageContains("timestamp token signature does not verify with the TSA certificate", e);
  }

  @Test
  void sha384ImprintMatchesSha384Algorithm() throws Exception {
    byte[] imprint = MessageDigest.getInstance("SHA-384").digest(SIGNATURE);
    byte[] token = goodToken(tsa).imprint(NISTObjectIdentifiers.id_sha384, imprint).encode();

    new Rfc3161TimestampVerifier(GOOD, NOW).verify(token, SIGNATURE, withHash("SHA-384"), List.of(root.cert()));
    NotaException e = fails(() -> verify(token));

    assertMessageContains("timestamp token hashes with SHA-384, but the signature algorithm", e);
  }

  @Test
  void tstInfoVersionOtherThanOneIsRejected() throws Exception {
    NotaException e = fails(() -> verify(goodToken(tsa).version(2).encode()));

    assertMessageContains("invalid timestamp token: TSTInfo version must be 1, got 2", e);
  }

  @Test
  void signedContentOtherThanTstInfoIsRejected() throws Exception {
    byte[] token = goodToken(tsa).contentType(PKCSObjectIdentifiers.data).encode();

    NotaException e = fails(() -> verify(token));

    assertMessageContains("unexpected content type 1.2.840.113549.1.7.1", e);
  }

  @Test
  void offlineRevocationFailsForATsaNamingAnOcspResponder() throws Exception {
    Issued online = TestTsa.tsa(intermediate, "Online TSA", START, END, Eku.CRITICAL_TIMESTAMPING,
        "http://127.0.0.1:1/ocsp");
    byte[] token = goodToken(online).encode();

    NotaException e = fails(() -> new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, NOW)
        .verify(token, SIGNATURE, withHash("SHA-256"), List.of(root.cert())));

    assertMessageContains("revocation status of certificate \"CN=Online TSA,O=nota tests\" is unknown", e);
  }

  @Test
  void offlineRevocationPassesForAChainNamingNoRevocationService() throws Exception {
    new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, NOW)
        .verify(goodToken(tsa).encode(), SIGNATURE, withHash("SHA-256"), List.of(root.cert()));
  }
}
