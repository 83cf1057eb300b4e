package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.cli.Nota;
import dev.nota.cli.interop.CrossChecks;
import dev.nota.cli.interop.PeerRegistry;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Reference;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryException;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.RegistryTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a real registry (distribution 2.8 unless said) or the network can fail a command, as one table: each row
 * must end in exit code 3 and one clear line on stderr that names the registry and what it answered. Where the
 * registry cannot be made to answer a status through nota's own commands (nota never pushes an invalid manifest), the
 * row pushes through the oci library and checks the exit code nota maps that exception to.
 */
@Tag("real")
class RegistryErrorsTest {
  private static final String AREA = "Registry errors (distribution 2.8)";
  private static final String PASSWORD = "s3cret";

  @TempDir static Path work;
  private static Distribution open;
  private static Distribution authenticated;
  private static Distribution broken;
  private static RegistryClient client;
  private static CliAccess nota;
  /** {@code <open>/app@<digest>} of a pushed image. */
  private static String image;

  /** One row: a name, what the message must say, and the command (or library call) that fails. */
  record Row(String name, String says, Attempt attempt) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Runs the failing command; returns its result and the fragments its one stderr line must contain. */
  @FunctionalInterface
  interface Attempt {
    Outcome run() throws Exception;
  }

  record Outcome(CliAccess.Result result, List<String> fragments) {}

