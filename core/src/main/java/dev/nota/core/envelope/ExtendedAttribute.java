package dev.nota.core.envelope;

import java.util.Objects;

/**
 * A signed header that is not one of the Notary Project's own: a producer-defined key with a JSON-like value
 * ({@code String}, {@code Number}, {@code Boolean}, {@code List}, {@code Map}, null; COSE also carries {@code byte[]}
 * and tag-1 times as {@link java.time.Instant}). A critical attribute must be understood by the verifier, so nota,
 * which processes none, fails verification when one is present.
 */
public record ExtendedAttribute(String key, Object value, boolean critical) {
  public ExtendedAttribute {
    Objects.requireNonNull(key, "key");
  }
}
