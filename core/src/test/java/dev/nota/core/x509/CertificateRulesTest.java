package dev.nota.core.x509;

import static dev.nota.core.x509.CertBuilder.NOW;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each certificate rule of the Notary Project spec, broken on purpose by a certificate built here. */
class CertificateRulesTest {
  private final X509Certificate root = CertBuilder.root().build();
  private final X509Certificate leaf = CertBuilder.leaf().build();

  static String q(X509Certificate c) {
    return "\"" + c.getSubjectX500Principal().getName() + "\"";
  }

  private static String rejected(List<X509Certificate> chain) {
    CertificateRuleException e =
        assertThrows(CertificateRuleException.class, () -> CertificateRules.checkCodeSigningChain(chain, NOW));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  private static String rejectedTsa(List<X509Certificate> chain) {
    CertificateRuleException e =
        assertThrows(CertificateRuleException.class, () -> CertificateRules.checkTimestampingChain(chain, NOW));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  private static void accepted(List<X509Certificate> chain) {
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(chain, NOW));
  }

  @Test
  void acceptsLeafUnderRoot() {
    accepted(List.of(leaf, root));
  }

  @Test
  void aSignatureOnceVerifiedIsNotTakenForAnotherIssuersKeyOfTheSameName() {
    accepted(List.of(leaf, root)); // remembered as verified
    KeyPair other = CertBuilder.ec("secp256r1");
    X509Certificate impostor = CertBuilder.root().key(other).issuedBy(other).build(); // same name, another key
    assertTrue(rejected(List.of(leaf, impostor)).contains("does not verify with the key of its issuer"));
    accepted(List.of(leaf, root));
  }

  @Test
  void acceptsLeafUnderIntermediateAndRoot() {
    X509Certificate inter = CertBuilder.intermediate().build();
    X509Certificate l = CertBuilder.leaf().issuer("CN=Intermediate,O=Notary,ST=WA,C=US")
        .issuedBy(CertBuilder.INTERMEDIATE_KEY).build();
    accepted(List.of(l, inter, root));
  }

  @Test
  void acceptsLeafWithoutExtendedKeyUsageAndWithNonRepudiation() {
    accepted(List.of(CertBuilder.leaf().without(Extension.extendedKeyUsage)
        .ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation))
        .build(), root));
  }

  @Test
  void acceptsLeafWithBasicConstraintsCaFalse() {
    accepted(List.of(CertBuilder.leaf().ext(Extension.basicConstraints, true, new BasicConstraints(false)).build(),
        root));
  }

  @Test
  void acceptsAnyExtendedKeyUsageAsNotationDoes() {
    accepted(List.of(CertBuilder.leaf().ext(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.anyExtendedKeyUsage, KeyPurposeId.id_kp_codeSigning}))
        .build(), root));
  }

  @Test
  void acceptsASingleSelfSignedSigningCertificate() {
    accepted(List.of(CertBuilder.selfSignedLeaf().build()));
  }

  @Test
  void skipsTimeChecksWithoutATime() {
    X509Certificate old = CertBuilder.leaf().valid(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(9)))
        .build();
    assertDoesNotThrow(() -> CertificateRules.checkCodeSigningChain(List.of(old, root), null));
  }

  @Test
  void rejectsAnEmptyChain() {
    assertTrue(rejected(List.of()).contains("certificate chain is empty"));
    assertThrows(CertificateRuleException.class, () -> CertificateRules.checkCodeSigningChain(null, NOW));
  }

  @ParameterizedTest
  @CsvSource({
    "1.3.6.1.5.5.7.3.1, serverAuth",
    "1.3.6.1.5.5.7.3.2, clientAuth",
    "1.3.6.1.5.5.7.3.4, emailProtection",
    "1.3.6.1.5.5.7.3.8, timeStamping",
    "1.3.6.1.5.5.7.3.9, OCSPSigning"
  })
  void rejectsLeafWithAForbiddenExtendedKeyUsage(String oid, String name) {
    X509Certificate l = CertBuilder.leaf().ext(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
        new KeyPurposeId[] {KeyPurposeId.id_kp_codeSigning, KeyPurposeId.getInstance(
            new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid))})).build();
    assertEquals("certificate " + q(l) + " cannot sign code: its extended key usage includes " + name,
        rejected(List.of(l, root)));
  }

  @Test
  void rejectsLeafWithoutKeyUsage() {
    X509Certificate l = CertBuilder.leaf().without(Extension.keyUsage).build();
    assertEquals("certificate " + q(l) + " has no key usage extension; a signing certificate needs one with "
        + "digitalSignature", rejected(List.of(l, root)));
  }

  @Test
  void rejectsLeafWithNonCriticalKeyUsage() {
    X509Certificate l = CertBuilder.leaf()
        .ext(Extension.keyUsage, false, new KeyUsage(KeyUsage.digitalSignature)).build();
    assertEquals("certificate " + q(l) + " has a key usage extension that is not marked critical",
        rejected(List.of(l, root)));
  }

  @Test
  void rejectsLeafWithoutDigitalSignature() {
    X509Certificate l = CertBuilder.leaf().ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.nonRepudiation))
        .build();
    assertEquals("certificate " + q(l) + " cannot sign: its key usage lacks digitalSignature",
        rejected(List.of(l, root)));
  }

  @ParameterizedTest
  @CsvSource({
    "32, keyEncipherment", "16, dataEncipherment", "8, keyAgreement", "4, keyCertSign", "2, cRLSign",
    "1, encipherOnly", "32768, decipherOnly"
  })
  void rejectsLeafWithAForbiddenKeyUsage(int bit, String name) {
    X509Certificate l = CertBuilder.leaf()
        .ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | bit)).build();
    assertEquals("certificate " + q(l) + " cannot sign: its key usage includes " + name
        + " (only digitalSignature and nonRepudiation are allowed)", rejected(List.of(l, root)));
  }

  @Test
  void rejectsLeafThatIsACa() {
    X509Certificate l = CertBuilder.leaf().ext(Extension.basicConstraints, false, new BasicConstraints(true))
        .build();
    assertEquals("certificate " + q(l) + " is a CA certificate (basicConstraints cA=true), so it cannot be the "
        + "signing certificate", rejected(List.of(l, root)));
  }

  @Test
  void rejectsASingleCaCertificate() {
    assertTrue(rejected(List.of(root)).contains("is a CA certificate"));
  }

  @Test
  void rejectsIssuerWithoutBasicConstraintsOrWithCaFalse() {
    X509Certificate noBc = CertBuilder.root().without(Extension.basicConstraints).build();
    assertEquals("certificate " + q(noBc) + " issues another certificate of the chain but is not a CA: its "
        + "basicConstraints extension must be present with cA=true", rejected(List.of(leaf, noBc)));
    X509Certificate caFalse = CertBuilder.root().ext(Extension.basicConstraints, true, new BasicConstraints(false))
        .build();
    assertTrue(rejected(List.of(leaf, caFalse)).contains("is not a CA"));
  }

  @Test
  void rejectsCaWithoutKeyUsageOrNonCriticalOrWithoutKeyCertSign() {
    X509Certificate noKu = CertBuilder.root().without(Extension.keyUsage).build();
    assertEquals("CA certificate " + q(noKu) + " has no key usage extension; it needs one with keyCertSign",
        rejected(List.of(leaf, noKu)));
    X509Certificate nonCritical = CertBuilder.root()
        .ext(Extension.keyUsage, false, new KeyUsage(KeyUsage.keyCertSign)).build();
    assertEquals("CA certificate " + q(nonCritical) + " has a key usage extension that is not marked critical",
        rejected(List.of(leaf, nonCritical)));
    X509Certificate noCertSign = CertBuilder.root()
        .ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.cRLSign | KeyUsage.digitalSignature)).build();
    assertEquals("CA certificate " + q(noCertSign) + " lacks the keyCertSign key usage",
        rejected(List.of(leaf, noCertSign)));
  }

  @Test
  void honoursPathLengthConstraints() {
    X509Certificate inter = CertBuilder.intermediate().build();
    X509Certificate l = CertBuilder.leaf().issuer("CN=Intermediate,O=Notary,ST=WA,C=US")
        .issuedBy(CertBuilder.INTERMEDIATE_KEY).build();
    X509Certificate rootPathLen0 = CertBuilder.root().ext(Extension.basicConstraints, true, new BasicConstraints(0))
        .build();
    assertEquals("CA certificate " + q(rootPathLen0) + " allows a path length of 0 but has 1 CA certificate(s) "
        + "below it", rejected(List.of(l, inter, rootPathLen0)));
    X509Certificate rootPathLen1 = CertBuilder.root().ext(Extension.basicConstraints, true, new BasicConstraints(1))
        .build();
    accepted(List.of(l, inter, rootPathLen1));
    accepted(List.of(leaf, rootPathLen0));
  }

  @Test
  void rejectsAChainInTheWrongOrder() {
    assertEquals("certificate " + q(root) + " is self-signed but is not the last certificate of the chain; the "
        + "chain must be ordered leaf first, root last, with one root", rejected(List.of(root, leaf)));
    assertTrue(rejected(List.of(leaf, root, root)).contains("is self-signed but is not the last certificate"));
  }

  @Test
  void rejectsAChainWithoutItsRoot() {
    X509Certificate inter = CertBuilder.intermediate().build();
    X509Certificate l = CertBuilder.leaf().issuer("CN=Intermediate,O=Notary,ST=WA,C=US")
        .issuedBy(CertBuilder.INTERMEDIATE_KEY).build();
    assertEquals("certificate chain must end with a self-signed root certificate, but the last certificate "
        + q(inter) + " was issued by " + q(root), rejected(List.of(l, inter)));
    assertEquals("certificate " + q(leaf) + " is alone in its chain but is not self-issued (its issuer " + q(root)
        + " differs); add its issuing certificates up to the root", rejected(List.of(leaf)));
  }

  @Test
  void rejectsACertificateFollowedByOneThatDidNotIssueIt() {
    X509Certificate other = CertBuilder.root().subject("CN=Other Root,O=Notary,ST=WA,C=US")
        .issuer("CN=Other Root,O=Notary,ST=WA,C=US").build();
    assertEquals("certificate " + q(leaf) + " was not issued by the next certificate " + q(other) + " (its issuer is "
        + q(root) + "); the chain must be ordered leaf first, each certificate followed by its issuer",
        rejected(List.of(leaf, other)));
  }

  @Test
  void rejectsACertificateWhoseSignatureDoesNotVerifyWithItsIssuer() {
    X509Certificate impostor = CertBuilder.root().key(CertBuilder.ec("secp256r1")).build();
    assertEquals("signature of certificate " + q(leaf) + " does not verify with the key of its issuer "
        + q(impostor), rejected(List.of(leaf, impostor)));
    X509Certificate notSelfSigned = CertBuilder.selfSignedLeaf().issuedBy(CertBuilder.ec("secp256r1")).build();
    assertEquals("certificate " + q(notSelfSigned) + " is not self-signed: its signature does not verify with its "
        + "own key", rejected(List.of(notSelfSigned)));
  }

  @Test
  void comparesIssuerAndSubjectNamesByteForByte() {
    X500Name printable = new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERPrintableString("Same"))});
    X500Name utf8 = new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String("Same"))});
    X509Certificate c = CertBuilder.selfSignedLeaf().subject(utf8).issuer(printable).build();
    assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal(), "Java considers the names equal");
    assertTrue(rejected(List.of(c)).contains("is not self-issued"));
  }

  @Test
  void rejectsSha1SignaturesInAChainButNotOnALoneSelfSignedCertificate() {
    KeyPair rsaRoot = CertBuilder.rsa(2048);
    KeyPair rsaLeaf = CertBuilder.rsa(2048);
    X509Certificate r = CertBuilder.root().key(rsaRoot).algorithm("SHA256withRSA").build();
    X509Certificate sha1Leaf = CertBuilder.leaf().key(rsaLeaf).issuedBy(rsaRoot).algorithm("SHA1withRSA").build();
    assertEquals("certificate " + q(sha1Leaf) + " is signed with the insecure algorithm SHA1withRSA",
        rejected(List.of(sha1Leaf, r)));
    X509Certificate sha1Root = CertBuilder.root().key(rsaRoot).algorithm("SHA1withRSA").build();
    X509Certificate l = CertBuilder.leaf().key(rsaLeaf).issuedBy(rsaRoot).algorithm("SHA256withRSA").build();
    assertTrue(rejected(List.of(l, sha1Root)).contains("insecure algorithm SHA1withRSA"));
    X509Certificate sha1Ecdsa = CertBuilder.leaf().algorithm("SHA1withECDSA").build();
    assertTrue(rejected(List.of(sha1Ecdsa, root)).contains("insecure algorithm SHA1withECDSA"));
    accepted(List.of(CertBuilder.selfSignedLeaf().key(rsaLeaf).algorithm("SHA1withRSA").build()));
  }

  @Test
  void rejectsMd5SignaturesEverywhere() {
    KeyPair rsa = CertBuilder.rsa(2048);
    X509Certificate md5 = CertBuilder.selfSignedLeaf().key(rsa).algorithm("MD5withRSA").build();
    assertTrue(rejected(List.of(md5)).contains("insecure algorithm MD5withRSA"));
  }

  @Test
  void rejectsLeafKeysOutsideTheAlgorithmTable() throws Exception {
    X509Certificate rsa1024 = CertBuilder.selfSignedLeaf().key(CertBuilder.rsa(1024)).algorithm("SHA256withRSA")
        .build();
    assertTrue(rejected(List.of(rsa1024)).startsWith("certificate " + q(rsa1024) + " has an unsupported key: RSA 1024"),
        rejected(List.of(rsa1024)));
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    X509Certificate ed25519 = CertBuilder.selfSignedLeaf().key(ed).algorithm("Ed25519").build();
    assertTrue(rejected(List.of(ed25519)).contains("unsupported key"), rejected(List.of(ed25519)));
    accepted(List.of(CertBuilder.selfSignedLeaf().key(CertBuilder.rsa(3072)).algorithm("SHA384withRSA").build()));
    accepted(List.of(CertBuilder.selfSignedLeaf().key(CertBuilder.ec("secp521r1")).algorithm("SHA512withECDSA")
        .build()));
  }

  @Test
  void rejectsCertificatesNotValidAtTheSigningTime() {
    X509Certificate expired = CertBuilder.leaf().valid(NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(1)).build();
    assertEquals("certificate " + q(expired) + " has expired at " + NOW + " (valid from "
        + NOW.minus(Duration.ofDays(2)) + " to " + NOW.minusSeconds(1) + ")", rejected(List.of(expired, root)));
    X509Certificate future = CertBuilder.root().valid(NOW.plusSeconds(1), NOW.plus(Duration.ofDays(2))).build();
    assertTrue(rejected(List.of(leaf, future)).startsWith("certificate " + q(future) + " is not yet valid at "));
    X509Certificate edges = CertBuilder.leaf().valid(NOW, NOW).build();
    accepted(List.of(edges, root));
  }

  @Test
  void acceptsATimestampingChain() {
    X509Certificate tsa = CertBuilder.tsaLeaf().build();
    assertDoesNotThrow(() -> CertificateRules.checkTimestampingChain(List.of(tsa, root), NOW));
    X509Certificate nonCriticalKu = CertBuilder.tsaLeaf()
        .ext(Extension.keyUsage, false, new KeyUsage(KeyUsage.digitalSignature)).build();
    X509Certificate nonCriticalCaKu = CertBuilder.root()
        .ext(Extension.keyUsage, false, new KeyUsage(KeyUsage.keyCertSign)).build();
    assertDoesNotThrow(() -> CertificateRules.checkTimestampingChain(List.of(nonCriticalKu, nonCriticalCaKu), NOW));
  }

  @Test
  void rejectsTimestampingLeafWithoutExactlyCriticalTimeStamping() {
    X509Certificate nonCritical = CertBuilder.tsaLeaf().ext(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping)).build();
    assertEquals("timestamping certificate " + q(nonCritical) + " has an extended key usage extension that is not "
        + "marked critical", rejectedTsa(List.of(nonCritical, root)));
    X509Certificate codeSigning = CertBuilder.tsaLeaf().ext(Extension.extendedKeyUsage, true,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning)).build();
    assertEquals("timestamping certificate " + q(codeSigning) + " must have exactly one extended key usage, "
        + "timeStamping, but has [1.3.6.1.5.5.7.3.3]", rejectedTsa(List.of(codeSigning, root)));
    X509Certificate two = CertBuilder.tsaLeaf().ext(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(
        new KeyPurposeId[] {KeyPurposeId.id_kp_timeStamping, KeyPurposeId.id_kp_codeSigning})).build();
    assertTrue(rejectedTsa(List.of(two, root)).contains("must have exactly one extended key usage"));
    X509Certificate none = CertBuilder.tsaLeaf().without(Extension.extendedKeyUsage).build();
    assertTrue(rejectedTsa(List.of(none, root)).endsWith("timeStamping, but has none"));
    X509Certificate noKu = CertBuilder.tsaLeaf().without(Extension.keyUsage).build();
    assertTrue(rejectedTsa(List.of(noKu, root)).contains("has no key usage extension"));
  }
}
