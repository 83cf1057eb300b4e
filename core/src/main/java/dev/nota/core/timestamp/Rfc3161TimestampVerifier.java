package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.x509.CertificateRuleException;
import dev.nota.core.x509.CertificateRules;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.tsp.Accuracy;
import org.bouncycastle.asn1.tsp.TSTInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Verifies RFC 3161 timestamp tokens (with the RFC 5816 signing-certificate-v2 update) the way the Notary Project
 * verifies the countersignature in {@code io.cncf.notary.timestampSignature}. The checks run in a fixed order and
 * each failure has its own one-line message:
 *
 * <ol>
 *   <li>the token is a CMS SignedData whose content is a parsable version-1 TSTInfo;
 *   <li>the message imprint uses the hash of the signature algorithm and equals the hash of the raw signature;
 *   <li>exactly one signer, whose certificate is in the token and whose CMS signature verifies;
 *   <li>the signing-certificate-v2 (or v1) attribute names that certificate;
 *   <li>the TSA chain, built from the token's certificates, ends in one of the trusted TSA roots;
 *   <li>the chain satisfies the timestamping certificate rules ({@link CertificateRules#checkTimestampingChain}:
 *       critical EKU of exactly timeStamping, CA constraints, no SHA-1) and is valid at {@code genTime};
 *   <li>no certificate of the chain is revoked or of unknown status.
 * </ol>
 *
 * <p>The proven time is {@code [genTime - accuracy, genTime + accuracy]}; without an accuracy field, the RFC 3628
 * baseline policy implies one second, any other policy zero. A range lying wholly after the clock's "now" is refused,
 * since a timestamp cannot prove a time that has not yet come.
 */
public final class Rfc3161TimestampVerifier implements TimestampVerifier {
  /** RFC 3628 "baseline time-stamp policy"; its tokens are accurate to one second. */
  static final ASN1ObjectIdentifier BASELINE_POLICY = new ASN1ObjectIdentifier("0.4.0.2023.1.1");

  /** An accuracy beyond a day proves nothing useful and would only risk overflow. */
  private static final long MAX_ACCURACY_SECONDS = 86_400;

  private static final class Bc {
    static final Provider BC = new BouncyCastleProvider();
  }

  private final RevocationChecker revocation;
  private final Clock clock;

  public Rfc3161TimestampVerifier(RevocationChecker revocation, Clock clock) {
    this.revocation = Objects.requireNonNull(revocation, "revocation");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public TimeRange verify(byte[] token, byte[] signature, SignatureAlgorithm algorithm, List<X509Certificate> tsaRoots,
      List<X509Certificate> signingChain) throws NotaException {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(tsaRoots, "tsaRoots");

    CMSSignedData cms = parseCms(token);
    TSTInfo info = tstInfo(cms);
    checkImprint(info, signature, algorithm);
    Instant genTime = genTime(info);

    SignerInformation signer = onlySigner(cms);
    X509Certificate tsaCert = signingCertificate(cms, signer);
    checkCmsSignature(signer, tsaCert);
    SigningCertificateAttribute.check(signer, tsaCert);

    List<X509Certificate> chain = TsaChain.build(tsaCert, tsaCertificates(cms), tsaRoots);
    try {
      CertificateRules.checkTimestampingChain(chain, genTime);
    } catch (CertificateRuleException e) {
      throw new NotaException("invalid TSA certificate chain: " + e.getMessage(), e);
    }
    Duration accuracy = accuracy(info);
    TimeRange range = new TimeRange(genTime.minus(accuracy), genTime.plus(accuracy));
    if (range.earliest().isAfter(clock.instant())) {
      throw new NotaException("timestamp time " + genTime + " is in the future");
    }
    checkSigningChainValidity(signingChain, range);
    String revoked = revocation.check(List.copyOf(chain), genTime);
    if (revoked != null) {
      throw new NotaException(revoked);
    }
    return range;
  }

  /** Every signing certificate must be valid during the whole range, with notation's wording when it is not. */
  private static void checkSigningChainValidity(List<X509Certificate> signingChain, TimeRange range)
      throws NotaException {
    for (X509Certificate c : signingChain) {
      if (range.earliest().isBefore(c.getNotBefore().toInstant())) {
        throw new NotaException("timestamp can be before certificate \"" + c.getSubjectX500Principal().getName()
            + "\" validity period, it will be valid from \"" + NOTATION_TIME.format(c.getNotBefore().toInstant())
            + "\"");
      }
      if (range.latest().isAfter(c.getNotAfter().toInstant())) {
        throw new NotaException("timestamp can be after certificate \"" + c.getSubjectX500Principal().getName()
            + "\" validity period, it was expired at \"" + NOTATION_TIME.format(c.getNotAfter().toInstant())
            + "\"");
      }
    }
  }

  /** Times in messages as notation prints them, e.g. {@code Tue, 27 Jun 2023 06:10:00 +0000}. */
  private static final java.time.format.DateTimeFormatter NOTATION_TIME =
      java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ENGLISH)
          .withZone(java.time.ZoneOffset.UTC);

  private static CMSSignedData parseCms(byte[] token) throws NotaException {
    try {
      CMSSignedData cms = new CMSSignedData(token);
      if (!PKCSObjectIdentifiers.signedData.equals(cms.toASN1Structure().getContentType())) {
        throw new NotaException("invalid timestamp token: not a CMS SignedData structure");
      }
      return cms;
    } catch (CMSException | RuntimeException e) {
      throw new NotaException("invalid timestamp token: not a CMS SignedData structure (" + reason(e) + ")", e);
    }
  }

  private static TSTInfo tstInfo(CMSSignedData cms) throws NotaException {
    ContentInfo encapsulated;
    try {
      encapsulated = SignedData.getInstance(cms.toASN1Structure().getContent()).getEncapContentInfo();
    } catch (RuntimeException e) {
      throw new NotaException("invalid timestamp token: malformed SignedData (" + reason(e) + ")", e);
    }
    if (!PKCSObjectIdentifiers.id_ct_TSTInfo.equals(encapsulated.getContentType())) {
      throw new NotaException("invalid timestamp token: unexpected content type " + encapsulated.getContentType()
          + ", expected TSTInfo " + PKCSObjectIdentifiers.id_ct_TSTInfo);
    }
    ASN1Encodable content = encapsulated.getContent();
    if (!(content instanceof ASN1OctetString octets)) {
      throw new NotaException("invalid timestamp token: the TSTInfo content is missing");
    }
    TSTInfo info;
    try {
      info = TSTInfo.getInstance(ASN1Primitive.fromByteArray(octets.getOctets()));
    } catch (IOException | RuntimeException e) {
      throw new NotaException("invalid timestamp token: TSTInfo cannot be parsed (" + reason(e) + ")", e);
    }
    if (info == null) {
      throw new NotaException("invalid timestamp token: the TSTInfo content is missing");
    }
    if (!info.getVersion().hasValue(1)) {
      throw new NotaException("invalid timestamp token: TSTInfo version must be 1, got " + info.getVersion());
    }
    return info;
  }

  private static void checkImprint(TSTInfo info, byte[] signature, SignatureAlgorithm algorithm)
      throws NotaException {
    String hashName = algorithm.hashJcaName();
    ASN1ObjectIdentifier expected = hashOid(hashName);
    ASN1ObjectIdentifier actual = info.getMessageImprint().getHashAlgorithm().getAlgorithm();
    if (!expected.equals(actual)) {
      throw new NotaException("timestamp token hashes with " + hashNameOf(actual) + ", but the signature algorithm "
          + algorithm + " requires " + hashName);
    }
    byte[] digest;
    try {
      digest = MessageDigest.getInstance(hashName).digest(signature);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + hashName, e);
    }
    if (!MessageDigest.isEqual(digest, info.getMessageImprint().getHashedMessage())) {
      throw new NotaException("timestamp token is not over this signature: its message imprint differs from the "
          + hashName + " of the signature");
    }
  }

  private static Instant genTime(TSTInfo info) throws NotaException {
    try {
      return info.getGenTime().getDate().toInstant();
    } catch (java.text.ParseException | RuntimeException e) {
      throw new NotaException("invalid timestamp token: genTime cannot be read (" + reason(e) + ")", e);
    }
  }

  private static SignerInformation onlySigner(CMSSignedData cms) throws NotaException {
    Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
    if (signers.size() != 1) {
      throw new NotaException("invalid timestamp token: it has " + signers.size() + " signers, expected exactly one");
    }
    return signers.iterator().next();
  }

  @SuppressWarnings("unchecked")
  private static X509Certificate signingCertificate(CMSSignedData cms, SignerInformation signer)
      throws NotaException {
    Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signer.getSID());
    if (matches.isEmpty()) {
      throw new NotaException("signing certificate not found in the timestamp token");
    }
    return toX509(matches.iterator().next());
  }

  @SuppressWarnings("unchecked")
  private static List<X509Certificate> tsaCertificates(CMSSignedData cms) throws NotaException {
    List<X509Certificate> certs = new ArrayList<>();
    for (X509CertificateHolder holder : (Collection<X509CertificateHolder>) cms.getCertificates().getMatches(null)) {
      certs.add(toX509(holder));
    }
    return certs;
  }

  private static void checkCmsSignature(SignerInformation signer, X509Certificate tsaCert) throws NotaException {
    boolean valid;
    try {
      // Built from the key alone, so that BC does not judge the certificate's validity at the signingTime attribute:
      // validity is checked, for the whole chain, at genTime.
      valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Bc.BC).build(tsaCert.getPublicKey()));
    } catch (CMSException | OperatorCreationException | RuntimeException e) {
      throw new NotaException("timestamp token signature does not verify with the TSA certificate \""
          + tsaCert.getSubjectX500Principal().getName() + "\" (" + reason(e) + ")", e);
    }
    if (!valid) {
      throw new NotaException("timestamp token signature does not verify with the TSA certificate \""
          + tsaCert.getSubjectX500Principal().getName() + "\"");
    }
  }

  private static Duration accuracy(TSTInfo info) throws NotaException {
    Accuracy accuracy = info.getAccuracy();
    if (accuracy == null) {
      return BASELINE_POLICY.equals(info.getPolicy()) ? Duration.ofSeconds(1) : Duration.ZERO;
    }
    long seconds = value(accuracy.getSeconds(), MAX_ACCURACY_SECONDS);
    long millis = value(accuracy.getMillis(), 999);
    long micros = value(accuracy.getMicros(), 999);
    return Duration.ofSeconds(seconds).plusMillis(millis).plusNanos(micros * 1000L);
  }

  private static long value(ASN1Integer i, long max) throws NotaException {
    if (i == null) {
      return 0;
    }
    if (i.getValue().signum() < 0 || i.getValue().compareTo(BigInteger.valueOf(max)) > 0) {
      throw new NotaException("invalid timestamp token: accuracy field " + i.getValue() + " is out of range");
    }
    return i.longValueExact();
  }

  private static X509Certificate toX509(X509CertificateHolder holder) throws NotaException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (java.security.cert.CertificateException e) {
      throw new NotaException("invalid timestamp token: a certificate cannot be read (" + reason(e) + ")", e);
    }
  }

  private static ASN1ObjectIdentifier hashOid(String jcaName) {
    return switch (jcaName) {
      case "SHA-256" -> NISTObjectIdentifiers.id_sha256;
      case "SHA-384" -> NISTObjectIdentifiers.id_sha384;
      case "SHA-512" -> NISTObjectIdentifiers.id_sha512;
      default -> throw new IllegalArgumentException("unsupported hash " + jcaName);
    };
  }

  private static String hashNameOf(ASN1ObjectIdentifier oid) {
    if (NISTObjectIdentifiers.id_sha256.equals(oid)) {
      return "SHA-256";
    }
    if (NISTObjectIdentifiers.id_sha384.equals(oid)) {
      return "SHA-384";
    }
    if (NISTObjectIdentifiers.id_sha512.equals(oid)) {
      return "SHA-512";
    }
    return oid.getId();
  }

  /** A short, single-line description of a parser or crypto failure. */
  static String reason(Throwable e) {
    String m = e.getMessage();
    String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    return text.replaceAll("\\s+", " ").strip();
  }
}
