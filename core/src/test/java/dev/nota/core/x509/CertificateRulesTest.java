package dev.nota.core.x509;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Each certificate rule of the Notary Project spec, broken on purpose by a certificate built here. */
class CertificateRulesTest {
  private static final Instant NOW = Instant.now();
  private final KeyPair rootKey = ec();
  private final KeyPair leafKey = ec();
  private final X500Principal rootName = new X500Principal("CN=Root,O=Notary,ST=WA,C=US");
  private final X500Principal leafName = new X500Principal("CN=Leaf,O=Notary,ST=WA,C=US");

  private static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate root(UnaryOperator<X509v3CertificateBuilder> extensions) throws Exception {
    return build(rootName, rootName, rootKey, rootKey, extensions, "SHA256withECDSA");
  }

  private X509Certificate goodRoot() throws Exception {
    return root(b -> add(add(b, Extension.basicConstraints, true, new BasicConstraints(0)),
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)));
  }

  private X509Certificate leaf(UnaryOperator<X509v3CertificateBuilder> extensions) throws Exception {
    return build(rootName, leafName, leafKey, rootKey, extensions, "SHA256withECDSA");
  }

  private static X509v3CertificateBuilder add(X509v3CertificateBuilder b, org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
      boolean critical, org.bouncycastle.asn1.ASN1Encodable value) {
    try {
      return b.addExtension(oid, critical, value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static UnaryOperator<X509v3CertificateBuilder> signingLeaf() {
    return b -> add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
  }

  private static X509Certificate build(X500Principal issuer, X500Principal subject, KeyPair key, KeyPair issuerKey,
      UnaryOperator<X509v3CertificateBuilder> extensions, String alg) throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
        Date.from(NOW.minus(Duration.ofHours(1))), Date.from(NOW.plus(Duration.ofDays(1))), subject, key.getPublic());
    return new JcaX509CertificateConverter().getCertificate(
        extensions.apply(b).build(new JcaContentSignerBuilder(alg).build(issuerKey.getPrivate())));
  }

  private static void rejects(List<X509Certificate> chain, String messagePart) {
    CertificateRuleException e =
        assertThrows(CertificateRuleException.class, () -> CertificateRules.checkCodeSigningChain(chain, NOW));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void acceptsALeafWithCriticalDigitalSignatureUnderAProperRoot() throws Exception {
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(List.of(leaf(signingLeaf()), goodRoot()), NOW));
  }

  @Test
  void acceptsGeneratedTestCertificates() {
    for (TestCertificates.KeySpec spec : TestCertificates.KeySpec.values()) {
      TestCertificates.Generated g = TestCertificates.generate("t", spec, Duration.ofDays(1), Clock.systemUTC());
      assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(g.chain(), NOW), spec.name());
    }
  }

  @Test
  void rejectsServerAuthExtendedKeyUsage() throws Exception {
    X509Certificate leaf = leaf(b -> add(signingLeaf().apply(b), Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)));
    rejects(List.of(leaf, goodRoot()), "serverAuth");
  }

  @Test
  void rejectsNonCriticalOrMissingKeyUsage() throws Exception {
    rejects(List.of(leaf(b -> add(b, Extension.keyUsage, false, new KeyUsage(KeyUsage.digitalSignature))),
        goodRoot()), "must be critical");
    rejects(List.of(leaf(b -> b), goodRoot()), "no key usage");
  }

  @Test
  void rejectsLeafWithKeyEnciphermentOrWithoutDigitalSignature() throws Exception {
    rejects(List.of(leaf(b -> add(b, Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))), goodRoot()), "keyEncipherment");
    rejects(List.of(leaf(b -> add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.nonRepudiation))),
        goodRoot()), "digitalSignature");
  }

  @Test
  void rejectsCaLeafAndNonCaIssuer() throws Exception {
    rejects(List.of(leaf(b -> add(signingLeaf().apply(b), Extension.basicConstraints, true,
        new BasicConstraints(true))), goodRoot()), "must not be a CA");
    X509Certificate notCa = root(b -> add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)));
    rejects(List.of(leaf(signingLeaf()), notCa), "not a CA");
    X509Certificate noCertSign = root(b -> add(add(b, Extension.basicConstraints, true, new BasicConstraints(0)),
        Extension.keyUsage, true, new KeyUsage(KeyUsage.cRLSign)));
    rejects(List.of(leaf(signingLeaf()), noCertSign), "keyCertSign");
  }

  @Test
  void rejectsWrongOrderMissingRootAndForeignIssuer() throws Exception {
    X509Certificate leaf = leaf(signingLeaf());
    X509Certificate root = goodRoot();
    rejects(List.of(root, leaf), "must end in a self-signed root");
    rejects(List.of(leaf), "not self-signed");
    KeyPair other = ec();
    X509Certificate impostor = build(rootName, rootName, other, other,
        b -> add(add(b, Extension.basicConstraints, true, new BasicConstraints(0)), Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign)), "SHA256withECDSA");
    rejects(List.of(leaf, impostor), "is not signed by");
  }

  @Test
  void rejectsSha1SignedCertificatesInAChain() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair rsaRoot = g.generateKeyPair();
    KeyPair rsaLeaf = g.generateKeyPair();
    X509Certificate root = build(rootName, rootName, rsaRoot, rsaRoot,
        b -> add(add(b, Extension.basicConstraints, true, new BasicConstraints(0)), Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign)), "SHA256withRSA");
    X509Certificate leaf = build(rootName, leafName, rsaLeaf, rsaRoot, signingLeaf(), "SHA1withRSA");
    rejects(List.of(leaf, root), "SHA-1");
  }

  @Test
  void rejectsSmallKeysAndExpiredCertificates() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair small = g.generateKeyPair();
    X509Certificate selfSigned = build(leafName, leafName, small, small, signingLeaf(), "SHA256withRSA");
    rejects(List.of(selfSigned), "RSA 1024");
    X509Certificate leaf = leaf(signingLeaf());
    CertificateRuleException e = assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkCodeSigningChain(List.of(leaf, goodRoot()), NOW.plus(Duration.ofDays(3))));
    assertTrue(e.getMessage().contains("is not valid at"), e.getMessage());
  }

  @Test
  void timestampingLeafNeedsCriticalTimeStampingOnly() throws Exception {
    X509Certificate tsa = leaf(b -> add(b, Extension.extendedKeyUsage, true,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping)));
    assertDoesNotThrow(() -> CertificateRules.checkTimestampingChain(List.of(tsa, goodRoot()), NOW));
    X509Certificate nonCritical = leaf(b -> add(b, Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping)));
    assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(List.of(nonCritical, goodRoot()), NOW));
    X509Certificate codeSigning = leaf(b -> add(b, Extension.extendedKeyUsage, true,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning)));
    assertThrows(CertificateRuleException.class,
        () -> CertificateRules.checkTimestampingChain(List.of(codeSigning, goodRoot()), NOW));
  }

  @Test
  void readsPemAndDerAndRejectsGarbage() throws Exception {
    Path dir = Files.createTempDirectory("certs");
    X509Certificate root = goodRoot();
    X509Certificate leaf = leaf(signingLeaf());
    Path pem = Files.write(dir.resolve("chain.pem"), Certificates.toPem(List.of(leaf, root)));
    Path der = Files.write(dir.resolve("root.der"), root.getEncoded());
    Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertTrue(Certificates.readPem(pem).equals(List.of(leaf, root)));
    assertTrue(Certificates.readPem(der).equals(List.of(root)));
    assertThrows(CertificateRuleException.class, () -> Certificates.readPem(junk));
    assertThrows(CertificateRuleException.class, () -> Certificates.readPem(empty));
    assertThrows(CertificateRuleException.class, () -> Certificates.readPem(dir.resolve("missing.pem")));
  }
}
