package dev.nota.policy;

import javax.security.auth.x500.X500Principal;

/** The wildcard identity {@code "*"}: trust whatever the statement's trust stores anchor. */
public record AnyIdentity() implements TrustedIdentity {
  /** The identity as written in a policy. */
  public static final String WILDCARD = "*";

  @Override
  public boolean matches(X500Principal leafSubject) {
    return true;
  }

  @Override
  public String toString() {
    return WILDCARD;
  }
}
