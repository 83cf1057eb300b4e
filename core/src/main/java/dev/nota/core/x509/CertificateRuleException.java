package dev.nota.core.x509;

import dev.nota.core.NotaException;

/** A certificate or chain that cannot be used: unreadable, or breaking a rule of the Notary Project spec. */
public class CertificateRuleException extends NotaException {
  public CertificateRuleException(String message) {
    super(message);
  }

  public CertificateRuleException(String message, Throwable cause) {
    super(message, cause);
  }
}
