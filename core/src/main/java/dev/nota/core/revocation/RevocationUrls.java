package dev.nota.core.revocation;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** Where a certificate says its revocation status is published (AIA OCSP, CRL distribution points, freshest CRL). */
final class RevocationUrls {
  private RevocationUrls() {}

  /** The AIA id-ad-ocsp URIs, in order. */
  static List<String> ocsp(X509Certificate c) throws IOException {
    ASN1Primitive value = extension(c.getExtensionValue(Extension.authorityInfoAccess.getId()));
    List<String> urls = new ArrayList<>();
    if (value != null) {
      for (AccessDescription d : AuthorityInformationAccess.getInstance(value).getAccessDescriptions()) {
        GeneralName n = d.getAccessLocation();
        if (AccessDescription.id_ad_ocsp.equals(d.getAccessMethod())
            && n.getTagNo() == GeneralName.uniformResourceIdentifier) {
          urls.add(n.getName().toString());
        }
      }
    }
    return urls;
  }

  /** The URIs of the full names of the CRL distribution points, in order. */
  static List<String> crl(X509Certificate c) throws IOException {
    return distributionPointUris(extension(c.getExtensionValue(Extension.cRLDistributionPoints.getId())));
  }

  /** Whether the certificate advertises a delta CRL (Freshest CRL extension). */
  static boolean hasFreshestCrl(X509Certificate c) {
    return c.getExtensionValue(Extension.freshestCRL.getId()) != null;
  }

  /** Whether the certificate names any OCSP or CRL location. */
  static boolean namesAny(X509Certificate c) throws IOException {
    return !ocsp(c).isEmpty() || !crl(c).isEmpty() || hasFreshestCrl(c);
  }

  /** URIs of a CRLDistributionPoints-shaped value (also the Freshest CRL extension of a CRL). */
  static List<String> distributionPointUris(ASN1Primitive value) {
    List<String> urls = new ArrayList<>();
    if (value == null) {
      return urls;
    }
    for (DistributionPoint dp : CRLDistPoint.getInstance(value).getDistributionPoints()) {
      DistributionPointName name = dp.getDistributionPoint();
      if (name == null || name.getType() != DistributionPointName.FULL_NAME) {
        continue;
      }
      for (GeneralName n : GeneralNames.getInstance(name.getName()).getNames()) {
        if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
          urls.add(n.getName().toString());
        }
      }
    }
    return urls;
  }

  /** Decodes a DER-wrapped extension value as returned by {@code getExtensionValue}; null when absent. */
  static ASN1Primitive extension(byte[] raw) throws IOException {
    if (raw == null) {
      return null;
    }
    try {
      return ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(raw).getOctets());
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new IOException("malformed extension: " + e.getMessage(), e);
    }
  }
}
