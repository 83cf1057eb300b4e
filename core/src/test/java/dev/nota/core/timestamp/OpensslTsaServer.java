package dev.nota.core.timestamp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;

/**
 * A TSA for tests: {@code openssl ts -reply} behind a small HTTP handler on 127.0.0.1, with a root CA and a TSA
 * certificate made by openssl. Besides answering properly, it can misbehave in the ways a client must survive
 * (see {@link Behaviour}); openssl still does all the crypto. Close it to stop the server.
 */
public final class OpensslTsaServer implements AutoCloseable {
  /** How the TSA answers the next requests. */
  public enum Behaviour {
    /** A proper reply from the trusted TSA. */
    GOOD,
    /** HTTP 200, the right content type, and bytes that are no RFC 3161 response. */
    GARBAGE,
    /** HTTP 500 with a text body. */
    HTTP_500,
    /** HTTP 200 with a proper reply, but labelled {@code text/html}. */
    WRONG_CONTENT_TYPE,
    /** HTTP 200, the right content type, and 2 MiB of zeros. */
    HUGE,
    /** A proper reply, but to a request with another nonce. */
    WRONG_NONCE,
    /** A proper reply, but to a request over another message imprint. */
    WRONG_IMPRINT,
    /** A proper reply signed by a TSA whose certificate chains to another, untrusted root. */
    UNTRUSTED_CA,
    /** openssl's own rejection (status rejection, badAlg): the TSA is configured for SHA-1 only. */
    REJECTED,
    /** Waits {@link #SLOW_DELAY} before answering properly. */
    SLOW
  }

  /** How long {@link Behaviour#SLOW} waits. */
  public static final Duration SLOW_DELAY = Duration.ofSeconds(10);

  private final Path dir;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<byte[]> requests = new CopyOnWriteArrayList<>();
  private volatile Behaviour behaviour = Behaviour.GOOD;

