package dev.nota.policy;

/**
 * When the RFC 3161 timestamp of a signature is verified: always (the default), or only once the signing
 * certificate chain has expired.
 */
public enum VerifyTimestamp {
  ALWAYS("always"),
  AFTER_CERT_EXPIRY("afterCertExpiry");

  private final String jsonName;

  VerifyTimestamp(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The value as written in a policy's {@code verifyTimestamp}. */
  public String jsonName() {
    return jsonName;
  }
}
