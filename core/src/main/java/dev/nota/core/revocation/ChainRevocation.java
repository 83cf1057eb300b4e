package dev.nota.core.revocation;

import java.util.List;

/**
 * The revocation check of a whole chain (leaf first, one result per certificate, the root always non-revokable),
 * summarised as notation does: any revoked certificate makes the chain revoked; otherwise any unknown makes it
 * unknown; the certificate named is the one nearest the leaf.
 */
public record ChainRevocation(List<CertificateRevocation> certificates) {
  public ChainRevocation {
    certificates = List.copyOf(certificates);
  }

  /** The chain's overall status. */
  public RevocationStatus status() {
    CertificateRevocation p = problem();
    return p == null ? RevocationStatus.OK : p.status();
  }

  /** The certificate that decides a failing status (leaf-most revoked, else leaf-most unknown); null when it passes. */
  public CertificateRevocation problem() {
    for (RevocationStatus s : new RevocationStatus[] {RevocationStatus.REVOKED, RevocationStatus.UNKNOWN}) {
      for (CertificateRevocation c : certificates) {
        if (c.status() == s) {
          return c;
        }
      }
    }
    return null;
  }

  /** A one-line reason when the check fails, else null. */
  public String failure() {
    CertificateRevocation p = problem();
    if (p == null) {
      return null;
    }
    if (p.status() == RevocationStatus.REVOKED) {
      return "certificate with subject \"" + p.subject() + "\" is revoked (" + p.detail() + ")";
    }
    return "certificate with subject \"" + p.subject() + "\" revocation status is unknown: " + p.detail();
  }
}
