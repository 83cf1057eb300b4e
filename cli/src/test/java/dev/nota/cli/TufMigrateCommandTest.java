package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.tuf.TestRepo;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nota tuf migrate} against the embedded registry, with v1 trust data written in notary's format by the test:
 * a tag whose registry digest equals the v1 pin gets a v2 signature recording its v1 provenance; one that differs
 * is refused and left unsigned.
 */
class TufMigrateCommandTest {
  @TempDir Path home;
  private TestRegistry registry;
  private RegistryClient client;
  private String gun;
  private Descriptor v1;
  private Descriptor v2;
  private Path trust;

  @BeforeEach
  void start() throws Exception {
    registry = TestRegistry.builder().start();
    client = new RegistryClient(RegistryOptions.defaults());
    gun = registry.host() + "/app";
    byte[] v1Manifest;
    try (Target target = client.repository(Reference.parse(gun))) {
      v1 = SampleImage.push(target, "v1", "migrated");
      v2 = SampleImage.push(target, "v2", "pushed over after v1 signing");
      v1Manifest = target.fetchManifest("v1").bytes();
    }
    trust = new TestRepo(gun, Instant.now())
        .target("v1", v1Manifest)
        .target("v2", "the manifest v1 signed for v2".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .publishAll().writeTo(home.resolve("trust"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    registry.close();
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  @Test
  void aTagWhoseDigestMatchesTheV1PinIsSignedWithItsProvenance() throws Exception {
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", gun, "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    Cli.Result r = cli.run("tuf", "migrate", gun, "--registry", gun, "--trust-dir", trust.toString(), "--tags", "v1");
    ok(r);
    assertTrue(r.out().startsWith("Signed " + gun + "@" + v1.digest() + " (tag v1, v1 role targets)"), r::toString);
    ok(cli.run("verify", gun + "@" + v1.digest(), "-m", "dev.nota.tuf.gun=" + gun, "-m", "dev.nota.tuf.role=targets",
        "-m", "dev.nota.tuf.tag=v1"));
    Cli.Result wrong = cli.run("verify", gun + "@" + v1.digest(), "-m", "dev.nota.tuf.role=targets/releases");
    assertEquals(1, wrong.code(), wrong::toString);
  }

  @Test
  void aTagWhoseRegistryDigestDiffersFromTheV1PinIsRefusedAndNotSigned() throws Exception {
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    Cli.Result r = cli.run("tuf", "migrate", gun, "--registry", gun, "--trust-dir", trust.toString());
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("Error: v2: the registry has " + v2.digest() + " but the v1 signature pins sha256:"),
        r::toString);
    assertTrue(r.err().contains("Error: 1 of 2 tag(s) not migrated"), r::toString);
    try (Target target = client.repository(Reference.parse(gun))) {
      assertEquals(0, target.referrers(v2, MediaTypes.NOTARY_SIGNATURE).size());
      assertEquals(1, target.referrers(v1, MediaTypes.NOTARY_SIGNATURE).size());
    }
  }

  @Test
  void aDryRunPrintsThePlanAndSignsNothing() throws Exception {
    Cli cli = new Cli(home);
    Cli.Result r = cli.run("tuf", "migrate", gun, "--registry", gun, "--trust-dir", trust.toString(), "--tags", "v1",
        "--dry-run");
    ok(r);
    assertTrue(r.out().startsWith("would sign " + gun + "@" + v1.digest() + " (tag v1, v1 role targets"), r::toString);
    try (Target target = client.repository(Reference.parse(gun))) {
      assertEquals(0, target.referrers(v1, MediaTypes.NOTARY_SIGNATURE).size());
    }
  }

  @Test
  void aTagWithoutAV1SignatureIsRefused() throws Exception {
    Cli.Result r = new Cli(home).run("tuf", "migrate", gun, "--registry", gun, "--trust-dir", trust.toString(),
        "--tags", "v9", "--dry-run");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("Error: targets: no trusted signature for tag \"v9\""), r::toString);
  }
}
