package dev.nota.core.revocation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Extension;

/** {@link RevocationChecker#OFFLINE}: decides only for chains that name no revocation service. */
final class OfflineRevocationChecker implements RevocationChecker {

  @Override
  public String check(List<X509Certificate> chain, Instant signingTime) {
    // The root is never checked (it has no issuer to vouch for its status), as in notation-core-go.
    for (int i = 0; i < chain.size() - 1; i++) {
      X509Certificate c = chain.get(i);
      boolean named;
      try {
        named = hasOcsp(c) || hasCrl(c);
      } catch (java.io.IOException | RuntimeException e) {
        named = true; // an unreadable extension cannot be shown to name nothing: fail closed
      }
      if (named) {
        return "revocation status of certificate \"" + c.getSubjectX500Principal().getName()
            + "\" is unknown: it names an OCSP or CRL location and nota does not check revocation online yet";
      }
    }
    return null;
  }

  private static boolean hasOcsp(X509Certificate c) throws java.io.IOException {
    ASN1Primitive value = extension(c, Extension.authorityInfoAccess.getId());
    if (value == null) {
      return false;
    }
    for (AccessDescription d : AuthorityInformationAccess.getInstance(value).getAccessDescriptions()) {
      if (AccessDescription.id_ad_ocsp.equals(d.getAccessMethod())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCrl(X509Certificate c) throws java.io.IOException {
    ASN1Primitive value = extension(c, Extension.cRLDistributionPoints.getId());
    return value != null && CRLDistPoint.getInstance(value).getDistributionPoints().length > 0;
  }

  private static ASN1Primitive extension(X509Certificate c, String oid) throws java.io.IOException {
    byte[] raw = c.getExtensionValue(oid);
    return raw == null ? null : ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(raw).getOctets());
  }
}
