package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.ess.ESSCertID;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The ESS signing-certificate attribute of a timestamp token's signer (RFC 5035 {@code signingCertificateV2}, or the
 * RFC 2634 SHA-1 {@code signingCertificate} as RFC 5816 still allows). It binds the CMS signature to one certificate,
 * so that a token cannot be re-attributed to another certificate with the same key.
 */
final class SigningCertificateAttribute {
  private SigningCertificateAttribute() {}

  /** Checks that the signer's attribute exists and that its first entry names {@code cert}. */
  static void check(SignerInformation signer, X509Certificate cert) throws NotaException {
    AttributeTable attributes = signer.getSignedAttributes();
    Attribute v2 = attributes == null ? null : attributes.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
    Attribute v1 = attributes == null ? null : attributes.get(PKCSObjectIdentifiers.id_aa_signingCertificate);
    if (v2 == null && v1 == null) {
      throw new NotaException("timestamp token lacks the signing-certificate-v2 attribute (RFC 5035)");
    }
    AlgorithmIdentifier hashAlgorithm;
    byte[] hash;
    IssuerSerial issuerSerial;
    try {
      if (v2 != null) {
        ESSCertIDv2[] ids = SigningCertificateV2.getInstance(only(v2)).getCerts();
        if (ids.length == 0) {
          throw new NotaException("timestamp token's signing-certificate-v2 attribute names no certificate");
        }
        hashAlgorithm = ids[0].getHashAlgorithm();
        hash = ids[0].getCertHash();
        issuerSerial = ids[0].getIssuerSerial();
      } else {
        ESSCertID[] ids = SigningCertificate.getInstance(only(v1)).getCerts();
        if (ids.length == 0) {
          throw new NotaException("timestamp token's signing-certificate attribute names no certificate");
        }
        hashAlgorithm = new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1);
        hash = ids[0].getCertHash();
        issuerSerial = ids[0].getIssuerSerial();
      }
    } catch (RuntimeException e) {
      throw new NotaException("timestamp token's signing-certificate attribute is malformed ("
          + Rfc3161TimestampVerifier.reason(e) + ")", e);
    }
    if (!MessageDigest.isEqual(hash, digest(hashAlgorithm, cert))) {
      throw new NotaException("timestamp token's signing-certificate attribute does not match the TSA certificate \""
          + cert.getSubjectX500Principal().getName() + "\"");
    }
    if (issuerSerial != null && !names(issuerSerial, cert)) {
      throw new NotaException("timestamp token's signing-certificate attribute names another issuer or serial than"
          + " the TSA certificate \"" + cert.getSubjectX500Principal().getName() + "\"");
    }
  }

  private static ASN1Encodable only(Attribute attribute) throws NotaException {
    if (attribute.getAttrValues().size() != 1) {
      throw new NotaException("timestamp token's signing-certificate attribute must have exactly one value");
    }
    return attribute.getAttrValues().getObjectAt(0);
  }

  private static byte[] digest(AlgorithmIdentifier algorithm, X509Certificate cert) throws NotaException {
    try {
      DigestCalculator calculator = new JcaDigestCalculatorProviderBuilder().build().get(algorithm);
      try (OutputStream out = calculator.getOutputStream()) {
        out.write(cert.getEncoded());
      }
      return calculator.getDigest();
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new NotaException("timestamp token's signing-certificate attribute uses an unsupported hash "
          + algorithm.getAlgorithm(), e);
    } catch (CertificateEncodingException | java.io.IOException e) {
      throw new NotaException("TSA certificate cannot be encoded (" + Rfc3161TimestampVerifier.reason(e) + ")", e);
    }
  }

  private static boolean names(IssuerSerial issuerSerial, X509Certificate cert) throws NotaException {
    BigInteger serial = issuerSerial.getSerial().getValue();
    if (!serial.equals(cert.getSerialNumber())) {
      return false;
    }
    for (GeneralName name : issuerSerial.getIssuer().getNames()) {
      if (name.getTagNo() == GeneralName.directoryName) {
        try {
          X500Principal issuer = new X500Principal(name.getName().toASN1Primitive().getEncoded());
          if (issuer.equals(cert.getIssuerX500Principal())) {
            return true;
          }
        } catch (java.io.IOException | IllegalArgumentException e) {
          throw new NotaException("timestamp token's signing-certificate attribute has an unreadable issuer name", e);
        }
      }
    }
    return false;
  }
}
