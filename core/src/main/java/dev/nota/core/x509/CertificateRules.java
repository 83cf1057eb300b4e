package dev.nota.core.x509;

import dev.nota.core.envelope.EnvelopeException;
import dev.nota.core.envelope.SignatureAlgorithm;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The certificate requirements of the Notary Project signature specification, as notation-core-go enforces them:
 * chain order and signatures (leaf first, a self-signed root last), CA and leaf key usage, extended key usage for
 * code signing or timestamping, leaf key sizes, no SHA-1, and validity at a given time.
 */
public final class CertificateRules {
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
  private static final Map<String, String> FORBIDDEN_FOR_CODE_SIGNING = Map.of(
      "1.3.6.1.5.5.7.3.1", "serverAuth",
      "1.3.6.1.5.5.7.3.2", "clientAuth",
      "1.3.6.1.5.5.7.3.4", "emailProtection",
      TIME_STAMPING, "timeStamping",
      "1.3.6.1.5.5.7.3.9", "OCSPSigning");
  private static final String[] KEY_USAGE_NAMES = {
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign",
    "cRLSign", "encipherOnly", "decipherOnly"
  };
  /** Key usages a signing leaf must not have (indexes into {@link #KEY_USAGE_NAMES}). */
  private static final int[] FORBIDDEN_LEAF_USAGES = {2, 3, 4, 5, 6, 7, 8};

  private CertificateRules() {}

  /**
   * Checks a code signing chain, leaf first.
   *
   * @param at the time every certificate must be valid at, or null for no time check
   */
  public static void checkCodeSigningChain(List<X509Certificate> chain, Instant at) throws CertificateRuleException {
    checkChain(chain, at);
    X509Certificate leaf = chain.get(0);
    checkSigningLeafKeyUsage(leaf, true);
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null) {
        for (String oid : eku) {
          String name = FORBIDDEN_FOR_CODE_SIGNING.get(oid);
          if (name != null) {
            throw new CertificateRuleException(
                "certificate " + subject(leaf) + " cannot sign code: its extended key usage includes " + name);
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new CertificateRuleException("certificate " + subject(leaf) + " has an unreadable extended key usage", e);
    }
    try {
      SignatureAlgorithm.forKey(leaf.getPublicKey());
    } catch (EnvelopeException e) {
      throw new CertificateRuleException("certificate " + subject(leaf) + " has an " + e.getMessage(), e);
    }
  }

  /** Checks a timestamping (TSA) chain, leaf first. */
  public static void checkTimestampingChain(List<X509Certificate> chain, Instant at) throws CertificateRuleException {
    checkChain(chain, at);
    X509Certificate leaf = chain.get(0);
    if (leaf.getKeyUsage() != null) {
      checkSigningLeafKeyUsage(leaf, false);
    }
    Set<String> critical = leaf.getCriticalExtensionOIDs();
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku == null || critical == null || !critical.contains(EXTENDED_KEY_USAGE)) {
        throw new CertificateRuleException("timestamping certificate " + subject(leaf)
            + " must have a critical extended key usage of timeStamping");
      }
      if (eku.size() != 1 || !TIME_STAMPING.equals(eku.get(0))) {
        throw new CertificateRuleException("timestamping certificate " + subject(leaf)
            + " must have exactly the timeStamping extended key usage, has " + eku);
      }
    } catch (CertificateParsingException e) {
      throw new CertificateRuleException("certificate " + subject(leaf) + " has an unreadable extended key usage", e);
    }
  }

  private static void checkChain(List<X509Certificate> chain, Instant at) throws CertificateRuleException {
    if (chain == null || chain.isEmpty()) {
      throw new CertificateRuleException("certificate chain is empty");
    }
    int n = chain.size();
    X509Certificate root = chain.get(n - 1);
    if (!isSelfSigned(root)) {
      throw new CertificateRuleException(n == 1
          ? "certificate " + subject(root) + " is not self-signed, so the chain lacks its root certificate"
          : "certificate chain must end in a self-signed root certificate, but " + subject(root) + " is not");
    }
    for (int i = 0; i < n - 1; i++) {
      X509Certificate cert = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      if (isSelfSigned(cert)) {
        throw new CertificateRuleException("certificate chain is not ordered leaf to root: " + subject(cert)
            + " is self-signed but is not the last certificate");
      }
      if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        throw new CertificateRuleException("certificate chain is not ordered leaf to root: " + subject(cert)
            + " was not issued by " + subject(issuer));
      }
      if (isSha1(cert)) {
        throw new CertificateRuleException("certificate " + subject(cert) + " is signed with SHA-1, which is insecure");
      }
      try {
        cert.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new CertificateRuleException(
            "certificate " + subject(cert) + " is not signed by " + subject(issuer) + ": " + Certificates.oneLine(e));
      }
      checkCa(issuer, i);
    }
    if (n > 1 && isSha1(root)) {
      throw new CertificateRuleException("certificate " + subject(root) + " is signed with SHA-1, which is insecure");
    }
    if (at != null) {
      for (X509Certificate c : chain) {
        if (at.isBefore(c.getNotBefore().toInstant()) || at.isAfter(c.getNotAfter().toInstant())) {
          throw new CertificateRuleException("certificate " + subject(c) + " is not valid at " + at + " (valid "
              + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant() + ")");
        }
      }
    }
  }

  /** A CA certificate with {@code below} CA certificates under it (not counting the leaf). */
  private static void checkCa(X509Certificate ca, int below) throws CertificateRuleException {
    int pathLen = ca.getBasicConstraints();
    if (pathLen < 0) {
      throw new CertificateRuleException("certificate " + subject(ca)
          + " issues another certificate but is not a CA (basicConstraints cA is not true)");
    }
    if (below > pathLen) {
      throw new CertificateRuleException("certificate " + subject(ca) + " allows a path length of " + pathLen
          + " but has " + below + " CA certificate(s) below it");
    }
    boolean[] ku = ca.getKeyUsage();
    if (ku == null || ku.length <= 5 || !ku[5]) {
      throw new CertificateRuleException("CA certificate " + subject(ca) + " lacks the keyCertSign key usage");
    }
  }

  private static void checkSigningLeafKeyUsage(X509Certificate leaf, boolean mustBeCritical)
      throws CertificateRuleException {
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateRuleException("signing certificate " + subject(leaf) + " must not be a CA certificate");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      throw new CertificateRuleException("signing certificate " + subject(leaf) + " has no key usage extension");
    }
    Set<String> critical = leaf.getCriticalExtensionOIDs();
    if (mustBeCritical && (critical == null || !critical.contains(KEY_USAGE))) {
      throw new CertificateRuleException("signing certificate " + subject(leaf) + " key usage must be critical");
    }
    if (!ku[0]) {
      throw new CertificateRuleException(
          "signing certificate " + subject(leaf) + " lacks the digitalSignature key usage");
    }
    for (int i : FORBIDDEN_LEAF_USAGES) {
      if (i < ku.length && ku[i]) {
        throw new CertificateRuleException("signing certificate " + subject(leaf) + " must not have the "
            + KEY_USAGE_NAMES[i] + " key usage");
      }
    }
  }

  private static boolean isSelfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean isSha1(X509Certificate c) {
    String alg = c.getSigAlgName().toUpperCase(Locale.ROOT);
    return alg.startsWith("SHA1") || alg.equals("1.2.840.10045.4.1") || alg.equals("1.2.840.113549.1.1.5");
  }

  static String subject(X509Certificate c) {
    return "\"" + c.getSubjectX500Principal().getName() + "\"";
  }
}
