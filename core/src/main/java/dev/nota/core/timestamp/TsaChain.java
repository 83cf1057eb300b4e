package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the TSA certificate chain from the token's signing certificate, through the certificates the token carries,
 * up to one of the trusted TSA roots. Trust comes only from the roots the caller passes: a token certificate counts as
 * the root only when it is byte-for-byte one of them, and a trusted root is preferred to any token certificate with
 * the same name (a token may carry a cross-certificate of the root, as GlobalSign's do).
 */
final class TsaChain {
  /** A longer path is either a loop in disguise or nothing a TSA would ever present. */
  private static final int MAX_LENGTH = 8;

  private TsaChain() {}

  /** Returns leaf → … → trusted root, or fails with "… does not lead to a trusted TSA root". */
  static List<X509Certificate> build(X509Certificate leaf, List<X509Certificate> tokenCerts,
      List<X509Certificate> roots) throws NotaException {
    List<X509Certificate> chain = new ArrayList<>();
    X509Certificate current = leaf;
    chain.add(current);
    while (!isOneOf(current, roots)) {
      if (chain.size() >= MAX_LENGTH) {
        throw unrooted(leaf);
      }
      X509Certificate issuer = issuerAmong(current, roots, chain);
      if (issuer == null && !selfIssued(current)) {
        issuer = issuerAmong(current, tokenCerts, chain);
      }
      if (issuer == null) {
        throw unrooted(leaf);
      }
      chain.add(issuer);
      current = issuer;
    }
    return List.copyOf(chain);
  }

  private static X509Certificate issuerAmong(X509Certificate cert, List<X509Certificate> candidates,
      List<X509Certificate> chainSoFar) {
    for (X509Certificate candidate : candidates) {
      if (candidate.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
          && !isOneOf(candidate, chainSoFar)
          && signs(candidate, cert)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean signs(X509Certificate issuer, X509Certificate cert) {
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean selfIssued(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
  }

  private static boolean isOneOf(X509Certificate cert, List<X509Certificate> certs) {
    byte[] der = encoded(cert);
    if (der.length == 0) {
      return false;
    }
    for (X509Certificate c : certs) {
      if (MessageDigest.isEqual(der, encoded(c))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      return new byte[0];
    }
  }

  private static NotaException unrooted(X509Certificate leaf) {
    return new NotaException("timestamp certificate chain does not lead to a trusted TSA root (TSA certificate \""
        + leaf.getSubjectX500Principal().getName() + "\", issuer \"" + leaf.getIssuerX500Principal().getName()
        + "\")");
  }
}
