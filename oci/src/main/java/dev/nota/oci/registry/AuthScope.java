package dev.nota.oci.registry;

import java.util.List;
import java.util.TreeSet;

/**
 * What a request needs permission for, attached to each OkHttp request as a tag: the registry name for credential
 * look-up and the token scopes, e.g. {@code repository:app:pull,push}.
 */
record AuthScope(String registry, List<String> scopes) {
  AuthScope {
    scopes = List.copyOf(new TreeSet<>(scopes));
  }

  static AuthScope pull(String registry, String repository) {
    return new AuthScope(registry, List.of("repository:" + repository + ":pull"));
  }

  static AuthScope push(String registry, String repository) {
    return new AuthScope(registry, List.of("repository:" + repository + ":pull,push"));
  }

  static AuthScope delete(String registry, String repository) {
    return new AuthScope(registry, List.of("repository:" + repository + ":delete"));
  }

  /** The key tokens are cached under, with the host that answered. */
  String key(String host) {
    return host + " " + String.join(" ", scopes);
  }
}
