package dev.nota.policy;

/**
 * The kinds of named trust store: {@code ca} anchors {@code notary.x509} signatures, {@code signingAuthority}
 * anchors {@code notary.x509.signingAuthority} ones, {@code tsa} anchors RFC 3161 timestamps.
 */
public enum TrustStoreType {
  CA("ca"),
  SIGNING_AUTHORITY("signingAuthority"),
  TSA("tsa");

  private final String value;

  TrustStoreType(String value) {
    this.value = value;
  }

  /** The name used in policies ({@code ca:name}) and as the directory under {@code truststore/x509/}. */
  public String value() {
    return value;
  }

  /** Returns the type whose {@link #value()} is exactly {@code value} (case-sensitive), or null. */
  public static TrustStoreType forValue(String value) {
    for (TrustStoreType type : values()) {
      if (type.value.equals(value)) {
        return type;
      }
    }
    return null;
  }
}
