package dev.nota.core.envelope;

/**
 * The unsigned header of an envelope: a free-text signing agent (never used for decisions) and the DER RFC 3161
 * TimeStampToken over the signature, when the signer obtained one. Both are nullable.
 */
public record UnsignedAttributes(String signingAgent, byte[] timestampSignature) {
  public UnsignedAttributes {
    timestampSignature = timestampSignature == null ? null : timestampSignature.clone();
  }

  @Override
  public byte[] timestampSignature() {
    return timestampSignature == null ? null : timestampSignature.clone();
  }
}
