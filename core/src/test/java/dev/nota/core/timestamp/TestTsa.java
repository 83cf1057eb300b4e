package dev.nota.core.timestamp;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.ess.ESSCertID;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.tsp.Accuracy;
import org.bouncycastle.asn1.tsp.MessageImprint;
import org.bouncycastle.asn1.tsp.TSTInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A TSA made of Bouncy Castle parts, for tokens no real TSA would issue: every field of the token and of the TSA
 * certificate can be set, including the wrong ones.
 */
final class TestTsa {
  static final Provider BC = new BouncyCastleProvider();
  private static final AtomicLong SERIALS = new AtomicLong(1000);

  /** A certificate and its key pair. */
  record Issued(X509Certificate cert, KeyPair keys) {}

  /** The extended key usage to give a TSA certificate. */
  enum Eku { CRITICAL_TIMESTAMPING, NON_CRITICAL_TIMESTAMPING, TIMESTAMPING_AND_CODESIGNING, NONE }

  /** Which ESS signing-certificate attribute the token's signer carries. */
  enum SigningCertAttribute { V2, V1, NONE, OTHER_CERTIFICATE }

  private TestTsa() {}

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static Issued root(String cn, Instant notBefore, Instant notAfter) throws Exception {
    KeyPair keys = ecKey();
    X500Name name = name(cn);
    return new Issued(certificate(name, keys, name, keys, notBefore, notAfter, true, null, null), keys);
  }

  static Issued intermediate(Issued issuer, String cn, Instant notBefore, Instant notAfter) throws Exception {
    KeyPair keys = ecKey();
    return new Issued(certificate(name(cn), keys, name(issuer), issuer.keys(),
        notBefore, notAfter, true, null, null), keys);
  }

  static Issued tsa(Issued issuer, String cn, Instant notBefore, Instant notAfter, Eku eku, String ocspUrl)
      throws Exception {
    KeyPair keys = ecKey();
    return new Issued(certificate(name(cn), keys, name(issuer), issuer.keys(),
        notBefore, notAfter, false, eku, ocspUrl), keys);
  }

  /** Names as the JDK prints them (RFC 2253 order), "CN=<cn>,O=nota tests". */
  private static X500Name name(String cn) {
    return X500Name.getInstance(new X500Principal("CN=" + cn + ",O=nota tests").getEncoded());
  }

  private static X500Name name(Issued issued) {
    return X500Name.getInstance(issued.cert().getSubjectX500Principal().getEncoded());
  }

