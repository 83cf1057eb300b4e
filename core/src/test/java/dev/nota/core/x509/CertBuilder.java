package dev.nota.core.x509;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds certificates for rule tests: each test starts from a certificate that passes and changes one thing. Real
 * keys and real signatures, made with Bouncy Castle.
 */
final class CertBuilder {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final AtomicLong SERIAL = new AtomicLong(1000);
  static final KeyPair ROOT_KEY = ec("secp256r1");
  static final KeyPair INTERMEDIATE_KEY = ec("secp256r1");
  static final KeyPair LEAF_KEY = ec("secp256r1");

  private X500Name subject;
  private X500Name issuer;
  private KeyPair key;
  private KeyPair issuerKey;
  private String algorithm = "SHA256withECDSA";
  private Instant from = NOW.minus(Duration.ofDays(1));
  private Instant until = NOW.plus(Duration.ofDays(1));
  private final List<Object[]> extensions = new ArrayList<>();

  private CertBuilder() {}

  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A root CA: self-signed, basicConstraints critical cA=true, keyUsage critical keyCertSign. */
  static CertBuilder root() {
    CertBuilder b = new CertBuilder();
    b.subject = b.issuer = new X500Name("CN=Root,O=Notary,ST=WA,C=US");
    b.key = b.issuerKey = ROOT_KEY;
    return b.ext(Extension.basicConstraints, true, new BasicConstraints(true))
        .ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
  }

  /** An intermediate CA issued by {@link #root()}. */
  static CertBuilder intermediate() {
    CertBuilder b = new CertBuilder();
    b.subject = new X500Name("CN=Intermediate,O=Notary,ST=WA,C=US");
    b.issuer = new X500Name("CN=Root,O=Notary,ST=WA,C=US");
    b.key = INTERMEDIATE_KEY;
    b.issuerKey = ROOT_KEY;
    return b.ext(Extension.basicConstraints, true, new BasicConstraints(0))
        .ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
  }

  /** A code signing leaf issued by {@link #root()}: keyUsage critical digitalSignature, EKU codeSigning. */
  static CertBuilder leaf() {
    CertBuilder b = new CertBuilder();
    b.subject = new X500Name("CN=Leaf,O=Notary,ST=WA,C=US");
    b.issuer = new X500Name("CN=Root,O=Notary,ST=WA,C=US");
    b.key = LEAF_KEY;
    b.issuerKey = ROOT_KEY;
    return b.ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .ext(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
  }

  /** A timestamping leaf issued by {@link #root()}: keyUsage digitalSignature, critical EKU timeStamping. */
  static CertBuilder tsaLeaf() {
    return leaf().subject("CN=TSA,O=Notary,ST=WA,C=US")
        .ext(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
  }

  /** A self-signed signing certificate (not a CA). */
  static CertBuilder selfSignedLeaf() {
    return leaf().issuer("CN=Leaf,O=Notary,ST=WA,C=US").issuedBy(LEAF_KEY);
  }

  /** Sets (or, with a null value, removes) an extension. */
  CertBuilder ext(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
    extensions.removeIf(e -> e[0].equals(oid));
    if (value != null) {
      extensions.add(new Object[] {oid, critical, value});
    }
    return this;
  }

  CertBuilder without(ASN1ObjectIdentifier oid) {
    return ext(oid, false, null);
  }

  CertBuilder subject(String dn) {
    return subject(new X500Name(dn));
  }

  CertBuilder subject(X500Name dn) {
    subject = dn;
    return this;
  }

  CertBuilder issuer(String dn) {
    return issuer(new X500Name(dn));
  }

  CertBuilder issuer(X500Name dn) {
    issuer = dn;
    return this;
  }

  CertBuilder key(KeyPair k) {
    if (key == issuerKey) {
      issuerKey = k;
    }
    key = k;
    return this;
  }

  CertBuilder issuedBy(KeyPair k) {
    issuerKey = k;
    return this;
  }

  CertBuilder algorithm(String alg) {
    algorithm = alg;
    return this;
  }

  CertBuilder valid(Instant notBefore, Instant notAfter) {
    from = notBefore;
    until = notAfter;
    return this;
  }

  X509Certificate build() {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(until), subject, key.getPublic());
      for (Object[] e : extensions) {
        b.addExtension((ASN1ObjectIdentifier) e[0], (Boolean) e[1], (ASN1Encodable) e[2]);
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
