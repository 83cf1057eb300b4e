package dev.nota.core.revocation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PKI for revocation tests: a root CA and an intermediate CA run by {@code openssl ca} (so they revoke on
 * demand), an OCSP responder that is {@code openssl ocsp -index … -reqin/-respout -ndays 1} run once per request
 * behind an HTTP handler on 127.0.0.1, and CRLs made by {@code openssl ca -gencrl} served over HTTP. OCSP and CRLs are
 * served by two separate servers so that "the responder is down" is a real closed port. It can also misbehave the ways
 * a checker must survive. Close it to stop both servers.
 */
public final class OpensslPki implements AutoCloseable {
  /** How the OCSP server answers. */
  public enum OcspMode {
    /** openssl's answer to the request. */
    NORMAL,
    /** openssl's answer about another certificate (another serial, no nonce). */
    OTHER_CERTIFICATE,
    /** 30 KiB of bytes, more than notation's 20 KiB limit. */
    OVERSIZED,
    /** openssl's answer, after {@link #SLOW_DELAY}. */
    SLOW
  }

  /** How long {@link OcspMode#SLOW} waits before answering. */
  public static final java.time.Duration SLOW_DELAY = java.time.Duration.ofSeconds(5);

  /** A certificate issued here, with its PEM file. */
  public record Issued(X509Certificate certificate, Path pem, Path key) {}

  private final Path dir;
  private final HttpServer ocspServer;
  private final HttpServer crlServer;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final AtomicInteger ocspRequests = new AtomicInteger();
  private final AtomicInteger crlRequests = new AtomicInteger();
  private final Map<String, byte[]> crlOverrides = new ConcurrentHashMap<>();
  private volatile OcspMode ocspMode = OcspMode.NORMAL;
  private volatile boolean ocspStopped;
  private volatile Issued interResponder;
  private volatile boolean embedCaCertificate;
  private Issued root;
  private Issued intermediate;

  private OpensslPki(Path dir) throws IOException {
    this.dir = dir;
    InetAddress loopback = InetAddress.getLoopbackAddress();
    this.ocspServer = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
    this.crlServer = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
    ocspServer.createContext("/", this::ocsp);
    crlServer.createContext("/", this::crl);
    ocspServer.setExecutor(executor);
    crlServer.setExecutor(executor);
  }

  /** Makes the root and intermediate CAs in {@code dir}, their first CRLs, and starts both servers. */
  public static OpensslPki start(Path dir) throws Exception {
    Files.createDirectories(dir);
    OpensslPki pki = new OpensslPki(dir);
    pki.ocspServer.start();
    pki.crlServer.start();
    pki.makeCas();
    return pki;
  }

  public Issued root() {
    return root;
  }

  public Issued intermediate() {
    return intermediate;
  }

  public String ocspUrl(String ca) {
    return "http://127.0.0.1:" + ocspServer.getAddress().getPort() + "/" + ca;
  }

  public String crlUrl(String ca) {
    return "http://127.0.0.1:" + crlServer.getAddress().getPort() + "/" + ca + ".crl";
  }

  public int ocspRequests() {
    return ocspRequests.get();
  }

  public int crlRequests() {
    return crlRequests.get();
  }

  public void ocspMode(OcspMode mode) {
    this.ocspMode = mode;
  }

  /** Stops the OCSP server: its port is closed from now on (the CRL server keeps running). */
  public void stopOcsp() {
    if (!ocspStopped) {
      ocspStopped = true;
      ocspServer.stop(0);
    }
  }

