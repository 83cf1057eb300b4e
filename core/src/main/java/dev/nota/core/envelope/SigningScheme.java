package dev.nota.core.envelope;

/**
 * The Notary Project signing schemes. {@code notary.x509} carries an untrusted signing time (and optionally an RFC
 * 3161 countersignature); {@code notary.x509.signingAuthority} carries a signed authentic signing time vouched for by
 * a signing authority, verified against a trust store of its own type.
 */
public enum SigningScheme {
  X509("notary.x509"),
  X509_SIGNING_AUTHORITY("notary.x509.signingAuthority");

  private final String value;

  SigningScheme(String value) {
    this.value = value;
  }

  /** The header value, e.g. {@code notary.x509}. */
  public String value() {
    return value;
  }

  /** The scheme named {@code value} (exact match). */
  public static SigningScheme parse(String value) throws EnvelopeException {
    for (SigningScheme s : values()) {
      if (s.value.equals(value)) {
        return s;
      }
    }
    throw new EnvelopeException("unsupported signing scheme \"" + value + "\" (known: notary.x509, "
        + "notary.x509.signingAuthority)");
  }

  @Override
  public String toString() {
    return value;
  }
}
