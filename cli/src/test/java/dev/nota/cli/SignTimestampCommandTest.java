package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.timestamp.OpensslTsaServer;
import dev.nota.core.timestamp.OpensslTsaServer.Behaviour;
import dev.nota.core.x509.Openssl;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code nota sign --timestamp-url --timestamp-root-cert} against {@code openssl ts} on 127.0.0.1: the timestamped
 * signature verifies under a policy with a {@code tsa} store even after the signing certificate expired, and every
 * way the TSA can fail stops signing with one line, its exit code, and nothing pushed.
 */
class SignTimestampCommandTest {
  @TempDir static Path tsaDir;
  private static OpensslTsaServer tsa;

  @TempDir Path home;
  private TestRegistry registry;
  private RegistryClient client;
  private Cli cli;
  private String repo;
  private Descriptor image;

  @BeforeAll
  static void startTsa() throws Exception {
    Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    tsa = OpensslTsaServer.start(tsaDir.resolve("tsa"));
  }

  @AfterAll
  static void stopTsa() {
    if (tsa != null) {
      tsa.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    tsa.behaviour(Behaviour.GOOD);
    registry = TestRegistry.builder().referrersApi(true).start();
    client = new RegistryClient(RegistryOptions.defaults());
    repo = registry.host() + "/app";
    try (Target target = client.repository(Reference.parse(repo))) {
      image = SampleImage.push(target, "v1", "timestamped");
    }
    cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--key-type", "ec-256", "--days", "2", "alice"));
  }

  @AfterEach
  void stop() throws Exception {
    tsa.behaviour(Behaviour.GOOD);
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  private String ref() {
    return repo + "@" + image.digest();
  }

  private Cli.Result signWithTimestamp(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("sign", "--timestamp-url", tsa.url().toString(),
        "--timestamp-root-cert", tsa.rootCertificate().toString()));
    args.addAll(List.of(extra));
    args.add(ref());
    return cli.run(args.toArray(String[]::new));
  }

  private List<Descriptor> referrers() throws Exception {
    try (Target target = client.repository(Reference.parse(repo))) {
      return target.referrers(image, null);
    }
  }

  /** Fails unless {@code r} exited {@code code} with one line on stderr containing {@code message}. */
  private static void failsWith(Cli.Result r, int code, String message) {
    assertEquals(code, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains(message), r::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jws", "cose"})
  void aTimestampedSignatureVerifiesWithATsaStoreEvenAfterTheCertificateExpired(String format) throws Exception {
    ok(cli.run("cert", "add", "--type", "tsa", "--store", "tsa", tsa.rootCertificate().toString()));
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
        "--trust-store", "tsa:tsa", "--trusted-identity", "*"));

    ok(signWithTimestamp("--signature-format", format));
    assertEquals(1, referrers().size());
    ok(cli.run("verify", ref()));
    Cli.Result inspected = cli.run("inspect", "-o", "json", ref());
    ok(inspected);
    assertTrue(inspected.out().contains("\"timestampSignature\""), inspected::toString);
    assertTrue(inspected.out().matches("(?s).*\"timestamp\" : \"\\[20[0-9-]+T.*, 20[0-9-]+T.*\\]\".*"),
        inspected::toString);
    Cli.Result later = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(3))).run("verify", ref());
    ok(later);

