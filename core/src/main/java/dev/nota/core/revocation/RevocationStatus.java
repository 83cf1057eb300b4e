package dev.nota.core.revocation;

/**
 * The revocation status of one certificate, notation's result values: {@code OK} and {@code NON_REVOKABLE} pass,
 * {@code REVOKED} and {@code UNKNOWN} both fail the revocation check (which the verification level then enforces or
 * logs).
 */
public enum RevocationStatus {
  /** A responder or CRL said the certificate is good. */
  OK,
  /** The certificate names no OCSP or CRL location (or is the root): nothing to check. */
  NON_REVOKABLE,
  /** A trustworthy answer said the certificate is revoked. */
  REVOKED,
  /** No trustworthy answer could be had: responders down, bad or stale answers, OCSP "unknown". */
  UNKNOWN;

  /** Whether this status lets the revocation check pass. */
  public boolean passes() {
    return this == OK || this == NON_REVOKABLE;
  }
}
