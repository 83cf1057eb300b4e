package dev.nota.policy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code signatureVerification} object of a policy statement: a preset level, optional per-check overrides
 * (which make notation call the level "custom") and when to verify timestamps.
 *
 * <p>Overrides obey notation's rules: none at level {@code skip}, never {@code integrity}, and only
 * {@code revocation} may be skipped. The constructor enforces them for values built in code; documents read from
 * JSON report violations as {@link PolicyException}s first.
 */
public record SignatureVerification(
    VerificationLevel level, Map<ValidationType, ValidationAction> overrides, VerifyTimestamp verifyTimestamp) {

  public SignatureVerification {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(verifyTimestamp, "verifyTimestamp");
    EnumMap<ValidationType, ValidationAction> copy = new EnumMap<>(ValidationType.class);
    copy.putAll(Objects.requireNonNull(overrides, "overrides"));
    if (!copy.isEmpty() && level == VerificationLevel.SKIP) {
      throw new IllegalArgumentException("level skip cannot be customized with overrides");
    }
    for (Map.Entry<ValidationType, ValidationAction> e : copy.entrySet()) {
      if (e.getKey() == ValidationType.INTEGRITY) {
        throw new IllegalArgumentException("integrity cannot be overridden");
      }
      if (e.getValue() == ValidationAction.SKIP && e.getKey() != ValidationType.REVOCATION) {
        throw new IllegalArgumentException(e.getKey().jsonName() + " cannot be skipped");
      }
    }
    overrides = Collections.unmodifiableMap(copy);
  }

  /** A preset level without overrides, verifying timestamps always. */
  public static SignatureVerification of(VerificationLevel level) {
    return new SignatureVerification(level, Map.of(), VerifyTimestamp.ALWAYS);
  }

  /** The action for {@code type}: the level's table entry unless an override names the type. */
  public ValidationAction action(ValidationType type) {
    ValidationAction override = overrides.get(type);
    return override != null ? override : level.action(type);
  }
}
