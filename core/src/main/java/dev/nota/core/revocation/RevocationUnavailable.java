package dev.nota.core.revocation;

/** A source that gave no trustworthy answer (network, HTTP, size, parse, signature, freshness); one-line message. */
final class RevocationUnavailable extends Exception {
  RevocationUnavailable(String message) {
    super(message, null, false, false);
  }
}