  private static X509Certificate certificate(X500Name subject, KeyPair subjectKeys, X500Name issuer,
      KeyPair issuerKeys, Instant notBefore, Instant notAfter, boolean ca, Eku eku, String ocspUrl)
      throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
        subjectKeys.getPublic());
    if (ca) {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      switch (eku) {
        case CRITICAL_TIMESTAMPING -> b.addExtension(Extension.extendedKeyUsage, true,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        case NON_CRITICAL_TIMESTAMPING -> b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        case TIMESTAMPING_AND_CODESIGNING -> b.addExtension(Extension.extendedKeyUsage, true,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_timeStamping, KeyPurposeId.id_kp_codeSigning}));
        case NONE -> { }
      }
      if (ocspUrl != null) {
        b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
            new AccessDescription(AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier,
                ocspUrl))));
      }
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(issuerKeys.getPrivate())));
  }

  /** A token over {@code data} hashed with SHA-256, to be adjusted with the setters. */
  static Token token(Issued signer, byte[] data) throws Exception {
    return new Token(signer, MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** The fields of one token; {@link #encode()} signs it. */
  static final class Token {
    private final Issued signer;
    private byte[] imprint;
    private ASN1ObjectIdentifier imprintAlgorithm = NISTObjectIdentifiers.id_sha256;
    private Instant genTime = Instant.now().minusSeconds(5);
    private String genTimeFraction = "";
    private Accuracy accuracy;
    private ASN1ObjectIdentifier policy = new ASN1ObjectIdentifier("1.2.3.4.1");
    private final List<X509Certificate> certificates = new ArrayList<>();
    private SigningCertAttribute attribute = SigningCertAttribute.V2;
    private X509Certificate otherCertificate;
    private KeyPair signingKey;
    private ASN1ObjectIdentifier contentType = PKCSObjectIdentifiers.id_ct_TSTInfo;
    private int version = 1;

    private Token(Issued signer, byte[] imprint) {
      this.signer = signer;
      this.imprint = imprint;
      this.signingKey = signer.keys();
      this.certificates.add(signer.cert());
    }

    Token imprint(ASN1ObjectIdentifier algorithm, byte[] value) {
      this.imprintAlgorithm = algorithm;
      this.imprint = value;
      return this;
    }

    Token genTime(Instant time, String fraction) {
      this.genTime = time;
      this.genTimeFraction = fraction;
      return this;
    }

    Token accuracy(Integer seconds, Integer millis, Integer micros) {
      this.accuracy = new Accuracy(asn1(seconds), asn1(millis), asn1(micros));
      return this;
    }

    Token policy(String oid) {
      this.policy = new ASN1ObjectIdentifier(oid);
      return this;
    }

    /** Replaces the token's certificates (by default only the signer's). */
    Token certificates(X509Certificate... certs) {
      certificates.clear();
      certificates.addAll(List.of(certs));
      return this;
    }

    Token signingCertificateAttribute(SigningCertAttribute kind, X509Certificate other) {
      this.attribute = kind;
      this.otherCertificate = other;
      return this;
    }

    /** Signs with another key than the signer certificate's. */
    Token signingKey(KeyPair keys) {
      this.signingKey = keys;
      return this;
    }

    Token contentType(ASN1ObjectIdentifier type) {
      this.contentType = type;
      return this;
    }

    Token version(int v) {
      this.version = v;
      return this;
    }

    byte[] encode() throws Exception {
      String time = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(genTime);
      TSTInfo info = new TSTInfo(policy, new MessageImprint(new AlgorithmIdentifier(imprintAlgorithm, DERNull.INSTANCE),
          imprint), new ASN1Integer(SERIALS.incrementAndGet()), new ASN1GeneralizedTime(time + genTimeFraction + "Z"),
          accuracy, ASN1Boolean.FALSE, null, null, null);
      ASN1Encodable content = info;
      if (version != 1) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        ASN1Sequence seq = ASN1Sequence.getInstance(info.toASN1Primitive());
        v.add(new ASN1Integer(version));
        for (int i = 1; i < seq.size(); i++) {
          v.add(seq.getObjectAt(i));
        }
        content = new DERSequence(v);
      }
      ASN1EncodableVector attributes = new ASN1EncodableVector();
      X509Certificate named = attribute == SigningCertAttribute.OTHER_CERTIFICATE ? otherCertificate : signer.cert();
      IssuerSerial issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(
          X500Name.getInstance(named.getIssuerX500Principal().getEncoded()))), named.getSerialNumber());
      switch (attribute) {
        case V2, OTHER_CERTIFICATE -> attributes.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
            new DERSet(new SigningCertificateV2(new ESSCertIDv2(
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
                MessageDigest.getInstance("SHA-256").digest(named.getEncoded()), issuerSerial)))));
        case V1 -> attributes.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificate,
            new DERSet(new SigningCertificate(new ESSCertID(
                MessageDigest.getInstance("SHA-1").digest(named.getEncoded()), issuerSerial)))));
        case NONE -> { }
      }
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      generator.addSignerInfoGenerator(
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
              .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
              .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(signingKey.getPrivate()),
                  signer.cert()));
      generator.addCertificates(new JcaCertStore(certificates));
      return generator.generate(new CMSProcessableByteArray(contentType, content.toASN1Primitive()
          .getEncoded(ASN1Encoding.DER)), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
    }

    private static ASN1Integer asn1(Integer i) {
      return i == null ? null : new ASN1Integer(i);
    }
  }
}
