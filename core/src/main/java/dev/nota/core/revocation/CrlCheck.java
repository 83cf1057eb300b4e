package dev.nota.core.revocation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.cert.CRLException;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * CRL (RFC 5280) for one certificate, as notation-core-go checks it: every distribution point is read; each base CRL
 * (and the delta CRL its Freshest CRL extension advertises) must be issued and signed by the certificate's issuer,
 * carry a nextUpdate that has not passed and no unknown critical extension; a matching entry revokes, except
 * certificateHold later lifted by removeFromCRL, and except an invalidity date after the authentic signing time.
 * CRLs are cached by URL until their nextUpdate; a cached CRL is validated again before use.
 */
final class CrlCheck {
  private static final class Bc {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
  }
  private static final String KIND = "crl";
  private static final Set<String> ALLOWED_CRITICAL = Set.of(
      Extension.issuingDistributionPoint.getId(), Extension.deltaCRLIndicator.getId());

  /** The CRLs' verdict on one certificate. */
  record Answer(RevocationStatus status, String detail) {}

  private final RevocationHttp http;
  private final RevocationCache cache;
  private final RevocationOptions options;

  CrlCheck(RevocationHttp http, RevocationCache cache, RevocationOptions options) {
    this.http = http;
    this.cache = cache;
    this.options = options;
  }

  static List<String> urls(X509Certificate cert) throws RevocationUnavailable {
    try {
      return RevocationUrls.crl(cert);
    } catch (IOException | RuntimeException e) {
      throw new RevocationUnavailable("the certificate's CRL distribution points extension is malformed");
    }
  }

  /** Good or revoked from trustworthy CRLs; anything else throws. */
  Answer check(X509Certificate cert, X509Certificate issuer, Instant signingTime) throws RevocationUnavailable {
    List<String> urls = urls(cert);
    boolean certWantsDelta = RevocationUrls.hasFreshestCrl(cert);
    List<String> consulted = new ArrayList<>();
    for (String url : urls) {
      X509CRL base = crl(url, issuer, "CRL");
      X509CRL delta = delta(base, issuer, url);
      if (certWantsDelta && delta == null) {
        throw new RevocationUnavailable("the certificate advertises a delta CRL but the base CRL from " + url
            + " does not, which nota (like notation) does not support");
      }
      Answer a = entries(cert, base, delta, signingTime, url);
      if (a.status() == RevocationStatus.REVOKED) {
        return a;
      }
      consulted.add(url);
    }
    return new Answer(RevocationStatus.OK, "CRL " + String.join(", ", consulted));
  }

  private X509CRL delta(X509CRL base, X509Certificate issuer, String baseUrl) throws RevocationUnavailable {
    List<String> urls;
    try {
      urls = RevocationUrls.distributionPointUris(
          RevocationUrls.extension(base.getExtensionValue(Extension.freshestCRL.getId())));
    } catch (IOException | RuntimeException e) {
      throw new RevocationUnavailable("the Freshest CRL extension of the CRL from " + baseUrl + " is malformed");
    }
    if (urls.isEmpty()) {
      return null;
    }
    RevocationUnavailable last = null;
    for (String url : urls) {
      try {
        X509CRL delta = crl(url, issuer, "delta CRL");
        checkDelta(base, delta, url);
        return delta;
      } catch (RevocationUnavailable e) {
        last = e;
      }
    }
    throw last;
  }

  private static void checkDelta(X509CRL base, X509CRL delta, String url) throws RevocationUnavailable {
    BigInteger baseNumber = number(base, Extension.cRLNumber);
    BigInteger deltaNumber = number(delta, Extension.cRLNumber);
    BigInteger indicator = number(delta, Extension.deltaCRLIndicator);
    if (indicator == null) {
      throw new RevocationUnavailable("delta CRL from " + url + " has no delta CRL indicator");
    }
    if (baseNumber == null || deltaNumber == null || deltaNumber.compareTo(baseNumber) <= 0) {
      throw new RevocationUnavailable("delta CRL from " + url + " has number " + deltaNumber
          + ", not greater than the base CRL's " + baseNumber);
    }
    if (indicator.compareTo(baseNumber) > 0) {
      throw new RevocationUnavailable("delta CRL from " + url + " needs base CRL " + indicator
          + " or later, but the base CRL is number " + baseNumber);
    }
  }

  /** A CRL from the cache when it is still valid, else downloaded; validated either way before use. */
  private X509CRL crl(String urlText, X509Certificate issuer, String what) throws RevocationUnavailable {
    URI url = RevocationHttp.httpUrl(urlText, what);
    String key = RevocationCache.key(urlText);
    byte[] cached = cache.read(KIND, key, options.maxCrlBytes());
    if (cached != null) {
      try {
        return validate(parse(cached, url, what), issuer, url, what);
      } catch (RevocationUnavailable stale) {
        // stale or corrupt: download again
      }
    }
    byte[] bytes = http.get(url, options.crlTimeout(), options.maxCrlBytes(), what);
    X509CRL crl = validate(parse(bytes, url, what), issuer, url, what);
    cache.write(KIND, key, bytes);
    return crl;
  }

