package dev.nota.core.x509;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates for {@code nota cert generate-test} and for tests: a root CA and a code signing leaf issued by
 * it, with the extensions the Notary Project requires. notation's generate-test makes a single self-signed leaf
 * instead; nota makes a root so that the trust store holds a CA, as it would in real use. For testing only.
 */
public final class TestCertificates {
  /** Key types, named as notation's plugin key specs. */
  public enum KeySpec {
    RSA_2048("RSA", 2048, "SHA256withRSA"),
    RSA_3072("RSA", 3072, "SHA384withRSA"),
    RSA_4096("RSA", 4096, "SHA512withRSA"),
    EC_256("EC", 256, "SHA256withECDSA"),
    EC_384("EC", 384, "SHA384withECDSA"),
    EC_521("EC", 521, "SHA512withECDSA");

    private final String family;
    private final int size;
    private final String signatureAlgorithm;

    KeySpec(String family, int size, String signatureAlgorithm) {
      this.family = family;
      this.size = size;
      this.signatureAlgorithm = signatureAlgorithm;
    }

    /** A fresh key pair of this type. */
    public KeyPair generateKeyPair() {
      try {
        return generate();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JVM cannot generate " + this + " keys: " + e.getMessage(), e);
      }
    }

    private KeyPair generate() throws GeneralSecurityException {
      KeyPairGenerator g = KeyPairGenerator.getInstance(family);
      if (family.equals("EC")) {
        g.initialize(new ECGenParameterSpec("secp" + size + "r1"));
      } else {
        g.initialize(size);
      }
      return g.generateKeyPair();
    }
  }

  /** A generated signing key and its chain: leaf, then root. */
  public record Generated(PrivateKey key, List<X509Certificate> chain) {
    public Generated {
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("a generated key needs its certificate chain");
      }
    }

    /** The signing (leaf) certificate. */
    public X509Certificate leaf() {
      return chain.get(0);
    }

    /** The root CA certificate, which goes into the trust store. */
    public X509Certificate root() {
      return chain.get(chain.size() - 1);
    }
  }

  /**
   * nota's default validity for {@code cert generate-test}: a year. notation makes its test certificate valid for
   * one day only, which users keep tripping over; nota chooses longer because these are test keys anyway.
   */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
  /** Backdating of notBefore, so that a verifier whose clock is a little behind still accepts a fresh certificate. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestCertificates() {}

  /**
   * Generates a root CA and a code signing leaf issued by it, both for {@code spec}'s key type.
   *
   * <p>Root: {@code CN=<commonName> Test Root,O=Notary,L=Seattle,ST=WA,C=US}, basicConstraints critical
   * {@code cA=true, pathLen=0} (it issues leaves only), keyUsage critical keyCertSign and cRLSign. Leaf:
   * {@code CN=<commonName>,O=Notary,L=Seattle,ST=WA,C=US}, basicConstraints {@code cA=false}, keyUsage critical
   * digitalSignature, extended key usage codeSigning. Both are valid from five minutes before the clock's now until
   * now plus {@code validity}; the root signs with SHA-256/384/512 to match the key size.
   *
   * @throws IllegalArgumentException for an empty common name or a non-positive validity
   */
  public static Generated generate(String commonName, KeySpec spec, Duration validity, Clock clock) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("a test certificate needs a common name");
    }
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("a test certificate needs a positive validity, not " + validity);
    }
    try {
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Instant from = now.minus(CLOCK_SKEW);
      Instant until = now.plus(validity);
      X500Name rootName = name(commonName + " Test Root");
      X500Name leafName = name(commonName);
      KeyPair root = spec.generate();
      KeyPair leaf = spec.generate();
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();

      X509v3CertificateBuilder rb = builder(rootName, rootName, root.getPublic(), from, until)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(root.getPublic()));
      X509Certificate rootCert = sign(rb, root.getPrivate(), spec);

      X509v3CertificateBuilder lb = builder(rootName, leafName, leaf.getPublic(), from, until)
          .addExtension(Extension.basicConstraints, false, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(leaf.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(rootCert));
      X509Certificate leafCert = sign(lb, root.getPrivate(), spec);
      return new Generated(leaf.getPrivate(), List.of(leafCert, rootCert));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a test certificate: " + e.getMessage(), e);
    }
  }


  /** {@code CN=<cn>,O=Notary,L=Seattle,ST=WA,C=US}, built attribute by attribute so no character needs escaping. */
  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.C, "US")
        .addRDN(BCStyle.ST, "WA")
        .addRDN(BCStyle.L, "Seattle")
        .addRDN(BCStyle.O, "Notary")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant from, Instant until) {
    return new JcaX509v3CertificateBuilder(
        issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(from), Date.from(until), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey, KeySpec spec)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder(spec.signatureAlgorithm).build(issuerKey)));
  }
}
