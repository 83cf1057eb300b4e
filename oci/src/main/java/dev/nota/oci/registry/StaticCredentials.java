package dev.nota.oci.registry;

import java.util.Objects;

/**
 * One username and password (or token) for every registry, as given with {@code --username} and
 * {@code --password-stdin}. A username of {@code <token>} or an empty one makes the secret an identity token.
 */
public final class StaticCredentials implements CredentialStore {
  private final Credential credential;

  public StaticCredentials(String username, String secret) {
    Objects.requireNonNull(secret, "secret");
    if (username == null || username.isEmpty() || "<token>".equals(username)) {
      credential = Credential.identityToken(secret);
    } else {
      credential = Credential.basic(username, secret);
    }
  }

  @Override
  public Credential get(String registry) {
    return credential;
  }
}
