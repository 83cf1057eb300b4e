package dev.nota.core.tuf;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves files notary-server wrote (a fixture case's {@code server/} directory) on 127.0.0.1 with notary-server's
 * routes: {@code GET /v2/} and {@code GET /v2/<gun>/_trust/tuf/<file>}, 404 with notary's error JSON otherwise.
 * Records every request path.
 */
public final class StaticTufServer implements AutoCloseable {
  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private StaticTufServer(HttpServer server) {
    this.server = server;
  }

  /** Serves {@code dir} as the metadata of {@code gun}. */
  public static StaticTufServer start(String gun, Path dir) throws IOException {
    return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), gun, dir);
  }

  /** Serves {@code dir} over TLS with {@code cert} (which must name 127.0.0.1) and its {@code key}. */
  public static StaticTufServer startHttps(String gun, Path dir, java.security.cert.X509Certificate cert,
      java.security.PrivateKey key) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, new char[0], new java.security.cert.Certificate[] {cert});
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, new char[0]);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    com.sun.net.httpserver.HttpsServer s = com.sun.net.httpserver.HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
    StaticTufServer me = serve(s, gun, dir);
    me.https = true;
    return me;
  }

  private boolean https;

  private static StaticTufServer serve(HttpServer s, String gun, Path dir) {
    StaticTufServer me = new StaticTufServer(s);
    Path root = dir.toAbsolutePath().normalize();
    String prefix = "/v2/" + gun + "/_trust/tuf/";
    s.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      me.requests.add(exchange.getRequestMethod() + " " + path);
      byte[] body;
      int status;
      Path file = path.startsWith(prefix) ? root.resolve(path.substring(prefix.length())).normalize() : null;
      if (path.equals("/v2/")) {
        status = 200;
        body = "{}".getBytes(StandardCharsets.UTF_8);
      } else if (exchange.getRequestMethod().equals("GET") && file != null && file.startsWith(root)
          && file.toString().endsWith(".json") && Files.isRegularFile(file)) {
        status = 200;
        body = Files.readAllBytes(file);
      } else {
        status = 404;
        body = ("{\"errors\":[{\"code\":\"METADATA_NOT_FOUND\",\"message\":\"You have requested metadata that does "
            + "not exist.\"}]}").getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    s.start();
    return me;
  }

  public URI uri() {
    return URI.create((https ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
