package dev.nota.core.envelope;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything an envelope needs to be built and signed. {@code signingTime} becomes the {@code signingTime} header for
 * {@code notary.x509} and the {@code authenticSigningTime} header for {@code notary.x509.signingAuthority}; times are
 * truncated to whole seconds. {@code expiry} and {@code signingAgent} are nullable.
 */
public record SignRequest(
    byte[] payload,
    String payloadContentType,
    SigningScheme signingScheme,
    Instant signingTime,
    Instant expiry,
    List<ExtendedAttribute> extendedAttributes,
    String signingAgent,
    PrimitiveSigner signer) {

  public SignRequest {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(payloadContentType, "payloadContentType");
    Objects.requireNonNull(signingScheme, "signingScheme");
    Objects.requireNonNull(signingTime, "signingTime");
    Objects.requireNonNull(signer, "signer");
    payload = payload.clone();
    extendedAttributes = extendedAttributes == null ? List.of() : List.copyOf(extendedAttributes);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
