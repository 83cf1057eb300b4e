package dev.nota.core.envelope;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What an envelope says, format-neutral: the payload bytes exactly as signed, the signed and unsigned attributes,
 * the certificate chain (leaf first) and the raw primitive signature with its algorithm.
 */
public record EnvelopeContent(
    byte[] payload,
    String payloadContentType,
    SignedAttributes signedAttributes,
    UnsignedAttributes unsignedAttributes,
    List<X509Certificate> certificateChain,
    SignatureAlgorithm algorithm,
    byte[] signature) {

  public EnvelopeContent {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signedAttributes, "signedAttributes");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(signature, "signature");
    payload = payload.clone();
    signature = signature.clone();
    unsignedAttributes = unsignedAttributes == null ? new UnsignedAttributes(null, null) : unsignedAttributes;
    certificateChain = List.copyOf(certificateChain);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * The keys of the critical extended attributes. The Notary Project requires a verifier to fail on critical
   * attributes it cannot process; nota processes none (only a verification plugin could), so any entry here must fail
   * verification.
   */
  public List<String> unprocessedCriticalKeys() {
    return signedAttributes.extendedAttributes().stream()
        .filter(ExtendedAttribute::critical)
        .map(ExtendedAttribute::key)
        .toList();
  }
}
