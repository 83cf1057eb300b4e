package dev.nota.core.revocation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** {@link RevocationChecker#OFFLINE}: decides only for chains that name no revocation service. */
final class OfflineRevocationChecker implements RevocationChecker {

  @Override
  public String check(List<X509Certificate> chain, Instant signingTime) {
    // The root is never checked (it has no issuer to vouch for its status), as in notation-core-go.
    for (int i = 0; i < chain.size() - 1; i++) {
      X509Certificate c = chain.get(i);
      boolean named;
      try {
        named = RevocationUrls.namesAny(c);
      } catch (java.io.IOException | RuntimeException e) {
        named = true; // an unreadable extension cannot be shown to name nothing: fail closed
      }
      if (named) {
        return "revocation status of certificate \"" + c.getSubjectX500Principal().getName()
            + "\" is unknown: it names an OCSP or CRL location and revocation is not checked online here";
      }
    }
    return null;
  }
}
