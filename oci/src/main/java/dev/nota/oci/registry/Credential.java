package dev.nota.oci.registry;

/**
 * Credentials for one registry: a username and password, or an identity (OAuth2 refresh) token as docker's
 * {@code identitytoken} or a credential helper's {@code <token>} user carries. {@link #toString()} never shows
 * secrets.
 *
 * @param username the user, or null with an identity token
 * @param password the password, or null
 * @param identityToken a refresh token exchanged at the registry's token service, or null
 */
public record Credential(String username, String password, String identityToken) {

  public static Credential basic(String username, String password) {
    return new Credential(username, password, null);
  }

  public static Credential identityToken(String token) {
    return new Credential(null, null, token);
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", password=" + (password == null ? "none" : "***")
        + ", identityToken=" + (identityToken == null ? "none" : "***") + "]";
  }
}
