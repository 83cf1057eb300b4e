package dev.nota.core.x509;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real certificates from notation's repositories pass or fail the rules as notation decides. The expectations come
 * from notation-core-go's own tests and from reading each certificate with openssl (see the comments).
 */
class NotationCertificateVectorsTest {
  private static final Path V = CertificatesTest.VECTORS;
  private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");

  private static List<X509Certificate> chain(String... files) throws CertificateRuleException {
    List<X509Certificate> out = new ArrayList<>();
    for (String f : files) {
      out.addAll(Certificates.readPem(V.resolve(f)));
    }
    return out;
  }

  private static String codeSigningRejects(List<X509Certificate> chain, Instant at) {
    return assertThrows(CertificateRuleException.class, () -> CertificateRules.checkCodeSigningChain(chain, at))
        .getMessage();
  }

  /** Self-signed signing certificates made by notation's tests and e2e setup: KU critical digitalSignature. */
  @ParameterizedTest
  @CsvSource({
    // file, a time inside its validity
    "notation-core-go/x509/openssl-minimum-self-signed.pem, 2026-11-23T00:00:00Z",
    "derived/signer-certs/alpine-2000-2123.pem, 2026-11-23T00:00:00Z",
    "notation-cli/certs/localkeys/e2e.crt, 2026-11-23T00:00:00Z",
    "notation-cli/certs/localkeys/new_e2e.crt, 2026-11-23T00:00:00Z",
    "notation-cli/certs/localkeys/expired_e2e.crt, 2023-06-26T12:00:00Z",
    "derived/signer-certs/testTSA-2000-2001.pem, 2001-01-01T00:00:00Z",
    "derived/signer-certs/testTSA-expired-20240618.pem, 2024-06-18T07:25:00Z",
    "derived/signer-certs/testcert7-20250121.pem, 2025-01-21T12:00:00Z",
    "derived/signer-certs/testcert11-20250217.pem, 2025-02-17T12:00:00Z",
    "derived/signer-certs/wabbit-networks-metadata-20230111.pem, 2023-01-11T12:00:00Z"
  })
  void selfSignedSigningCertificatesPassWhileValid(String file, String inside) throws Exception {
    List<X509Certificate> c = chain(file);
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(c, Instant.parse(inside)));
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(c, null));
    if (c.get(0).getNotAfter().toInstant().isBefore(NOW)) {
      assertTrue(codeSigningRejects(c, NOW).contains("has expired at"));
    }
  }

  @Test
  void crlAndOcspTestChainsPass() throws Exception {
    // leaf (KU critical digitalSignature, no EKU) -> intermediate (CA, pathlen 0) -> root, valid to 2124
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(
        chain("notation-cli/certs/crl/certchain_with_crl.pem"), NOW));
    assertEquals(3, chain("notation-cli/certs/crl/certchain_with_crl.pem").size());
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(
        chain("notation-cli/certs/ocsp/certchain_with_ocsp.pem"), NOW));
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(
        chain("notation-cli/certs/ocsp/leaf.crt", "notation-cli/certs/ocsp/root.crt"), NOW));
  }

  @Test
  void ocspResponderCertificateCannotSignCode() throws Exception {
    // EKU critical OCSPSigning
    assertTrue(codeSigningRejects(chain("notation-cli/certs/ocsp/ocsp.crt", "notation-cli/certs/ocsp/root.crt"), NOW)
        .endsWith("cannot sign code: its extended key usage includes OCSPSigning"));
  }

  @Test
  void tlsServerCertificateCannotSignCode() throws Exception {
    // test_cert_1: KU digitalSignature + keyEncipherment, EKU serverAuth, expired 2023
    List<X509Certificate> c = chain("notation-cli/certs/timestamp/CertChain.pem");
    assertEquals("certificate \"CN=test_cert_1,O=Acme Co\" cannot sign: its key usage includes keyEncipherment "
        + "(only digitalSignature and nonRepudiation are allowed)", codeSigningRejects(c, null));
    assertTrue(codeSigningRejects(c, NOW).contains("has expired"));
  }

  @Test
  void certificateWhoseIssuerDiffersFromItsSubjectCannotStandAlone() throws Exception {
    // subject ST=WA,L=Seattle but issuer ST=,L= (empty): not self-issued
    assertTrue(codeSigningRejects(chain("notation-cli/certs/timestamp/notSelfIssued.crt"), null)
        .contains("is not self-issued"));
  }

  @Test
  void rootCaCertificatesCannotSignOnTheirOwn() throws Exception {
    assertTrue(codeSigningRejects(chain("notation-core-go/x509/pem.crt"), NOW).contains("is a CA certificate"));
    assertTrue(codeSigningRejects(chain("notation-cli/certs/timestamp/globalsignTSARoot.cer"), NOW)
        .contains("is a CA certificate"));
    // the same GlobalSign root twice: a self-signed certificate that is not last
    assertTrue(codeSigningRejects(chain("notation-core-go/x509/multi-pem.crt"), NOW)
        .contains("is self-signed but is not the last certificate"));
  }

  @Test
  void digiCertTimestampingChainPassesTheTimestampingRulesOnly() throws Exception {
    List<X509Certificate> tsa = chain("notation-core-go/x509/timestamp_leaf.crt",
        "notation-core-go/x509/timestamp_intermediate.crt", "notation-core-go/x509/timestamp_root.crt");
    assertDoesNotThrow(() -> CertificateRules.checkTimestampingChain(tsa, NOW));
    assertDoesNotThrow(() -> CertificateRules.checkTimestampingChain(tsa, null));
    assertEquals("certificate \"CN=DigiCert Timestamp 2023,O=DigiCert\\, Inc.,C=US\" cannot sign code: its "
        + "extended key usage includes timeStamping", codeSigningRejects(tsa, NOW));
    // notation-core-go's negative cases for this chain
    assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(List.of(tsa.get(0)), null));
    assertTrue(assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(List.of(tsa.get(0), tsa.get(1)), null)).getMessage()
        .contains("must end with a self-signed root certificate"));
    assertTrue(assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(List.of(tsa.get(2), tsa.get(2)), null)).getMessage()
        .contains("is self-signed but is not the last certificate"));
    assertTrue(assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(List.of(tsa.get(0), tsa.get(1), tsa.get(2), tsa.get(2)),
            null)).getMessage().contains("is self-signed but is not the last certificate"));
    assertTrue(assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(tsa, Instant.parse("2040-01-01T00:00:00Z"))).getMessage()
        .contains("has expired"));
  }
}
