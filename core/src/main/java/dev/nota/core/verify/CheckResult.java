package dev.nota.core.verify;

import dev.nota.policy.ValidationAction;
import dev.nota.policy.ValidationType;

/**
 * The result of one check on one signature.
 *
 * @param type the check, or null for checks that are always enforced (signed target and user metadata)
 * @param action what the policy does with a failure of this check
 * @param passed whether the check passed
 * @param message why it failed (or a note when it passed), one line
 */
public record CheckResult(ValidationType type, ValidationAction action, boolean passed, String message) {

  /** Whether this result makes the signature fail: a failure whose action is enforce. */
  public boolean fatal() {
    return !passed && action == ValidationAction.ENFORCE;
  }

  /** Whether this is a failure that the policy only logs. */
  public boolean logged() {
    return !passed && action == ValidationAction.LOG;
  }

  /** The check's name as the trust policy spells it, or {@code target} / {@code user metadata}. */
  public String name() {
    return type == null ? "payload" : type.jsonName();
  }
}
