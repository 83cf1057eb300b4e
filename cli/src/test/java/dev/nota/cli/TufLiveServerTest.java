package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nota tuf} against Debian's real notary-server configured for token auth ({@code auth.type = token}), as
 * notary servers are deployed behind a registry's token service. The token service is a small one of this test: it
 * checks a Basic username and password and issues ES256 JWTs whose {@code x5c} certificate is the one notary-server
 * trusts through its {@code rootcertbundle}. The trust data is published with the real notary client, authenticated
 * through the same token service. A second GUN has a delegation whose certificate is valid for one day only, to
 * show that nota stops counting its key once the certificate has expired.
 */
@Tag("real")
class TufLiveServerTest {
  static final String GUN = "registry.example.com/acme/authed";
  static final String SHORT_GUN = "registry.example.com/acme/shortlived";
  static final String USER = "alice";
  static final String PASSWORD = "s3cret-fixture";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  @TempDir Path home;

  static HttpServer tokenService;
  static final List<String> tokenRequests = new CopyOnWriteArrayList<>();
  static Process notaryServer;
  static URI server;
  static String v1Digest;
  static String shortKeyId;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/notary-server")) || !Files.isExecutable(Path.of("/usr/bin/notary"))) {
      if ("true".equals(System.getenv("CI"))) {
        fail("notary is not installed (apt-get install notary)");
      }
      Assumptions.abort("notary is not installed");
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Instant now = Instant.now();
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=nota test token signer"), BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=nota test token signer"), kp.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Path bundle = work.resolve("token-roots.pem");
    Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    tokenService = tokenService(cert, (ECPrivateKey) kp.getPrivate());

    int port = freePort();
    server = URI.create("http://127.0.0.1:" + port);
    Path config = work.resolve("server.json");
    Files.writeString(config, "{\"server\":{\"http_addr\":\"127.0.0.1:" + port + "\"},"
        + "\"trust_service\":{\"type\":\"local\"},\"storage\":{\"backend\":\"memory\"},"
        + "\"logging\":{\"level\":\"info\"},"
        + "\"auth\":{\"type\":\"token\",\"options\":{\"realm\":\"http://127.0.0.1:"
        + tokenService.getAddress().getPort() + "/token\",\"service\":\"notary-test\",\"issuer\":\"nota-test\","
        + "\"rootcertbundle\":\"" + bundle + "\"}}}");
    notaryServer = new ProcessBuilder("/usr/bin/notary-server", "-config", config.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
    waitForHealth();

    // publish v1 with the real notary client, through the token service
    Path payload = work.resolve("v1.json");
    Files.writeString(payload, "{\"schemaVersion\":2,\"fixture\":\"token-auth\"}\n");
    v1Digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(payload)));
    notary("init", "-p", GUN);
    notary("add", "-p", GUN, "v1", payload.toString());

    // a delegation whose certificate is valid for one day (notary accepts it while it is valid)
    Path key = work.resolve("short.key");
    Path crt = work.resolve("short.crt");
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
    run("openssl", "req", "-new", "-x509", "-key", key.toString(), "-out", crt.toString(), "-days", "1",
        "-subj", "/CN=short-lived", "-sha256");
    notary("init", "-p", SHORT_GUN);
    notary("delegation", "add", "-p", SHORT_GUN, "targets/releases", crt.toString(), "--all-paths");
    notary("key", "import", key.toString(), "--role", "targets/releases");
    notary("add", "-p", SHORT_GUN, "v2", payload.toString(), "--roles", "targets/releases");
    JsonNode targets = JSON.readTree(work.resolve("publisher/tuf/" + SHORT_GUN + "/metadata/targets.json")
        .toFile());
    shortKeyId = targets.path("signed").path("delegations").path("roles").get(0).path("keyids").get(0).asText();
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
      fail(String.join(" ", cmd) + ": " + out);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (notaryServer != null) {
      notaryServer.destroy();
      notaryServer.waitFor(10, TimeUnit.SECONDS);
    }
    if (tokenService != null) {
      tokenService.stop(0);
    }
  }

  /** Basic user:password in, an ES256 JWT out, granting what the scopes ask on the named repository. */
  static HttpServer tokenService(X509Certificate cert, ECPrivateKey key) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    s.createContext("/token", exchange -> {
      try {
        String query = exchange.getRequestURI().getRawQuery();
        tokenRequests.add(URLDecoder.decode(query == null ? "" : query, StandardCharsets.UTF_8));
        byte[] body;
        int status;
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          status = 401;
          body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8);
        } else {
          String service = null;
          List<Map<String, Object>> access = new ArrayList<>();
          for (String p : query.split("&")) {
            String[] kv = p.split("=", 2);
            String v = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            if (kv[0].equals("service")) {
              service = v;
            } else if (kv[0].equals("scope")) {
              String[] parts = v.split(":");
              access.add(Map.of("type", parts[0], "name", parts[1], "actions", List.of(parts[2].split(","))));
            }
          }
          Instant now = Instant.now();
          JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("nota-test").subject(USER).audience(service)
              .expirationTime(Date.from(now.plusSeconds(300))).notBeforeTime(Date.from(now.minusSeconds(10)))
              .issueTime(Date.from(now)).jwtID(UUID.randomUUID().toString()).claim("access", access).build();
          JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
              .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(cert.getEncoded()))).build();
          SignedJWT jwt = new SignedJWT(header, claims);
          jwt.sign(new ECDSASigner(key));
          status = 200;
          body = JSON.writeValueAsBytes(Map.of("token", jwt.serialize(), "expires_in", 300));
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (Exception e) {
        exchange.sendResponseHeaders(500, -1);
        exchange.close();
      }
    });
    s.start();
    return s;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void waitForHealth() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      if (!notaryServer.isAlive()) {
        fail("notary-server exited: " + Files.readString(work.resolve("server.log")));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(server.resolve("/_notary_server/health")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("notary-server did not become healthy: " + Files.readString(work.resolve("server.log")));
  }

  /** Runs the real notary client against the server, authenticated as the test user. */
  static void notary(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/notary", "-s", server.toString(), "-d",
        work.resolve("publisher").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("NOTARY_ROOT_PASSPHRASE", "root-pass-fixture");
    env.put("NOTARY_TARGETS_PASSPHRASE", "targets-pass-fixture");
    env.put("NOTARY_SNAPSHOT_PASSPHRASE", "snapshot-pass-fixture");
    env.put("NOTARY_DELEGATION_PASSPHRASE", "delegation-pass-fixture");
    env.put("NOTARY_AUTH", Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
        .getBytes(StandardCharsets.UTF_8)));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      fail("notary " + String.join(" ", args) + ": " + out);
    }
  }

  static JsonNode tags(Cli.Result r) throws Exception {
    assertEquals(0, r.code(), r.toString());
    return JSON.readTree(r.out()).get("tags");
  }

  @Test
  void theUsernameAndPasswordFromStdinBuyATokenForThePullScopeOfTheGun() throws Exception {
    tokenRequests.clear();
    Cli.Result r = new Cli(home).stdin(PASSWORD + "\n").run("tuf", "list", GUN, "--server", server.toString(),
        "-u", USER, "--password-stdin", "-o", "json");
    JsonNode tags = tags(r);
    assertEquals(1, tags.size(), r.toString());
    assertEquals("v1", tags.get(0).get("name").asText());
    assertEquals(v1Digest, tags.get(0).get("digest").asText());
    assertTrue(tokenRequests.stream().anyMatch(q -> q.contains("scope=repository:" + GUN + ":pull")
        && q.contains("service=notary-test")), tokenRequests.toString());
  }

  @Test
  void credentialsDockerKeepsForTheImagesRegistryAreUsed() throws Exception {
    Path docker = home.resolve("docker");
    Files.createDirectories(docker);
    Files.writeString(docker.resolve("config.json"), "{\"auths\":{\"registry.example.com\":{\"auth\":\""
        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    Cli.Result r = new Cli(home).run("tuf", "verify", GUN + ":v1", "--server", server.toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(v1Digest, r.out().strip());
  }

  @Test
  void aWrongPasswordExitsThreeWithOneLine() throws Exception {
    Cli.Result r = new Cli(home).stdin("wrong\n").run("tuf", "list", GUN, "--server", server.toString(),
        "-u", USER, "--password-stdin");
    assertEquals(3, r.code(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("Error: root: GET " + server + "/v2/" + GUN + "/_trust/tuf/root.json: "
        + "authentication to 127.0.0.1:" + server.getPort() + " failed: 401 UNAUTHORIZED from token service"),
        r.err());
    assertEquals("", r.out());
  }

  @Test
  void noCredentialsExitsThreeAndSaysSo() throws Exception {
    Cli.Result r = new Cli(home).run("tuf", "list", GUN, "--server", server.toString());
    assertEquals(3, r.code(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("failed: 401 UNAUTHORIZED from token service 127.0.0.1 (no credentials "
        + "configured for 127.0.0.1:" + server.getPort() + ")"), r.err());
  }

  @Test
  void aUsernameWithoutPasswordStdinOrWithATrustDirIsAUsageError() throws Exception {
    Cli cli = new Cli(home);
    Cli.Result r = cli.run("tuf", "list", GUN, "--server", server.toString(), "-u", USER);
    assertEquals(2, r.code(), r.toString());
    assertEquals("Error: --username needs --password-stdin (nota never takes a password as an argument)",
        r.err().strip());
    r = cli.stdin(PASSWORD).run("tuf", "list", GUN, "--trust-dir", home.toString(), "-u", USER, "--password-stdin");
    assertEquals(2, r.code(), r.toString());
    assertEquals("Error: --username and --password-stdin are for --server", r.err().strip());
    r = cli.stdin("").run("tuf", "list", GUN, "--server", server.toString(), "-u", USER, "--password-stdin");
    assertEquals(2, r.code(), r.toString());
    assertEquals("Error: --password-stdin: the password is empty (nothing on standard input)", r.err().strip());
  }

  @Test
  void aDelegationWhoseCertificateHasExpiredNoLongerSignsItsTags() throws Exception {
    Cli cli = new Cli(home).stdin(PASSWORD);
    Cli.Result r = cli.run("tuf", "list", SHORT_GUN, "--server", server.toString(), "-u", USER, "--password-stdin",
        "-o", "json");
    JsonNode tags = tags(r);
    assertEquals("v2", tags.get(0).get("name").asText());
    assertEquals("targets/releases", tags.get(0).get("role").asText());
    // two days later the metadata is still valid (the timestamp lives 14 days), the certificate is not
    String later = Instant.now().plus(Duration.ofDays(2)).toString();
    r = cli.stdin(PASSWORD).run("tuf", "verify", SHORT_GUN + ":v2", "--server", server.toString(), "-u", USER,
        "--password-stdin", "--at", later);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("Error: targets: no trusted signature for tag \"v2\" in " + SHORT_GUN
        + " (looked in targets/releases, then targets); targets/releases: valid signatures from 0 distinct key(s) "
        + "do not meet the threshold 1 (key " + shortKeyId + " not counted: its certificate expired at "), r.err());
    assertTrue(r.err().strip().endsWith("); role ignored"), r.err());
  }
}
