package dev.nota.core.envelope;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The signed header of an envelope, format-neutral. {@code signingTime} is set for {@code notary.x509} (untrusted,
 * informational), {@code authenticSigningTime} for {@code notary.x509.signingAuthority}; {@code expiry},
 * {@code verificationPlugin} and {@code verificationPluginMinVersion} are nullable. Extended attributes keep the
 * envelope's order.
 */
public record SignedAttributes(
    SigningScheme signingScheme,
    Instant signingTime,
    Instant authenticSigningTime,
    Instant expiry,
    String verificationPlugin,
    String verificationPluginMinVersion,
    List<ExtendedAttribute> extendedAttributes) {

  public SignedAttributes {
    Objects.requireNonNull(signingScheme, "signingScheme");
    extendedAttributes = extendedAttributes == null ? List.of() : List.copyOf(extendedAttributes);
  }

  /** The signing time of either scheme: {@code signingTime} or {@code authenticSigningTime}. */
  public Instant anySigningTime() {
    return signingTime != null ? signingTime : authenticSigningTime;
  }
}