  /**
   * Issues a responder certificate from the intermediate CA ({@code ocspSigning}: with id-kp-OCSPSigning or without
   * any EKU) and has the intermediate's responder sign with it from now on.
   */
  public Issued delegateOcsp(String name, boolean ocspSigning) throws Exception {
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        + (ocspSigning ? "extendedKeyUsage=OCSPSigning\n" : ""));
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path pem = dir.resolve(name + ".pem");
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
        "-subj", "/C=US/ST=WA/O=nota tests/CN=" + name);
    run("ca", "-config", config("inter").toString(), "-batch", "-notext", "-days", "365", "-in", csr.toString(),
        "-out", pem.toString(), "-extfile", ext.toString());
    Issued responder = new Issued(read(pem), pem, key);
    interResponder = responder;
    return responder;
  }

  /**
   * Whether responses the CA signs itself also carry the CA's certificate (openssl's default). Off by default: Go's
   * OCSP parser, and so notation, then demands that the issuer signed that embedded certificate, which fails for the
   * issuer's own certificate ("bad OCSP signature"), so a responder working with notation omits it.
   */
  public void embedCaCertificate(boolean embed) {
    this.embedCaCertificate = embed;
  }

  /** Serves {@code bytes} instead of the real CRL of {@code ca}; null restores it. */
  public void overrideCrl(String ca, byte[] bytes) {
    if (bytes == null) {
      crlOverrides.remove(ca);
    } else {
      crlOverrides.put(ca, bytes);
    }
  }

  /** The DER bytes of the current CRL of {@code ca} ("root" or "inter"). */
  public byte[] crl(String ca) throws IOException {
    return Files.readAllBytes(dir.resolve(ca).resolve("crl.der"));
  }

  /**
   * Issues a code-signing leaf from the intermediate CA. {@code ocsp} and {@code crl} say which revocation locations
   * it names; {@code inDatabase} false signs it outside {@code openssl ca}, so the responder does not know it.
   */
  public Issued leaf(String name, boolean ocsp, boolean crl, boolean inDatabase) throws Exception {
    Path ext = dir.resolve(name + ".ext");
    StringBuilder s = new StringBuilder("basicConstraints=critical,CA:FALSE\n"
        + "keyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n");
    if (ocsp) {
      s.append("authorityInfoAccess=OCSP;URI:").append(ocspUrl("inter")).append('\n');
    }
    if (crl) {
      s.append("crlDistributionPoints=URI:").append(crlUrl("inter")).append('\n');
    }
    Files.writeString(ext, s.toString());
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path pem = dir.resolve(name + ".pem");
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
        "-subj", "/C=US/ST=WA/O=nota tests/CN=" + name);
    if (inDatabase) {
      run("ca", "-config", config("inter").toString(), "-batch", "-notext", "-days", "365", "-in", csr.toString(),
          "-out", pem.toString(), "-extfile", ext.toString());
    } else {
      run("x509", "-req", "-in", csr.toString(), "-CA", intermediate.pem().toString(), "-CAkey",
          intermediate.key().toString(), "-set_serial", "0x7e57", "-days", "365", "-out", pem.toString(), "-extfile",
          ext.toString());
    }
    return new Issued(read(pem), pem, key);
  }

  /** Revokes {@code cert} at the CA that issued it ("root" or "inter") and publishes a new CRL. */
  public void revoke(String ca, Issued cert) throws Exception {
    run("ca", "-config", config(ca).toString(), "-revoke", cert.pem().toString(), "-crl_reason", "keyCompromise");
    gencrl(ca, null, null);
  }

  /** Publishes a CRL of {@code ca} whose lastUpdate/nextUpdate are the given times (YYYYMMDDHHMMSSZ), or default. */
  public void gencrl(String ca, String lastUpdate, String nextUpdate) throws Exception {
    Path pem = dir.resolve(ca).resolve("crl.pem");
    List<String> args = new ArrayList<>(List.of("ca", "-config", config(ca).toString(), "-gencrl", "-crldays", "1",
        "-out", pem.toString()));
    if (lastUpdate != null) {
      args.addAll(List.of("-crl_lastupdate", lastUpdate, "-crl_nextupdate", nextUpdate));
    }
    run(args.toArray(String[]::new));
    run("crl", "-in", pem.toString(), "-outform", "DER", "-out", dir.resolve(ca).resolve("crl.der").toString());
  }

  /** The chain leaf → intermediate → root. */
  public List<X509Certificate> chain(Issued leaf) {
    return List.of(leaf.certificate(), intermediate.certificate(), root.certificate());
  }

  /** The chain as one PEM file (leaf first). */
  public Path chainPem(Issued leaf) throws IOException {
    Path p = dir.resolve(leaf.pem().getFileName() + ".chain.pem");
    Files.writeString(p, Files.readString(leaf.pem()) + Files.readString(intermediate.pem())
        + Files.readString(root.pem()));
    return p;
  }

  @Override
  public void close() {
    stopOcsp();
    crlServer.stop(0);
    executor.shutdownNow();
  }

  private void makeCas() throws Exception {
    for (String ca : List.of("root", "inter")) {
      Path d = Files.createDirectories(dir.resolve(ca).resolve("certs"));
      Files.writeString(d.getParent().resolve("index.txt"), "");
      Files.writeString(d.getParent().resolve("serial"), ca.equals("root") ? "1000\n" : "2000\n");
      Files.writeString(d.getParent().resolve("crlnumber"), "1000\n");
      Files.writeString(config(ca), "[ca]\ndefault_ca=CA_default\n[CA_default]\ndir=" + d.getParent() + "\n"
          + "database=$dir/index.txt\nnew_certs_dir=$dir/certs\nserial=$dir/serial\ncrlnumber=$dir/crlnumber\n"
          + "certificate=$dir/ca.pem\nprivate_key=$dir/ca.key\ndefault_md=sha256\ndefault_days=365\n"
          + "default_crl_days=1\npolicy=policy_any\nunique_subject=no\ncopy_extensions=none\n"
          + "[policy_any]\ncountryName=optional\nstateOrProvinceName=optional\norganizationName=optional\n"
          + "commonName=supplied\n");
    }
    Path rootDir = dir.resolve("root");
    run("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", rootDir.resolve("ca.key").toString(),
        "-out", rootDir.resolve("ca.pem").toString(), "-days", "3650", "-subj", "/C=US/ST=WA/O=nota tests/CN=Test Root",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    root = new Issued(read(rootDir.resolve("ca.pem")), rootDir.resolve("ca.pem"), rootDir.resolve("ca.key"));

    Path interDir = dir.resolve("inter");
    Path ext = dir.resolve("inter.ext");
    Files.writeString(ext, "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
        + "authorityInfoAccess=OCSP;URI:" + ocspUrl("root") + "\ncrlDistributionPoints=URI:" + crlUrl("root") + "\n");
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", interDir.resolve("ca.key").toString(),
        "-out", dir.resolve("inter.csr").toString(), "-subj", "/C=US/ST=WA/O=nota tests/CN=Test Intermediate");
    run("ca", "-config", config("root").toString(), "-batch", "-notext", "-days", "3000", "-in",
        dir.resolve("inter.csr").toString(), "-out", interDir.resolve("ca.pem").toString(), "-extfile", ext.toString());
    intermediate = new Issued(read(interDir.resolve("ca.pem")), interDir.resolve("ca.pem"), interDir.resolve("ca.key"));
    gencrl("root", null, null);
    gencrl("inter", null, null);
  }

  private Path config(String ca) {
    return dir.resolve(ca).resolve("ca.cnf");
  }

  private void ocsp(HttpExchange x) throws IOException {
    try (x) {
      ocspRequests.incrementAndGet();
      // POST /<ca> with the DER request, or GET /<ca>/<base64 request> (RFC 6960 A.1; notation's choice for short
      // requests).
      String path = x.getRequestURI().getPath().substring(1);
      int slash = path.indexOf('/');
      String ca = slash < 0 ? path : path.substring(0, slash);
      byte[] request = x.getRequestBody().readAllBytes();
      if ("GET".equals(x.getRequestMethod()) && slash > 0) {
        request = java.util.Base64.getDecoder().decode(path.substring(slash + 1));
      } else if (!"POST".equals(x.getRequestMethod())) {
        ca = "";
      }
      if (!(ca.equals("root") || ca.equals("inter"))) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      OcspMode mode = ocspMode;
      if (mode == OcspMode.SLOW) {
        Thread.sleep(SLOW_DELAY.toMillis());
      }
      byte[] answer;
      if (mode == OcspMode.OVERSIZED) {
        answer = new byte[30 * 1024];
      } else {
        Path req = Files.createTempFile(dir, "ocsp-req-", ".der");
        Path resp = Files.createTempFile(dir, "ocsp-resp-", ".der");
        if (mode == OcspMode.OTHER_CERTIFICATE) {
          run("ocsp", "-issuer", dir.resolve(ca).resolve("ca.pem").toString(), "-serial", "0x1234", "-no_nonce",
              "-reqout", req.toString());
        } else {
          Files.write(req, request);
        }
        Path caDir = dir.resolve(ca);
        Issued delegate = ca.equals("inter") ? interResponder : null;
        Path signer = delegate == null ? caDir.resolve("ca.pem") : delegate.pem();
        Path signerKey = delegate == null ? caDir.resolve("ca.key") : delegate.key();
        run("ocsp", "-index", caDir.resolve("index.txt").toString(), "-CA", caDir.resolve("ca.pem").toString(),
            "-rsigner", signer.toString(), "-rkey", signerKey.toString(),
            "-reqin", req.toString(), "-respout", resp.toString(), "-ndays", "1",
            delegate == null && !embedCaCertificate ? "-resp_no_certs" : "-resp_key_id");
        answer = Files.readAllBytes(resp);
        Files.deleteIfExists(req);
        Files.deleteIfExists(resp);
      }
      x.getResponseHeaders().set("Content-Type", "application/ocsp-response");
      x.sendResponseHeaders(200, answer.length);
      x.getResponseBody().write(answer);
    } catch (Exception e) {
      x.sendResponseHeaders(500, -1);
    }
  }

  private void crl(HttpExchange x) throws IOException {
    try (x) {
      crlRequests.incrementAndGet();
      String path = x.getRequestURI().getPath();
      String ca = path.endsWith(".crl") ? path.substring(1, path.length() - 4) : "";
      byte[] body = crlOverrides.get(ca);
      if (body == null && (ca.equals("root") || ca.equals("inter"))) {
        body = crl(ca);
      }
      if (body == null) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      x.getResponseHeaders().set("Content-Type", "application/pkix-crl");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
    }
  }

  private static X509Certificate read(Path pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
  }

  /** Runs openssl; fails with its output on a non-zero exit. */
  static String run(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("openssl " + args[0] + " timed out");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
