package dev.nota.policy;

import java.util.Locale;

/** What a failed check does: fail the signature, print a warning, or not run at all. */
public enum ValidationAction {
  ENFORCE,
  LOG,
  SKIP;

  /** The value as written in a policy: {@code enforce}, {@code log} or {@code skip}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the action whose {@link #jsonName()} is exactly {@code name}, or null. */
  static ValidationAction forJsonName(String name) {
    for (ValidationAction action : values()) {
      if (action.jsonName().equals(name)) {
        return action;
      }
    }
    return null;
  }
}