    // Without the timestamp, the same expired certificate fails.
    cli.clock(Clock.systemUTC());
    Descriptor other;
    try (Target target = client.repository(Reference.parse(repo))) {
      other = SampleImage.push(target, "v2", "not timestamped");
    }
    ok(cli.run("sign", "--signature-format", format, repo + "@" + other.digest()));
    Cli.Result unstamped = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(3)))
        .run("verify", repo + "@" + other.digest());
    assertEquals(1, unstamped.code(), unstamped::toString);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "HTTP_500      | 3 | answered HTTP 500",
    "SLOW          | 3 | did not answer within 1000 ms",
    "GARBAGE       | 1 | is not an RFC 3161 timestamp response",
    "REJECTED      | 1 | refused to timestamp: status rejection",
    "WRONG_NONCE   | 1 | the token's nonce differs",
    "WRONG_IMPRINT | 1 | the token's message imprint is not the hash nota sent",
    "UNTRUSTED_CA  | 1 | does not lead to a trusted TSA root"
  })
  void aFailingTsaStopsSigningAndNothingIsPushed(Behaviour b, int code, String message) throws Exception {
    tsa.behaviour(b);
    int before = registry.requestLog().size();
    Cli.Result r = signWithTimestamp("--timestamp-timeout", "1s");
    failsWith(r, code, "Error: timestamping failed: ");
    assertTrue(r.err().contains(message), r::toString);
    assertNothingPushedSince(before);
  }

  @Test
  void aTsaThatIsDownExitsThreeAndNothingIsPushed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    int before = registry.requestLog().size();
    Cli.Result r = cli.run("sign", "--timestamp-url", "http://127.0.0.1:" + port + "/tsa",
        "--timestamp-root-cert", tsa.rootCertificate().toString(), ref());
    failsWith(r, 3, "cannot reach the TSA at http://127.0.0.1:" + port + "/tsa");
    assertNothingPushedSince(before);
  }

  @Test
  void badTimestampFlagsAreUsageErrorsBeforeAnyRegistryRequest() throws Exception {
    Path two = home.resolve("two.pem");
    Files.writeString(two, Files.readString(tsa.rootCertificate()) + Files.readString(tsa.untrustedRootCertificate()));
    Path notACert = Files.writeString(home.resolve("junk.pem"), "not a certificate");
    String url = tsa.url().toString();
    String root = tsa.rootCertificate().toString();
    int before = registry.requestLog().size();

    failsWith(cli.run("sign", "--timestamp-url", url, ref()), 2,
        "--timestamp-url and --timestamp-root-cert must be used together");
    failsWith(cli.run("sign", "--timestamp-root-cert", root, ref()), 2,
        "--timestamp-url and --timestamp-root-cert must be used together");
    failsWith(cli.run("sign", "--timestamp-timeout", "30s", ref()), 2,
        "--timestamp-timeout needs --timestamp-url and --timestamp-root-cert");
    failsWith(cli.run("sign", "--timestamp-url", "ftp://127.0.0.1/tsa", "--timestamp-root-cert", root, ref()), 2,
        "must be an absolute http or https URL");
    failsWith(cli.run("sign", "--timestamp-url", "http://a b", "--timestamp-root-cert", root, ref()), 2,
        "is not a URL");
    failsWith(cli.run("sign", "--timestamp-url", url, "--timestamp-root-cert", two.toString(), ref()), 2,
        "must hold exactly one certificate, found 2");
    failsWith(cli.run("sign", "--timestamp-url", url, "--timestamp-root-cert", notACert.toString(), ref()), 2,
        "junk.pem");
    failsWith(cli.run("sign", "--timestamp-url", url, "--timestamp-root-cert", home.resolve("none.pem").toString(),
        ref()), 2, "none.pem");
    failsWith(cli.run("sign", "--timestamp-url", url, "--timestamp-root-cert", tsa.tsaCertificate().toString(),
        ref()), 2, "is not a root");
    failsWith(cli.run("sign", "--timestamp-url", url, "--timestamp-root-cert", root, "--timestamp-timeout", "soon",
        ref()), 2, "invalid duration \"soon\"");

    assertEquals(before, registry.requestLog().size(), () -> "registry contacted: " + registry.requestLog());
    assertEquals(List.of(), referrers());
  }

  private void assertNothingPushedSince(int before) throws Exception {
    List<String> log = registry.requestLog();
    List<String> writes = log.subList(before, log.size()).stream()
        .filter(l -> l.startsWith("PUT") || l.startsWith("POST") || l.startsWith("PATCH")).toList();
    assertEquals(List.of(), writes, "pushed although timestamping failed");
    assertEquals(List.of(), referrers());
  }
}
