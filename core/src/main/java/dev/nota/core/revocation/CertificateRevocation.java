package dev.nota.core.revocation;

import java.security.cert.X509Certificate;

/**
 * What the revocation check found for one certificate of a chain: the status, how it was decided ({@code method}:
 * "OCSP", "CRL", "OCSP, then CRL" or "none") and a one-line detail (the source that decided, or every error met).
 */
public record CertificateRevocation(X509Certificate certificate, RevocationStatus status, String method,
    String detail) {

  /** The certificate's subject, as notation prints it. */
  public String subject() {
    return certificate.getSubjectX500Principal().getName();
  }
}
