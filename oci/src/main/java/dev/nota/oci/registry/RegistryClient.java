package dev.nota.oci.registry;

import dev.nota.oci.Reference;
import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * The entry point to registries: one per process, sharing connections, tokens, credentials and what was learned
 * about each registry (such as Referrers API support) among all the {@link RegistryTarget}s it hands out. The HTTP
 * machinery is built on the first request, and TLS on the first HTTPS request. Plain HTTP is used only for loopback
 * hosts and the registries listed in {@link RegistryOptions#insecureRegistries()}; HTTPS never falls back to it.
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
    boolean plain = options.insecureRegistries().contains(registry) || ref.isLoopback();
    String url = (plain ? "http" : "https") + "://" + ref.apiHost() + "/v2/";
    HttpUrl v2 = HttpUrl.parse(url);
    if (v2 == null) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    return new RegistryTarget(this, transport, new Repo(registry, ref.repository(), v2), options.forceReferrersTag());
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
