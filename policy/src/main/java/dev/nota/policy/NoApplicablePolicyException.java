package dev.nota.policy;

/**
 * No statement of a valid policy document applies to the artifact or blob being verified. Kept apart from other
 * policy errors because it is a configuration gap rather than a broken document.
 */
public final class NoApplicablePolicyException extends PolicyException {
  public NoApplicablePolicyException(String message) {
    super(message);
  }
}
