package dev.nota.oci.registry;

import dev.nota.oci.Reference;
import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * The entry point to registries: one per process, sharing connections, tokens, credentials and what was learned
 * about each registry (such as Referrers API support) among all the {@link RegistryTarget}s it hands out. The HTTP
 * machinery is built on the first request, and TLS on the first HTTPS request.
 *
 * <h2>HTTPS or plain HTTP</h2>
 * Every registry is spoken to over HTTPS with full certificate checks (the system trust store plus
 * {@link RegistryOptions#caFile()}); certificate checks are never skipped. The only exceptions are loopback hosts
 * ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}) and the registries in
 * {@link RegistryOptions#insecureRegistries()}: before the first request to one of them, the client asks the address
 * whether it is a plain HTTP server (one line that any HTTP/1 server rejects with a status line and a TLS server
 * rejects by closing; no request, credential or content is sent). If it is, plain HTTP is used; otherwise (a TLS
 * server, or no answer) HTTPS, with its normal errors: a TLS server whose certificate is not trusted is reported as
 * such and never retried in plain HTTP. The answer is remembered for the life of the client. Like docker, this lets
 * {@code localhost:5000} be a plain or a TLS registry without configuration; unlike docker, an insecure registry's
 * certificate is still checked, and HTTPS never falls back to HTTP once chosen. Registries without a port are probed
 * on port 80 and otherwise reached on 443.
 *
 * <p>Obligation: close the client when done, to release connections and threads.
 */
public final class RegistryClient implements Closeable {
  private final RegistryOptions options;
  private final Transport transport;
  final Map<String, ReferrersSupport> referrersSupport = new ConcurrentHashMap<>();
  final Map<String, Object> indexLocks = new ConcurrentHashMap<>();

  public RegistryClient(RegistryOptions options) {
    this.options = options;
    this.transport = new Transport(options);
  }

  /** The repository {@code ref} names (its tag and digest are ignored). */
  public RegistryTarget repository(Reference ref) {
    String registry = ref.registry();
    HttpUrl v2 = HttpUrl.parse("https://" + ref.apiHost() + "/v2/");
    if (v2 == null) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    if (mayUsePlainHttp(ref)) {
      transport.allowPlainHttp(v2);
    }
    return new RegistryTarget(this, transport, new Repo(registry, ref.repository(), v2), options.forceReferrersTag());
  }

  /** Whether {@code ref}'s registry may turn out to be plain HTTP: loopback hosts and insecure registries. */
  boolean mayUsePlainHttp(Reference ref) {
    return ref.isLoopback() || options.insecureRegistries().contains(ref.registry());
  }

  /** The repository {@code repository} of {@code registry} ({@code host[:port]}). */
  public RegistryTarget repository(String registry, String repository) {
    return repository(new Reference(registry, repository, null, null));
  }

  @Override
  public void close() {
    transport.close();
  }
}
