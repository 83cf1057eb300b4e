package dev.nota.core.revocation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Checks the revocation status of a certificate chain (OCSP or CRL). A chain without revocation information counts as
 * good, as the specification says; a revoked certificate and a status that cannot be determined are both failures of
 * the revocation check (the verification level then enforces or logs it), as in notation.
 */
public interface RevocationChecker {

  /**
   * Returns null when no certificate of {@code chain} is revoked and every status could be decided, else a one-line
   * reason ("certificate … is revoked", "… revocation status is unknown: …"). {@code signingTime} is the authentic
   * signing time, or null when there is none.
   */
  String check(List<X509Certificate> chain, Instant signingTime);

  /**
   * Checks nothing over the network: chains that carry no OCSP or CRL location pass; a chain that carries one fails
   * closed with "unknown", since its status was not checked.
   */
  RevocationChecker OFFLINE = new OfflineRevocationChecker();

  /** Checks over the network with OCSP, then CRL, as {@link OnlineRevocationChecker} describes. */
  static OnlineRevocationChecker online(RevocationOptions options) {
    return new OnlineRevocationChecker(options);
  }
}
