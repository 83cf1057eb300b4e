package dev.nota.policy;

/** The checks of signature verification that a trust policy level enforces, logs or skips. */
public enum ValidationType {
  INTEGRITY("integrity"),
  AUTHENTICITY("authenticity"),
  AUTHENTIC_TIMESTAMP("authenticTimestamp"),
  EXPIRY("expiry"),
  REVOCATION("revocation");

  private final String jsonName;

  ValidationType(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The key used for this check in a policy's {@code override} object. */
  public String jsonName() {
    return jsonName;
  }

  /** Returns the type whose {@link #jsonName()} is exactly {@code name}, or null. */
  static ValidationType forJsonName(String name) {
    for (ValidationType type : values()) {
      if (type.jsonName.equals(name)) {
        return type;
      }
    }
    return null;
  }
}