  private OpensslTsaServer(Path dir) throws IOException {
    this.dir = dir;
    this.executor = Executors.newFixedThreadPool(4);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  /** Makes the CAs and TSA certificates in {@code dir} (with openssl) and starts serving. */
  public static OpensslTsaServer start(Path dir) throws Exception {
    Files.createDirectories(dir);
    OpensslTsaServer tsa = new OpensslTsaServer(dir);
    tsa.makeCertificates();
    tsa.server.start();
    return tsa;
  }

  /** The URL to post timestamp queries to. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tsa");
  }

  /** The PEM root certificate the good TSA chains to. */
  public Path rootCertificate() {
    return dir.resolve("root.crt");
  }

  /** The PEM root certificate of the untrusted TSA ({@link Behaviour#UNTRUSTED_CA}). */
  public Path untrustedRootCertificate() {
    return dir.resolve("other-root.crt");
  }

  /** The PEM TSA (leaf) certificate of the good TSA, which is not a root. */
  public Path tsaCertificate() {
    return dir.resolve("tsa.crt");
  }

  public OpensslTsaServer behaviour(Behaviour b) {
    this.behaviour = b;
    return this;
  }

  /** The bodies of every request received so far. */
  public List<byte[]> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] query = exchange.getRequestBody().readAllBytes();
      requests.add(query);
      Behaviour b = behaviour;
      switch (b) {
        case HTTP_500 -> send(exchange, 500, "text/plain", "the TSA is broken".getBytes(StandardCharsets.UTF_8));
        case GARBAGE -> send(exchange, 200, "application/timestamp-reply",
            "<html>this is not a timestamp</html>".getBytes(StandardCharsets.UTF_8));
        case HUGE -> send(exchange, 200, "application/timestamp-reply", new byte[2 * 1024 * 1024]);
        default -> {
          if (b == Behaviour.SLOW) {
            Thread.sleep(SLOW_DELAY.toMillis());
          }
          byte[] reply = reply(query, b);
          if (reply == null) {
            send(exchange, 500, "text/plain", "openssl did not answer".getBytes(StandardCharsets.UTF_8));
          } else {
            String type = b == Behaviour.WRONG_CONTENT_TYPE ? "text/html" : "application/timestamp-reply";
            send(exchange, 200, type, reply);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      exchange.sendResponseHeaders(500, -1);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** Runs {@code openssl ts -reply} on {@code query} (altered as {@code b} says); null when openssl wrote nothing. */
  private synchronized byte[] reply(byte[] query, Behaviour b) throws Exception {
    byte[] asked = switch (b) {
      case WRONG_NONCE, WRONG_IMPRINT -> altered(query, b);
      default -> query;
    };
    Path in = dir.resolve("query.tsq");
    Path out = dir.resolve("reply.tsr");
    Files.write(in, asked);
    Files.deleteIfExists(out);
    String prefix = b == Behaviour.UNTRUSTED_CA ? "other-" : "";
    String section = b == Behaviour.REJECTED ? "sha1_only" : "nota_tsa";
    run("ts", "-reply", "-config", "ts.cnf", "-section", section, "-queryfile", "query.tsq",
        "-signer", prefix + "tsa.crt", "-inkey", prefix + "tsa.key", "-out", "reply.tsr");
    return Files.exists(out) ? Files.readAllBytes(out) : null;
  }

  /** The same request with the nonce plus one, or with the first imprint byte flipped. */
  private static byte[] altered(byte[] query, Behaviour b) throws IOException {
    TimeStampRequest request = new TimeStampRequest(query);
    byte[] imprint = request.getMessageImprintDigest();
    BigInteger nonce = request.getNonce() == null ? BigInteger.ONE : request.getNonce();
    if (b == Behaviour.WRONG_IMPRINT) {
      imprint[0] ^= 0x01;
    } else {
      nonce = nonce.add(BigInteger.ONE);
    }
    TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
    generator.setCertReq(request.getCertReq());
    return generator.generate(request.getMessageImprintAlgOID(), imprint, nonce).getEncoded();
  }

  private void makeCertificates() throws Exception {
    Files.writeString(dir.resolve("ca.cnf"), String.join("\n",
        "[ req ]",
        "distinguished_name = dn",
        "prompt = no",
        "[ dn ]",
        "CN = unused",
        "[ v3_ca ]",
        "basicConstraints = critical,CA:true",
        "keyUsage = critical,keyCertSign,cRLSign",
        "subjectKeyIdentifier = hash",
        "[ v3_tsa ]",
        "basicConstraints = CA:false",
        "keyUsage = critical,digitalSignature",
        "extendedKeyUsage = critical,timeStamping",
        "subjectKeyIdentifier = hash",
        "authorityKeyIdentifier = keyid",
        ""));
    for (String prefix : new String[] {"", "other-"}) {
      String name = prefix.isEmpty() ? "nota test TSA" : "nota untrusted TSA";
      run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", prefix + "root.key", "-out", prefix + "root.crt", "-days", "30",
          "-subj", "/CN=" + name + " root/O=nota tests", "-config", "ca.cnf", "-extensions", "v3_ca");
      run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", prefix + "tsa.key", "-out", prefix + "tsa.csr", "-subj", "/CN=" + name + "/O=nota tests",
          "-config", "ca.cnf");
      run("x509", "-req", "-in", prefix + "tsa.csr", "-CA", prefix + "root.crt", "-CAkey", prefix + "root.key",
          "-set_serial", "2", "-days", "30", "-extfile", "ca.cnf", "-extensions", "v3_tsa",
          "-out", prefix + "tsa.crt");
    }
    Files.writeString(dir.resolve("tsaserial"), "01\n");
    List<String> config = new ArrayList<>();
    for (String section : new String[] {"nota_tsa", "sha1_only"}) {
      config.addAll(List.of(
          "[ " + section + " ]",
          "serial = " + dir.resolve("tsaserial"),
          "signer_digest = sha256",
          "default_policy = 1.2.3.4.1",
          "digests = " + (section.equals("sha1_only") ? "sha1" : "sha256, sha384, sha512"),
          "accuracy = secs:1",
          "ordering = no",
          "tsa_name = yes",
          "ess_cert_id_chain = no",
          "ess_cert_id_alg = sha256",
          ""));
    }
    Files.writeString(dir.resolve("ts.cnf"), String.join("\n", config));
  }

  private void run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("openssl " + args[0] + " did not finish");
    }
    if (p.exitValue() != 0 && !(args[0].equals("ts"))) {
      throw new UncheckedIOException(new IOException("openssl " + String.join(" ", args) + " failed: "
          + new String(output, StandardCharsets.UTF_8)));
    }
  }
}