  private static X509CRL parse(byte[] bytes, URI url, String what) throws RevocationUnavailable {
    try {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(bytes));
    } catch (CertificateException | CRLException | RuntimeException e) {
      throw new RevocationUnavailable(what + " from " + url + " is malformed");
    }
  }

  private X509CRL validate(X509CRL crl, X509Certificate issuer, URI url, String what) throws RevocationUnavailable {
    String from = what + " from " + url;
    if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      throw new RevocationUnavailable(from + " is issued by \"" + crl.getIssuerX500Principal().getName()
          + "\", not by the certificate's issuer \"" + issuer.getSubjectX500Principal().getName() + "\"");
    }
    boolean[] usage = issuer.getKeyUsage();
    if (issuer.getBasicConstraints() < 0 || (usage != null && (usage.length <= 6 || !usage[6]))) {
      throw new RevocationUnavailable(from + " is signed by \"" + issuer.getSubjectX500Principal().getName()
          + "\", which may not sign CRLs");
    }
    try {
      crl.verify(issuer.getPublicKey(), Bc.BC);
    } catch (Exception e) {
      throw new RevocationUnavailable(from + " has a signature that does not verify with the issuer's key");
    }
    if (crl.getNextUpdate() == null) {
      throw new RevocationUnavailable(from + " has no nextUpdate, so its freshness cannot be judged");
    }
    Instant now = options.clock().instant();
    Instant next = crl.getNextUpdate().toInstant();
    if (now.isAfter(next)) {
      throw new RevocationUnavailable(from + " expired at its nextUpdate " + next);
    }
    Set<String> critical = crl.getCriticalExtensionOIDs();
    if (critical != null) {
      for (String oid : critical) {
        if (!ALLOWED_CRITICAL.contains(oid)) {
          throw new RevocationUnavailable(from + " has an unsupported critical extension " + oid);
        }
      }
    }
    return crl;
  }

  private static Answer entries(X509Certificate cert, X509CRL base, X509CRL delta, Instant signingTime, String url)
      throws RevocationUnavailable {
    X509CRLEntry held = null;
    for (X509CRL crl : delta == null ? List.of(base) : List.of(base, delta)) {
      X509CRLEntry entry = crl.getRevokedCertificate(cert.getSerialNumber());
      if (entry == null) {
        continue;
      }
      Instant invalidity = invalidityDate(entry, url);
      if (signingTime != null && invalidity != null && signingTime.isBefore(invalidity)) {
        return new Answer(RevocationStatus.OK, "CRL " + url + ": revoked with invalidity date " + invalidity
            + ", after the authentic signing time " + signingTime);
      }
      CRLReason reason = entry.getRevocationReason();
      if (reason == CRLReason.CERTIFICATE_HOLD || reason == CRLReason.REMOVE_FROM_CRL) {
        if (held == null || held.getRevocationDate().before(entry.getRevocationDate())) {
          held = entry;
        }
        continue;
      }
      return new Answer(RevocationStatus.REVOKED, "CRL " + url + ", revoked at "
          + entry.getRevocationDate().toInstant());
    }
    if (held != null && held.getRevocationReason() == CRLReason.CERTIFICATE_HOLD) {
      return new Answer(RevocationStatus.REVOKED, "CRL " + url + ", on hold since "
          + held.getRevocationDate().toInstant());
    }
    return new Answer(RevocationStatus.OK, "CRL " + url);
  }

  private static Instant invalidityDate(X509CRLEntry entry, String url) throws RevocationUnavailable {
    Set<String> critical = entry.getCriticalExtensionOIDs();
    if (critical != null) {
      for (String oid : critical) {
        if (!oid.equals(Extension.invalidityDate.getId())) {
          throw new RevocationUnavailable("CRL from " + url + " has an entry with an unsupported critical extension "
              + oid);
        }
      }
    }
    try {
      ASN1Primitive p = RevocationUrls.extension(entry.getExtensionValue(Extension.invalidityDate.getId()));
      return p == null ? null : ASN1GeneralizedTime.getInstance(p).getDate().toInstant();
    } catch (Exception e) {
      throw new RevocationUnavailable("CRL from " + url + " has an entry with a malformed invalidity date");
    }
  }

  private static BigInteger number(X509CRL crl, org.bouncycastle.asn1.ASN1ObjectIdentifier oid)
      throws RevocationUnavailable {
    try {
      ASN1Primitive p = RevocationUrls.extension(crl.getExtensionValue(oid.getId()));
      return p == null ? null : ASN1Integer.getInstance(p).getValue();
    } catch (IOException | RuntimeException e) {
      throw new RevocationUnavailable("a CRL has a malformed CRL number");
    }
  }
}
