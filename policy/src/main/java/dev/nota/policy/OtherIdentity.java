package dev.nota.policy;

import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * An identity whose prefix is not {@code x509.subject}. Notation lets such values through validation (they are
 * meant for verification plugins) but its built-in matcher ignores them, so this never matches.
 */
public record OtherIdentity(String prefix, String value) implements TrustedIdentity {
  public OtherIdentity {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public boolean matches(X500Principal leafSubject) {
    return false;
  }

  @Override
  public String toString() {
    return prefix + ":" + value;
  }
}
