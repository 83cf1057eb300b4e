package dev.nota.oci.registry;

import dev.nota.oci.OciException;
import java.io.Closeable;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * GETs from a server that authenticates the way registries do, such as a notary server (Docker Content Trust):
 * anonymous first, then on a 401 the same Basic or bearer-token flow as {@link RegistryClient}, with the same TLS
 * trust, retries, credential look-up and one-line errors. The URL's scheme is used as given (no plain-HTTP probe).
 *
 * <p>Obligation: close it when done, to release connections.
 */
public final class AuthenticatedGet implements Closeable {
  private final Transport transport;

  public AuthenticatedGet(RegistryOptions options) {
    this.transport = new Transport(options);
  }

  /**
   * The body of {@code url}, or empty when the server answers 404. At most {@code maxBytes + 1} bytes are read, so a
   * caller sees that a longer body is too long without receiving all of it.
   *
   * @param description what is being fetched, the prefix of every error message
   * @param registry the name credentials are looked up under and messages show, e.g. {@code host[:port]}
   * @param scope the token scope to ask for, e.g. {@code repository:<name>:pull}; null for none
   * @throws AuthenticationException when the server or its token service refuses the credentials
   * @throws RegistryException when the server cannot be reached or answers another error
   */
  public Optional<byte[]> get(String description, String registry, URI url, String scope, long maxBytes)
      throws OciException {
    HttpUrl u = HttpUrl.get(url);
    Request request = new Request.Builder().url(u).get()
        .tag(AuthScope.class, new AuthScope(registry, scope == null ? List.of() : List.of(scope))).build();
    Endpoint endpoint = new Endpoint(description, registry, request, true, java.util.Set.of(200, 404), false);
    return transport.run(endpoint, response -> {
      if (response.code() == 404) {
        return Optional.empty();
      }
      try (InputStream in = response.body().byteStream()) {
        return Optional.of(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)));
      }
    });
  }

  @Override
  public void close() {
    transport.close();
  }
}