  @BeforeAll
  static void start() throws Exception {
    open = Distribution.start(Files.createDirectories(work.resolve("open")));
    authenticated = Distribution.start(Files.createDirectories(work.resolve("auth")), "alice:" + PASSWORD);
    // A storage root below a regular file: every storage access fails, and distribution answers 500.
    Path file = Files.writeString(work.resolve("not-a-directory"), "x");
    broken = Distribution.startWithStorage(Files.createDirectories(work.resolve("broken")), file.resolve("storage"));
    client = new RegistryClient(RegistryOptions.defaults().withMaxRetries(1));
    nota = new CliAccess(work.resolve("home"));
    assertEquals(0, nota.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice").code());
    assertEquals(0, nota.run("policy", "init", "--force", "--name", "p", "--scope", "*", "--trust-store",
        "ca:alice", "--trusted-identity", "*").code());
    try (RegistryTarget t = client.repository(Reference.parse(open.host() + "/app"))) {
      image = open.host() + "/app@" + CliAccess.pushSampleImage(t, "v1", "errors").digest();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    for (Distribution d : new Distribution[] {broken, authenticated, open}) {
      if (d != null) {
        d.close();
      }
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("401 wrong password (htpasswd)", "authentication failed, credentials refused", () -> {
          Descriptor pushed;
          try (RegistryClient alice = new RegistryClient(RegistryOptions.defaults()
              .withCredentials(new dev.nota.oci.registry.StaticCredentials("alice", PASSWORD)));
              RegistryTarget t = alice.repository(Reference.parse(authenticated.host() + "/private"))) {
            pushed = CliAccess.pushSampleImage(t, "v1", "private");
          }
          CliAccess.Result r = nota.stdin("wrong-password\n")
              .run("ls", "-u", "alice", "--password-stdin", authenticated.host() + "/private@" + pushed.digest());
          nota.stdin("");
          assertFalse(r.err().contains("wrong-password"), r::toString);
          return new Outcome(r, List.of("authentication to " + authenticated.host() + " failed: 401 UNAUTHORIZED",
              "the registry refused the credentials"));
        }),
        new Row("403 push to a read-only registry (olareg --store-ro)", "denied access: 403", () -> {
          // distribution 2.8 answers 401 even for a token lacking push access; olareg (a real registry, built by
          // build-peers.sh) answers 403 to every write when its store is read-only.
          Path root = Files.createDirectories(work.resolve("readonly"));
          Descriptor pushed;
          try (LayoutTarget layout = LayoutTarget.open(root.resolve("app"))) {
            pushed = CliAccess.pushSampleImage(layout, "v1", "read only");
          }
          try (PeerRegistry readOnly = PeerRegistry.olareg(work.resolve("olareg"), "--store-type", "dir",
              "--dir", root.toString(), "--store-ro")) {
            String host = readOnly.host();
            CliAccess.Result r = nota.run("sign", host + "/app@" + pushed.digest());
            return new Outcome(r, List.of(host + " denied access: 403"));
          }
        }),
        new Row("404 name unknown (no such repository)", "NAME_UNKNOWN, repository name not known", () -> {
          CliAccess.Result r = nota.run("ls", open.host() + "/does-not-exist:v1");
          return new Outcome(r, List.of("resolving v1 in " + open.host() + "/does-not-exist",
              open.host() + " answered 404 NAME_UNKNOWN: repository name not known to registry"));
        }),
        new Row("404 manifest unknown (no such tag)", "MANIFEST_UNKNOWN", () -> {
          CliAccess.Result r = nota.run("verify", open.host() + "/app:no-such-tag");
          return new Outcome(r, List.of("resolving no-such-tag in " + open.host() + "/app",
              open.host() + " answered 404 MANIFEST_UNKNOWN: manifest unknown"));
        }),
        new Row("400 manifest blob unknown (referrers index lists a deleted signature)",
            "MANIFEST_BLOB_UNKNOWN while pushing the referrers index", () -> {
          // Another client deleted a signature manifest but left the sha256-<hex> index listing it; distribution
          // 2.8 refuses any index listing a manifest it does not have, so the next signer's index PUT is refused.
          Descriptor subject;
          Index index;
          try (RegistryTarget t = client.repository(Reference.parse(open.host() + "/stale"))) {
            subject = CliAccess.pushSampleImage(t, null, "stale index");
            String ref = open.host() + "/stale@" + subject.digest();
            assertEquals(0, nota.run("sign", ref).code());
            index = OciJson.parseIndex(t.fetchManifest(subject.digest().referrersTag()).bytes());
          }
          deleteManifestOnly(open.host() + "/stale", index.manifests().get(0));
          CliAccess.Result r = nota.run("sign", open.host() + "/stale@" + subject.digest());
          return new Outcome(r, List.of("to the referrers tag index " + subject.digest().referrersTag(),
              open.host() + " answered 400 MANIFEST_BLOB_UNKNOWN: blob unknown to registry (" + index.manifests()
                  .get(0).digest() + ")"));
        }),
        new Row("400 manifest invalid (library: OCI index sent as a Docker manifest list)",
            "MANIFEST_INVALID; RegistryException maps to exit 3", () -> {
          // nota's commands never push an invalid manifest (sizes are capped and blobs pushed first), so this row
          // pushes through the oci library and asks nota which exit code that exception gets.
          byte[] index = OciJson.write(Index.of(List.of()));
          RegistryException e;
          try (RegistryTarget t = client.repository(Reference.parse(open.host() + "/invalid"))) {
            e = assertThrows(RegistryException.class,
                () -> t.pushManifest(MediaTypes.DOCKER_MANIFEST_LIST, index, "v1"));
          }
          assertEquals(400, e.status(), e::getMessage);
          CliAccess.Result r = new CliAccess.Result(CliAccess.exitCode(e), "", "Error: " + e.getMessage() + "\n");
          return new Outcome(r, List.of("pushing manifest to " + open.host() + "/invalid:v1",
              open.host() + " answered 400 MANIFEST_INVALID: manifest invalid"));
        }),
        new Row("500 while resolving (storage root below a regular file)", "answered 500 Internal Server Error", () -> {
          CliAccess.Result r = nota.run("sign", broken.host() + "/app:v1");
          return new Outcome(r, List.of(broken.host() + " answered 500 Internal Server Error"));
        }),
        new Row("500 while pushing (the repository's upload directory is unusable)",
            "answered 500 Internal Server Error while pushing the signature", () -> {
          Descriptor pushed;
          try (RegistryTarget t = client.repository(Reference.parse(open.host() + "/frozen"))) {
            pushed = CliAccess.pushSampleImage(t, "v1", "frozen");
          }
          // Reads still work, but every new blob upload fails to create its directory.
          Path uploads = work.resolve("open/storage/docker/registry/v2/repositories/frozen/_uploads");
          deleteTree(uploads);
          Files.writeString(uploads, "not a directory");
          CliAccess.Result r = nota.run("sign", open.host() + "/frozen@" + pushed.digest());
          return new Outcome(r, List.of("pushing blob ", " to " + open.host() + "/frozen: ",
              open.host() + " answered 500 Internal Server Error (UNKNOWN: unknown error)"));
        }),
        new Row("connection refused (closed port)", "registry <host> refused the connection", () -> {
          String host = "127.0.0.1:" + closedPort();
          CliAccess.Result r = nota.run("ls", host + "/app:v1");
          return new Outcome(r, List.of("registry " + host + " refused the connection"));
        }),
        new Row("DNS failure (.invalid host)", "cannot resolve host", () -> {
          CliAccess.Result r = nota.run("ls", "registry.invalid/app:v1");
          return new Outcome(r, List.of("cannot resolve host registry.invalid"));
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void eachRegistryErrorIsOneClearLineWithExitCode3(Row row) throws Exception {
    CrossChecks.check(AREA, row.name() + ": exit 3, message says " + row.says(), () -> {
      long start = System.nanoTime();
      Outcome outcome = row.attempt().run();
      CliAccess.Result r = outcome.result();
      assertEquals(3, r.code(), r::toString);
      String err = r.err().strip();
      assertEquals(1, err.lines().count(), r::toString);
      assertTrue(err.startsWith("Error: "), r::toString);
      assertFalse(err.contains("Exception") || err.contains("okhttp") || err.contains("java."), r::toString);
      for (String fragment : outcome.fragments()) {
        assertTrue(err.contains(fragment), () -> "expected \"" + fragment + "\" in\n" + r);
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 20_000, row.name() + " took " + ms + " ms");
    });
  }

  /** A plain DELETE of one manifest, as another client would do it, leaving every index that lists it alone. */
  private static void deleteManifestOnly(String repository, Descriptor manifest) throws Exception {
    int slash = repository.indexOf('/');
    URI uri = URI.create("http://" + repository.substring(0, slash) + "/v2/" + repository.substring(slash + 1)
        + "/manifests/" + manifest.digest());
    HttpResponse<String> r = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r::body);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
