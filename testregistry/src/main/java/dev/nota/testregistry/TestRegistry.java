package dev.nota.testregistry;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An OCI Distribution 1.1 registry running inside the JVM on the JDK's HTTP server, so that nota's tests (and
 * {@code nota registry serve}) talk to a real registry over loopback: blobs, chunked uploads, mounts,
 * manifests, tags, catalog, the Referrers API (or its absence, like distribution 2.8), Basic or token auth,
 * and fault injection through {@link #faults()}.
 *
 * <p>Obligations: a started registry holds a port and threads until {@link #close()}; use try-with-resources.
 */
public final class TestRegistry implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final Router router;
  private final Faults faults;
  private final String host;

  private TestRegistry(HttpServer server, ExecutorService executor, Router router, Faults faults) {
    this.server = server;
    this.executor = executor;
    this.router = router;
    this.faults = faults;
    InetSocketAddress address = server.getAddress();
    InetAddress ip = address.getAddress();
    String literal = ip.isAnyLocalAddress() ? "127.0.0.1" : ip.getHostAddress();
    if (literal.indexOf(':') >= 0) {
      literal = "[" + literal + "]";
    }
    this.host = literal + ":" + address.getPort();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts a registry on 127.0.0.1 at a free port, in memory, with the Referrers API. */
  public static TestRegistry start() throws IOException {
    return builder().start();
  }

  /** {@code 127.0.0.1:<port>}: the registry host as it appears in references. */
  public String host() {
    return host;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>}, or {@code https://} when serving TLS. */
  public URI baseUri() {
    return URI.create((server instanceof HttpsServer ? "https://" : "http://") + host);
  }

  public Faults faults() {
    return faults;
  }

  /** {@code "METHOD /path?query"} of every request received so far (the last 100,000), in arrival order. */
  public List<String> requestLog() {
    return router.requestLog();
  }

  /**
   * Every request received so far (the last 100,000) with the status of its answer (0 while none was sent,
   * or when the connection was dropped), in arrival order: what a test asserts when a client's behaviour shows
   * only in the answers, such as a blob mount answered 201.
   */
  public List<Exchange> exchanges() {
    return router.exchanges();
  }

  /** One request: method, path with query, and the status sent (0 when none was). */
  public record Exchange(String method, String target, int status) {
    @Override
    public String toString() {
      return method + " " + target + " " + status;
    }
  }

  /** Stops the server and its threads; upload sessions are lost, stored content is kept with file storage. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "TestRegistry[" + baseUri() + "]";
  }

  /** Options of a registry; every one has a default, so {@code builder().start()} is the common case. */
  public static final class Builder {
    private boolean referrersApi = true;
    private Auth auth = Auth.none();
    private Path storage;
    private String bindHost = "127.0.0.1";
    private int bindPort;
    private boolean deleteEnabled = true;
    private boolean sparseManifests;
    private SSLContext tls;
    private java.time.Duration uploadExpiry = java.time.Duration.ofHours(1);

    private Builder() {}

    /**
     * Whether the Referrers API exists (default true). When off the registry behaves like distribution 2.8:
     * {@code /referrers/} answers a text/plain 404 and a manifest PUT with a subject gets no
     * {@code OCI-Subject}.
     */
    public Builder referrersApi(boolean enabled) {
      this.referrersApi = enabled;
      return this;
    }

    /** Every {@code /v2/} request needs these Basic credentials. */
    public Builder basicAuth(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      this.auth = Auth.basic(user, password);
      return this;
    }

    /**
     * The distribution token flow with a token endpoint at {@code /token}; with {@code user == null} only
     * anonymous pull tokens exist.
     */
    public Builder tokenAuth(String user, String password) {
      this.auth = Auth.token(user, password);
      return this;
    }

    /**
     * Persistent storage under {@code root} (created if missing), kept across restarts. Default: in memory.
     */
    public Builder storage(Path root) {
      this.storage = Objects.requireNonNull(root, "root");
      return this;
    }

    /** Address to listen on; default {@code 127.0.0.1:0} (a free port). Any other host must be named here. */
    public Builder bind(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.bindHost = Objects.requireNonNull(host, "host");
      this.bindPort = port;
      return this;
    }

    /** Whether DELETE is allowed (default true); when off, deletes answer 405 UNSUPPORTED. */
    public Builder deleteEnabled(boolean enabled) {
      this.deleteEnabled = enabled;
      return this;
    }

    /**
     * Whether a manifest may reference blobs, and an index manifests, that the repository does not have
     * (default false: such a PUT answers 400 MANIFEST_BLOB_UNKNOWN, as distribution does). A mirror of one
     * platform of a multi-platform index needs it; the conformance suite's "sparse" data set tests it.
     */
    public Builder sparseManifests(boolean allowed) {
      this.sparseManifests = allowed;
      return this;
    }

    /**
     * How long an upload session may sit idle before it is dropped with what it received (default one hour; a
     * long-running registry would otherwise keep every abandoned upload until it stops). Swept when a session starts.
     */
    public Builder uploadExpiry(java.time.Duration idle) {
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("upload expiry must be positive: " + idle);
      }
      this.uploadExpiry = idle;
      return this;
    }

    /**
     * Serve HTTPS instead of plain HTTP, with the server certificate and key of {@code context}; token realm URLs
     * then use https too.
     */
    public Builder tls(SSLContext context) {
      this.tls = Objects.requireNonNull(context, "context");
      return this;
    }

    public TestRegistry start() throws IOException {
      BlobStore store = storage == null ? BlobStore.inMemory() : BlobStore.files(storage);
      Repositories repos = new Repositories(store, storage, sparseManifests);
      Faults faults = new Faults();
      Services services = new Services(store, repos, faults, auth, referrersApi, deleteEnabled,
          uploadExpiry);
      Router router = new Router(services);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bindHost), bindPort);
      noDelay();
      HttpServer server;
      if (tls == null) {
        server = HttpServer.create(address, 128);
      } else {
        HttpsServer https = HttpsServer.create(address, 128);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      }
      server.createContext("/", router);
      ExecutorService executor = executor();
      server.setExecutor(executor);
      server.start();
      TestRegistry registry = new TestRegistry(server, executor, router, faults);
      auth.realm(registry.baseUri() + "/token");
      return registry;
    }

    /**
     * TCP_NODELAY on every connection, as Go's registries have it. The JDK's server leaves Nagle's algorithm on unless
     * {@code sun.net.httpserver.nodelay} is set before its first server is made; then a body written after the
     * headers waits for the client's delayed ACK once a kept-alive connection has left quick-ACK mode: ~40 ms stalls
     * on referrer lists and tag indexes (measured: 100 ms of a verify with 51 signatures).
     */
    private static void noDelay() {
      if (System.getProperty("sun.net.httpserver.nodelay") == null) {
        System.setProperty("sun.net.httpserver.nodelay", "true");
      }
    }

    private static ExecutorService executor() {
      AtomicInteger count = new AtomicInteger();
      ThreadFactory threads = r -> {
        Thread t = new Thread(r, "testregistry-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(32, 32, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
