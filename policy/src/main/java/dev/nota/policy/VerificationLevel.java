package dev.nota.policy;

import java.util.Locale;

/**
 * The preset levels of a trust policy. Each is a fixed table from check to action (the Notary Project trust policy
 * spec); {@code skip} means signatures are not even fetched.
 */
public enum VerificationLevel {
  STRICT(ValidationAction.ENFORCE, ValidationAction.ENFORCE, ValidationAction.ENFORCE, ValidationAction.ENFORCE),
  PERMISSIVE(ValidationAction.ENFORCE, ValidationAction.LOG, ValidationAction.LOG, ValidationAction.LOG),
  AUDIT(ValidationAction.LOG, ValidationAction.LOG, ValidationAction.LOG, ValidationAction.LOG),
  SKIP(ValidationAction.SKIP, ValidationAction.SKIP, ValidationAction.SKIP, ValidationAction.SKIP);

  private final ValidationAction authenticity;
  private final ValidationAction authenticTimestamp;
  private final ValidationAction expiry;
  private final ValidationAction revocation;

  VerificationLevel(ValidationAction authenticity, ValidationAction authenticTimestamp, ValidationAction expiry,
      ValidationAction revocation) {
    this.authenticity = authenticity;
    this.authenticTimestamp = authenticTimestamp;
    this.expiry = expiry;
    this.revocation = revocation;
  }

  /** The action this level takes for {@code type}, before any override. */
  public ValidationAction action(ValidationType type) {
    switch (type) {
      case INTEGRITY:
        return this == SKIP ? ValidationAction.SKIP : ValidationAction.ENFORCE;
      case AUTHENTICITY:
        return authenticity;
      case AUTHENTIC_TIMESTAMP:
        return authenticTimestamp;
      case EXPIRY:
        return expiry;
      case REVOCATION:
        return revocation;
      default:
        throw new AssertionError(type);
    }
  }

  /** The level's name as written in a policy ({@code strict}, {@code permissive}, {@code audit}, {@code skip}). */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a level name exactly as written in a policy (case-sensitive, like notation).
   *
   * @throws PolicyException when {@code name} is empty or not one of the four levels
   */
  public static VerificationLevel parse(String name) throws PolicyException {
    if (name == null || name.isEmpty()) {
      throw new PolicyException("signature verification level is empty or missing in the trust policy statement");
    }
    for (VerificationLevel level : values()) {
      if (level.jsonName().equals(name)) {
        return level;
      }
    }
    throw new PolicyException("invalid signature verification level " + GoText.quote(name));
  }
}
