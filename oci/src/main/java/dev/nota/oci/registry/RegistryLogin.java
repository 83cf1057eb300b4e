package dev.nota.oci.registry;

import dev.nota.oci.OciException;
import dev.nota.oci.Reference;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Checks credentials against a registry before anyone stores them, as {@code docker login} does: a {@code GET /v2/}
 * that answers a Basic challenge with the credentials, or a Bearer challenge by asking the realm's token service for a
 * token with them. Wrong credentials end in an {@link AuthenticationException}; a registry that asks for no
 * credentials at all accepts any. The scheme rules are the {@link RegistryClient}'s (plain HTTP only for loopback and
 * insecure registries that speak it).
 */
public final class RegistryLogin {
  private RegistryLogin() {}

  /**
   * Logs in to {@code registry} ({@code host[:port]}, or {@code docker.io}) with {@code credential}; every other
   * setting (TLS, insecure registries, timeouts, debug log) comes from {@code options}, whose credentials are ignored.
   *
   * @throws AuthenticationException when the registry or its token service refuses the credentials
   * @throws RegistryException when the registry cannot be reached or fails
   */
  public static void check(String registry, Credential credential, RegistryOptions options) throws OciException {
    Reference ref = new Reference(registry, "library/nota-login", null, null);
    HttpUrl v2 = HttpUrl.parse("https://" + ref.apiHost() + "/v2/");
    if (v2 == null) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    Transport transport = new Transport(options.withCredentials(r -> credential));
    try {
      if (ref.isLoopback() || options.insecureRegistries().contains(registry)) {
        transport.allowPlainHttp(v2);
      }
      Request ping = new Request.Builder().url(v2).get()
          .tag(AuthScope.class, new AuthScope(registry, List.of())).build();
      String what = "logging in to " + registry;
      transport.run(new Endpoint(what, registry, ping, true, Set.of(), false), response -> null);
    } finally {
      transport.close();
    }
  }
}
