package dev.nota.core.revocation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Checks the revocation status of a certificate chain (OCSP or CRL). A chain without revocation information counts as
 * good, as the specification says; a status that cannot be determined is a failure.
 */
public interface RevocationChecker {

  /**
   * Returns null when no certificate of {@code chain} is revoked and every status could be decided, else a one-line
   * reason ("certificate … is revoked", "revocation status of … is unknown").
   */
  String check(List<X509Certificate> chain, Instant signingTime);

  /**
   * Checks nothing over the network: chains that carry no OCSP or CRL location pass; a chain that carries one fails
   * closed with "unknown", since its status was not checked.
   */
  RevocationChecker OFFLINE = new OfflineRevocationChecker();
}
