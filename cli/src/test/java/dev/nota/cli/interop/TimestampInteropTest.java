package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.core.timestamp.OpensslTsaServer;
import dev.nota.core.x509.Openssl;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 3161 timestamps between nota and the real {@code notation} (v1.3.2), with {@code openssl ts -reply} as the TSA
 * on 127.0.0.1: each verifies the other's timestamped signature under a policy that lists a {@code tsa} store (so
 * the timestamp is verified, {@code verifyTimestamp} being {@code always} by default), and both refuse the same
 * signature when the {@code tsa} store holds another TSA's root.
 */
@Tag("interop")
class TimestampInteropTest {
  private static final String AREA = "Timestamping (openssl TSA)";

  @TempDir static Path tsaDir;
  private static OpensslTsaServer tsa;
  private static Path notation;

  @TempDir Path home;
  private CliAccess nota;
  private Map<String, String> env;
  private TestRegistry registry;
  private RegistryClient client;
  private String repo;

  @BeforeAll
  static void start() throws Exception {
    notation = Peers.require("notation");
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
  void setUp() throws Exception {
    nota = new CliAccess(home);
    env = Peers.environment(home, nota.config());
    registry = TestRegistry.builder().referrersApi(true).start();
    client = new RegistryClient(RegistryOptions.defaults());
    repo = registry.host() + "/app";
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"jws, rsa-3072", "cose, ec-384", "jws, ec-256", "cose, rsa-2048"})
  void eachToolVerifiesTheOthersTimestampAndBothRefuseAnUntrustedTsa(String format, String keyType)
      throws Exception {
    ok(nota.run("cert", "generate-test", "--key-type", keyType, "signer"));
    ok(nota.run("cert", "add", "--type", "tsa", "--store", "tsa", tsa.rootCertificate().toString()));
    ok(nota.run("cert", "add", "--type", "tsa", "--store", "other", tsa.untrustedRootCertificate().toString()));
    String byNota = repo + "@" + push("signed by nota " + format + " " + keyType);
    String byNotation = repo + "@" + push("signed by notation " + format + " " + keyType);
    policy("tsa");

    CrossChecks.check(AREA, "notation signs with --timestamp-url (" + format + ", " + keyType
        + "), nota verifies the timestamp against a tsa store", () -> {
      ok(notation("sign", "--insecure-registry", "--key", "signer", "--signature-format", format,
          "--timestamp-url", tsa.url().toString(), "--timestamp-root-cert", tsa.rootCertificate().toString(),
          byNotation));
      ok(nota.run("verify", byNotation));
    });

    CrossChecks.check(AREA, "nota signs with --timestamp-url (" + format + ", " + keyType
        + "), notation verifies the timestamp against a tsa store", () -> {
      ok(nota.run("sign", "--key", "signer", "--signature-format", format, "--timestamp-url", tsa.url().toString(),
          "--timestamp-root-cert", tsa.rootCertificate().toString(), byNota));
      Peers.Run verified = notation("verify", "--insecure-registry", byNota);
      ok(verified);
      assertTrue(verified.out().contains("Successfully verified signature for " + byNota), verified::toString);
    });

    policy("other");
    CrossChecks.check(AREA, "a tsa store with another TSA's root (" + format + ", " + keyType
        + "): both refuse both signatures", () -> {
      for (String ref : new String[] {byNota, byNotation}) {
        Peers.Run theirs = notation("verify", "--verbose", "--insecure-registry", ref);
        assertNotEquals(0, theirs.code(), theirs::toString);
        assertTrue((theirs.out() + theirs.err()).contains("timestamp"), theirs::toString);
        CliAccess.Result ours = nota.run("verify", ref);
        assertEquals(1, ours.code(), ours::toString);
        assertTrue(ours.err().contains("authenticTimestamp"), ours::toString);
      }
    });
  }

  private String push(String content) throws Exception {
    try (Target target = client.repository(Reference.parse(repo))) {
      return CliAccess.pushSampleImage(target, null, content).digest().toString();
    }
  }

  private void policy(String tsaStore) {
    ok(nota.run("policy", "init", "--force", "--name", "timestamps", "--scope", repo, "--trust-store", "ca:signer",
        "--trust-store", "tsa:" + tsaStore, "--trusted-identity", "*"));
  }

  private Peers.Run notation(String... args) throws Exception {
    return Peers.run(notation, env, args);
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  private static Peers.Run ok(Peers.Run r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }
}
