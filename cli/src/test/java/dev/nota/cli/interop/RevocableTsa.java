package dev.nota.cli.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nota.core.revocation.OpensslPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TSA whose certificate the intermediate CA of an {@link OpensslPki} issued, naming that CA's OCSP responder and
 * CRL, so that the TSA chain (TSA → intermediate → root) can be revoked on demand. {@code openssl ts -reply} signs every
 * answer (with the intermediate in the token) behind an HTTP handler on 127.0.0.1. Close it to stop the server.
 */
final class RevocableTsa implements AutoCloseable {
  private final Path dir;
  private final OpensslPki.Issued certificate;
  private final Path chain;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  private RevocableTsa(Path dir, OpensslPki.Issued certificate, Path chain) throws IOException {
    this.dir = dir;
    this.certificate = certificate;
    this.chain = chain;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  /** Issues the TSA certificate from {@code pki}'s intermediate (its files in {@code pkiDir}) and starts serving. */
  static RevocableTsa start(OpensslPki pki, Path pkiDir) throws Exception {
    Path dir = Files.createDirectories(pkiDir.resolve("tsa"));
    OpensslPki.Issued cert = PkiCertificates.issue(pkiDir, "inter", "Revocable TSA",
        PkiCertificates.timestamping(pki, "inter"), Instant.now().plusSeconds(30L * 86_400));
    Files.writeString(dir.resolve("serial"), "01\n");
    Files.writeString(dir.resolve("ts.cnf"), String.join("\n",
        "[ tsa ]",
        "serial = " + dir.resolve("serial"),
        "signer_digest = sha256",
        "default_policy = 1.2.3.4.1",
        "digests = sha256, sha384, sha512",
        "accuracy = secs:1",
        "ordering = no",
        "tsa_name = yes",
        "ess_cert_id_chain = no",
        "ess_cert_id_alg = sha256",
        ""));
    RevocableTsa tsa = new RevocableTsa(dir, cert, pki.intermediate().pem());
    tsa.server.start();
    return tsa;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tsa");
  }

  /** The TSA's own certificate (to revoke it at the intermediate). */
  OpensslPki.Issued certificate() {
    return certificate;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Path query = dir.resolve("query.tsq");
      Path reply = dir.resolve("reply.tsr");
      Files.write(query, exchange.getRequestBody().readAllBytes());
      Files.deleteIfExists(reply);
      Process p = new ProcessBuilder(List.of("openssl", "ts", "-reply", "-config", "ts.cnf", "-section", "tsa",
          "-queryfile", query.toString(), "-signer", certificate.pem().toString(), "-inkey",
          certificate.key().toString(), "-chain", chain.toString(), "-out", reply.toString()))
          .directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(reply)) {
        p.destroyForcibly();
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      byte[] body = Files.readAllBytes(reply);
      exchange.getResponseHeaders().set("Content-Type", "application/timestamp-reply");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.sendResponseHeaders(500, -1);
    }
  }
}
