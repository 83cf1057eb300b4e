package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code trustpolicy.nota.json} sits beside notation's {@code trustpolicy.json} without disturbing notation 1.3.2:
 * pointed at the same configuration directory, notation still validates, shows and verifies with its own file, while
 * nota applies the stricter requirement.
 */
@Tag("interop")
class RequirementsInteropTest {
  private static final String AREA = "notation 1.3.2 with trustpolicy.nota.json present";

  @TempDir Path home;
  private TestRegistry registry;
  private RegistryClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void notationKeepsItsOwnPolicyWhileNotaDemandsBothSigners(boolean referrersApi) throws Exception {
    Path notation = Peers.require("notation");
    CliAccess nota = new CliAccess(home);
    Map<String, String> env = Peers.environment(home, nota.config());
    ok(nota.run("cert", "generate-test", "--key-type", "ec-256", "vendor"));
    ok(nota.run("cert", "generate-test", "--key-type", "ec-256", "org"));
    registry = TestRegistry.builder().referrersApi(referrersApi).start();
    client = new RegistryClient(RegistryOptions.defaults());
    String repo = registry.host() + "/app";
    String ref;
    try (Target target = client.repository(Reference.parse(repo))) {
      ref = repo + "@" + CliAccess.pushSampleImage(target, null, "requirements interop").digest();
    }
    ok(nota.run("policy", "init", "--name", "notation-vendor", "--scope", repo, "--trust-store", "ca:vendor",
        "--trusted-identity", "*"));
    Files.writeString(nota.config().resolve("trustpolicy.nota.json"), "{\"version\":\"1.0\",\"trustPolicies\":["
        + "{\"name\":\"vendor\",\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:vendor\"],"
        + "\"trustedIdentities\":[\"*\"]},"
        + "{\"name\":\"org\",\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:org\"],"
        + "\"trustedIdentities\":[\"*\"]}],"
        + "\"requirements\":[{\"registryScopes\":[\"" + registry.host() + "/*\"],\"allOf\":[\"vendor\",\"org\"]}]}");
    ok(nota.run("sign", "--key", "vendor", ref));

    CrossChecks.check(AREA, "notation policy show still prints and validates its own trustpolicy.json", () -> {
      Peers.Run shown = Peers.run(notation, env, "policy", "show");
      assertEquals(0, shown.code(), shown::toString);
      assertTrue(shown.out().contains("notation-vendor"), shown::toString);
    });
    CrossChecks.check(AREA, "notation verifies with its own statement (vendor only) while nota requires vendor and"
        + " org (referrers API " + referrersApi + ")", () -> {
          Peers.Run theirs = Peers.run(notation, env, "verify", "--insecure-registry", ref);
          assertEquals(0, theirs.code(), theirs::toString);
          CliAccess.Result ours = nota.run("verify", ref);
          assertEquals(1, ours.code(), ours::toString);
          assertTrue(ours.err().contains("statement \"org\""), ours::toString);
        });
    ok(nota.run("sign", "--key", "org", ref));
    CrossChecks.check(AREA, "with both signatures both tools verify (referrers API " + referrersApi + ")", () -> {
      Peers.Run theirs = Peers.run(notation, env, "verify", "--insecure-registry", ref);
      assertEquals(0, theirs.code(), theirs::toString);
      CliAccess.Result ours = nota.run("verify", ref);
      assertEquals(0, ours.code(), ours::toString);
    });
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }
}
