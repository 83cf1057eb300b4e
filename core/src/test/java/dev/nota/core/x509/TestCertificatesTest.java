package dev.nota.core.x509;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What {@code nota cert generate-test} makes: a root CA and a code signing leaf that pass the rules. */
class TestCertificatesTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestCertificates.KeySpec.class)
  void generatedChainsPassTheCodeSigningRulesForEveryKeyType(TestCertificates.KeySpec spec) {
    TestCertificates.Generated g = TestCertificates.generate("nota", spec, Duration.ofDays(30), CLOCK);
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(g.chain(), T));
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(g.chain(), T.plus(Duration.ofDays(30))));
    assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkCodeSigningChain(g.chain(), T.plus(Duration.ofDays(30)).plusSeconds(1)));
    String sigAlg = g.leaf().getSigAlgName();
    String hash = switch (spec) {
      case RSA_2048, EC_256 -> "SHA256";
      case RSA_3072, EC_384 -> "SHA384";
      case RSA_4096, EC_521 -> "SHA512";
    };
    assertTrue(sigAlg.startsWith(hash), sigAlg);
    assertEquals(g.leaf().getPublicKey().getAlgorithm(), g.root().getPublicKey().getAlgorithm());
    assertEquals(g.key().getAlgorithm(), g.leaf().getPublicKey().getAlgorithm());
    int bits = g.leaf().getPublicKey() instanceof RSAPublicKey r ? r.getModulus().bitLength()
        : ((ECPublicKey) g.leaf().getPublicKey()).getParams().getCurve().getField().getFieldSize();
    assertEquals(Integer.parseInt(spec.name().substring(spec.name().indexOf('_') + 1)), bits);
  }

  @Test
  void generatedCertificatesHaveTheDocumentedNamesAndExtensions() throws Exception {
    TestCertificates.Generated g = TestCertificates.generate("wabbit", TestCertificates.KeySpec.EC_256,
        Duration.ofDays(7), CLOCK);
    X509Certificate leaf = g.leaf();
    X509Certificate root = g.root();
    assertEquals(2, g.chain().size());
    assertEquals("CN=wabbit,O=Notary,L=Seattle,ST=WA,C=US", leaf.getSubjectX500Principal().getName());
    assertEquals("CN=wabbit Test Root,O=Notary,L=Seattle,ST=WA,C=US", root.getSubjectX500Principal().getName());
    assertEquals(root.getSubjectX500Principal(), leaf.getIssuerX500Principal());
    assertEquals(0, root.getBasicConstraints());
    assertTrue(root.getCriticalExtensionOIDs().containsAll(List.of("2.5.29.19", "2.5.29.15")));
    assertArrayEquals(new boolean[] {false, false, false, false, false, true, true, false, false},
        root.getKeyUsage());
    assertEquals(-1, leaf.getBasicConstraints());
    assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.15"));
    assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false, false},
        leaf.getKeyUsage());
    assertEquals(List.of("1.3.6.1.5.5.7.3.3"), leaf.getExtendedKeyUsage());
    assertEquals(T.minus(Duration.ofMinutes(5)), leaf.getNotBefore().toInstant());
    assertEquals(T.plus(Duration.ofDays(7)), leaf.getNotAfter().toInstant());
    assertEquals(leaf.getNotAfter(), root.getNotAfter());
  }

  @Test
  void defaultValidityIsAYearUnlikeNotationsOneDay() {
    assertEquals(Duration.ofDays(365), TestCertificates.DEFAULT_VALIDITY);
  }

  @Test
  void commonNamesWithSpecialCharactersNeedNoEscaping() {
    TestCertificates.Generated g = TestCertificates.generate("a,b+c=\"d\"", TestCertificates.KeySpec.EC_256,
        Duration.ofDays(1), CLOCK);
    assertEquals("CN=a\\,b\\+c\\=\\\"d\\\",O=Notary,L=Seattle,ST=WA,C=US",
        g.leaf().getSubjectX500Principal().getName());
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(g.chain(), T));
  }

  @Test
  void refusesAnEmptyNameOrValidity() {
    assertThrows(IllegalArgumentException.class,
        () -> TestCertificates.generate(" ", TestCertificates.KeySpec.EC_256, Duration.ofDays(1), CLOCK));
    assertThrows(IllegalArgumentException.class,
        () -> TestCertificates.generate("x", TestCertificates.KeySpec.EC_256, Duration.ZERO, CLOCK));
  }

  @Test
  void opensslVerifiesTheGeneratedChainStrictly() throws Exception {
    TestCertificates.Generated g = TestCertificates.generate("interop", TestCertificates.KeySpec.RSA_3072,
        Duration.ofDays(1), Clock.systemUTC());
    Path root = Files.write(dir.resolve("root.pem"), Certificates.toPem(List.of(g.root())));
    Path leaf = Files.write(dir.resolve("leaf.pem"), Certificates.toPem(List.of(g.leaf())));
    String out = Openssl.run("verify", "-x509_strict", "-CAfile", root.toString(),
        leaf.toString());
    assertTrue(out.contains(": OK"), out);
  }
}
