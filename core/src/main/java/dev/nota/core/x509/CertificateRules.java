package dev.nota.core.x509;

import dev.nota.core.envelope.EnvelopeException;
import dev.nota.core.envelope.SignatureAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * The certificate requirements of the Notary Project signature specification, applied the way notation-core-go
 * applies them, so that nota refuses exactly the chains notation refuses.
 *
 * <p>A chain is ordered leaf first and ends in a self-signed root whose issuer name equals its subject name byte for
 * byte; every other certificate is issued (name and signature) by the one after it and is not self-signed. CA
 * certificates need {@code basicConstraints cA=true} (path length honoured) and a key usage with
 * {@code keyCertSign}; the leaf needs a key usage with {@code digitalSignature} and none of the encipherment, key
 * agreement or certificate/CRL signing bits, must not be a CA, and must hold an RSA 2048/3072/4096 or EC
 * P-256/384/521 key. For code signing the key usage extensions must be critical and the leaf's extended key usage
 * must not include serverAuth, clientAuth, emailProtection, timeStamping or OCSPSigning; for timestamping the leaf's
 * extended key usage must be critical and exactly timeStamping. A single self-signed certificate is allowed and
 * must satisfy the leaf rules.
 *
 * <p>Deliberate matches of notation-core-go rather than the spec text: {@code anyExtendedKeyUsage} is not refused,
 * SHA-1 signed certificates are refused in multi-certificate chains but accepted as a lone self-signed certificate
 * (Go's {@code CheckSignature} allows SHA-1 there), and the critical flag of {@code basicConstraints} is not
 * checked. MD2 and MD5 signatures are always refused.
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
  private static final Set<String> SHA1_SIGNATURES = Set.of(
      "1.2.840.113549.1.1.5", "1.2.840.10045.4.1", "1.2.840.10040.4.3", "1.3.14.3.2.29");
  private static final Set<String> MD_SIGNATURES = Set.of("1.2.840.113549.1.1.2", "1.2.840.113549.1.1.4");
  private static final String[] KEY_USAGE_NAMES = {
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign",
    "cRLSign", "encipherOnly", "decipherOnly"
  };
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;
  /** Key usages a signing leaf must not have (indexes into {@link #KEY_USAGE_NAMES}). */
  private static final int[] FORBIDDEN_LEAF_USAGES = {2, 3, 4, 5, 6, 7, 8};

  private enum Purpose { CODE_SIGNING, TIMESTAMPING }

  private CertificateRules() {}

  /**
   * Checks a code signing chain, leaf first.
   *
   * @param signingTime the time every certificate must be valid at, or null for no time check
   * @throws CertificateRuleException naming the first certificate that breaks a rule, and the rule
   */
  public static void checkCodeSigningChain(List<X509Certificate> chain, Instant signingTime)
      throws CertificateRuleException {
    check(chain, signingTime, Purpose.CODE_SIGNING);
  }

  /**
   * Checks a timestamping (TSA) chain, leaf first.
   *
   * @param at the time every certificate must be valid at, or null for no time check
   * @throws CertificateRuleException naming the first certificate that breaks a rule, and the rule
   */
  public static void checkTimestampingChain(List<X509Certificate> chain, Instant at)
      throws CertificateRuleException {
    check(chain, at, Purpose.TIMESTAMPING);
  }

  private static void check(List<X509Certificate> chain, Instant at, Purpose purpose)
      throws CertificateRuleException {
    if (chain == null || chain.isEmpty()) {
      throw new CertificateRuleException("certificate chain is empty: it needs at least the signing certificate");
    }
    for (X509Certificate c : chain) {
      if (c == null) {
        throw new CertificateRuleException("certificate chain contains a missing (null) certificate");
      }
    }
    int n = chain.size();
    if (n == 1) {
      X509Certificate cert = chain.get(0);
      checkValidity(cert, at);
      if (!selfIssued(cert)) {
        throw new CertificateRuleException("certificate " + subject(cert) + " is alone in its chain but is not "
            + "self-issued (its issuer " + issuer(cert) + " differs); add its issuing certificates up to the root");
      }
      checkSignature(cert, cert, false);
      checkLeaf(cert, purpose);
      return;
    }
    for (int i = 0; i < n; i++) {
      X509Certificate cert = chain.get(i);
      checkValidity(cert, at);
      if (i == n - 1) {
        if (!selfIssued(cert)) {
          throw new CertificateRuleException("certificate chain must end with a self-signed root certificate, but "
              + "the last certificate " + subject(cert) + " was issued by " + issuer(cert));
        }
        checkSignature(cert, cert, true);
      } else {
        X509Certificate parent = chain.get(i + 1);
        if (selfIssued(cert) && verifies(cert, cert)) {
          throw new CertificateRuleException("certificate " + subject(cert) + " is self-signed but is not the last "
              + "certificate of the chain; the chain must be ordered leaf first, root last, with one root");
        }
        if (!Arrays.equals(rawIssuer(cert), rawSubject(parent))) {
          throw new CertificateRuleException("certificate " + subject(cert) + " was not issued by the next "
              + "certificate " + subject(parent) + " (its issuer is " + issuer(cert)
              + "); the chain must be ordered leaf first, each certificate followed by its issuer");
        }
        checkSignature(cert, parent, true);
      }
      if (i == 0) {
        checkLeaf(cert, purpose);
      } else {
        checkCa(cert, i - 1, purpose);
      }
    }
  }

  private static void checkValidity(X509Certificate cert, Instant at) throws CertificateRuleException {
    if (at == null) {
      return;
    }
    Instant from = cert.getNotBefore().toInstant();
    Instant until = cert.getNotAfter().toInstant();
    if (at.isBefore(from)) {
      throw new CertificateRuleException("certificate " + subject(cert) + " is not yet valid at " + at
          + " (valid from " + from + " to " + until + ")");
    }
    if (at.isAfter(until)) {
      throw new CertificateRuleException("certificate " + subject(cert) + " has expired at " + at
          + " (valid from " + from + " to " + until + ")");
    }
  }

  /** Verifies the signature of {@code cert} with the key of {@code issuer}. */
  private static void checkSignature(X509Certificate cert, X509Certificate issuer, boolean inChain)
      throws CertificateRuleException {
    String alg = cert.getSigAlgOID();
    if (MD_SIGNATURES.contains(alg) || inChain && SHA1_SIGNATURES.contains(alg)) {
      throw new CertificateRuleException("certificate " + subject(cert) + " is signed with the insecure algorithm "
          + cert.getSigAlgName());
    }
    if (!verifies(cert, issuer)) {
      throw new CertificateRuleException(cert == issuer
          ? "certificate " + subject(cert) + " is not self-signed: its signature does not verify with its own key"
          : "signature of certificate " + subject(cert) + " does not verify with the key of its issuer "
              + subject(issuer));
    }
  }

  /**
   * Certificate signatures already seen to verify, by the encodings of certificate and issuer: a bulk verify meets
   * the same chains in every envelope, and an RSA or EC operation per certificate and envelope is most of its CPU.
   * Only successes are kept (a certificate's signature is a fact of its bytes and its issuer's key); bounded.
   */
  private static final Map<List<ByteBuffer>, Boolean> VERIFIED = new ConcurrentHashMap<>();
  private static final int MAX_VERIFIED = 1024;

  private static boolean verifies(X509Certificate cert, X509Certificate issuer) {
    List<ByteBuffer> key;
    try {
      key = List.of(ByteBuffer.wrap(cert.getEncoded()), ByteBuffer.wrap(issuer.getEncoded()));
    } catch (CertificateEncodingException e) {
      return false;
    }
    if (VERIFIED.containsKey(key)) {
      return true;
    }
    try {
      cert.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
    if (VERIFIED.size() >= MAX_VERIFIED) {
      VERIFIED.clear();
    }
    VERIFIED.put(key, Boolean.TRUE);
    return true;
  }

  /** {@code ca} is a CA certificate with {@code below} CA certificates under it (the leaf not counted). */
  private static void checkCa(X509Certificate ca, int below, Purpose purpose) throws CertificateRuleException {
    int pathLen = ca.getBasicConstraints();
    if (pathLen < 0) {
      throw new CertificateRuleException("certificate " + subject(ca) + " issues another certificate of the chain "
          + "but is not a CA: its basicConstraints extension must be present with cA=true");
    }
    if (below > pathLen) {
      throw new CertificateRuleException("CA certificate " + subject(ca) + " allows a path length of " + pathLen
          + " but has " + below + " CA certificate(s) below it");
    }
    boolean[] ku = ca.getKeyUsage();
    if (ku == null) {
      throw new CertificateRuleException("CA certificate " + subject(ca)
          + " has no key usage extension; it needs one with keyCertSign");
    }
    if (purpose == Purpose.CODE_SIGNING && !isCritical(ca, KEY_USAGE)) {
      throw new CertificateRuleException("CA certificate " + subject(ca)
          + " has a key usage extension that is not marked critical");
    }
    if (!bit(ku, KEY_CERT_SIGN)) {
      throw new CertificateRuleException("CA certificate " + subject(ca) + " lacks the keyCertSign key usage");
    }
  }

  private static void checkLeaf(X509Certificate leaf, Purpose purpose) throws CertificateRuleException {
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateRuleException("certificate " + subject(leaf) + " is a CA certificate (basicConstraints "
          + "cA=true), so it cannot be the signing certificate");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      throw new CertificateRuleException("certificate " + subject(leaf)
          + " has no key usage extension; a signing certificate needs one with digitalSignature");
    }
    if (purpose == Purpose.CODE_SIGNING && !isCritical(leaf, KEY_USAGE)) {
      throw new CertificateRuleException("certificate " + subject(leaf)
          + " has a key usage extension that is not marked critical");
    }
    if (!bit(ku, DIGITAL_SIGNATURE)) {
      throw new CertificateRuleException("certificate " + subject(leaf)
          + " cannot sign: its key usage lacks digitalSignature");
    }
    List<String> forbidden = new ArrayList<>();
    for (int i : FORBIDDEN_LEAF_USAGES) {
      if (bit(ku, i)) {
        forbidden.add(KEY_USAGE_NAMES[i]);
      }
    }
    if (!forbidden.isEmpty()) {
      throw new CertificateRuleException("certificate " + subject(leaf) + " cannot sign: its key usage includes "
          + String.join(", ", forbidden) + " (only digitalSignature and nonRepudiation are allowed)");
    }
    List<String> eku = extendedKeyUsage(leaf);
    if (purpose == Purpose.CODE_SIGNING) {
      for (String oid : eku) {
        String name = FORBIDDEN_FOR_CODE_SIGNING.get(oid);
        if (name != null) {
          throw new CertificateRuleException(
              "certificate " + subject(leaf) + " cannot sign code: its extended key usage includes " + name);
        }
      }
    } else {
      if (!eku.equals(List.of(TIME_STAMPING))) {
        throw new CertificateRuleException("timestamping certificate " + subject(leaf) + " must have exactly one "
            + "extended key usage, timeStamping" + (eku.isEmpty() ? ", but has none" : ", but has " + eku));
      }
      if (!isCritical(leaf, EXTENDED_KEY_USAGE)) {
        throw new CertificateRuleException("timestamping certificate " + subject(leaf)
            + " has an extended key usage extension that is not marked critical");
      }
    }
    try {
      SignatureAlgorithm.forKey(leaf.getPublicKey());
    } catch (EnvelopeException e) {
      throw new CertificateRuleException("certificate " + subject(leaf) + " has an " + e.getMessage(), e);
    }
  }

  private static List<String> extendedKeyUsage(X509Certificate cert) throws CertificateRuleException {
    try {
      List<String> eku = cert.getExtendedKeyUsage();
      return eku == null ? List.of() : eku;
    } catch (CertificateParsingException e) {
      throw new CertificateRuleException(
          "certificate " + subject(cert) + " has an unreadable extended key usage extension", e);
    }
  }

  private static boolean bit(boolean[] bits, int i) {
    return i < bits.length && bits[i];
  }

  private static boolean isCritical(X509Certificate cert, String oid) {
    Set<String> critical = cert.getCriticalExtensionOIDs();
    return critical != null && critical.contains(oid);
  }

  private static boolean selfIssued(X509Certificate cert) throws CertificateRuleException {
    return Arrays.equals(rawName(cert, false), rawName(cert, true));
  }

  private static byte[] rawIssuer(X509Certificate cert) throws CertificateRuleException {
    return rawName(cert, false);
  }

  private static byte[] rawSubject(X509Certificate cert) throws CertificateRuleException {
    return rawName(cert, true);
  }

  /** A name as encoded in the certificate (not re-encoded by the JDK): notation compares names byte for byte. */
  private static byte[] rawName(X509Certificate cert, boolean subject) throws CertificateRuleException {
    try {
      ByteBuffer encoded = ByteBuffer.wrap(cert.getEncoded());
      byte[][] names = NAMES.get(encoded);
      if (names == null) {
        Certificate structure = Certificate.getInstance(encoded.array());
        names = new byte[][] {structure.getIssuer().getEncoded(), structure.getSubject().getEncoded()};
        if (NAMES.size() >= MAX_VERIFIED) {
          NAMES.clear();
        }
        NAMES.put(encoded, names);
      }
      return (subject ? names[1] : names[0]).clone();
    } catch (CertificateEncodingException | IOException | IllegalArgumentException e) {
      throw new CertificateRuleException("certificate " + subject(cert) + " has unreadable names", e);
    }
  }

  /** Issuer and subject as encoded, by certificate encoding: parsed once per certificate, not once per check. */
  private static final Map<ByteBuffer, byte[][]> NAMES = new ConcurrentHashMap<>();

  /** The subject of {@code cert} as notation prints it in messages (RFC 2253), in double quotes. */
  static String subject(X509Certificate cert) {
    return "\"" + cert.getSubjectX500Principal().getName() + "\"";
  }

  private static String issuer(X509Certificate cert) {
    return "\"" + cert.getIssuerX500Principal().getName() + "\"";
  }
}
