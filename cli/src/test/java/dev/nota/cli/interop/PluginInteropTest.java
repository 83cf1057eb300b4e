package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.core.plugin.PluginHost;
import dev.nota.core.plugin.PluginMetadata;
import dev.nota.core.plugin.TestPlugin;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.core.x509.TestCertificates.KeySpec;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plugins shared between nota and the real notation v1.3.2: one configuration directory (so one plugin directory,
 * {@code <config>/plugins/<name>/notation-<name>}) and the very same test plugin. Each tool verifies what the other
 * signed through a raw-signing and an envelope-building plugin, both read each other's plugin installs and plugin
 * keys, and both reach the same verdict on envelopes that name a verification plugin.
 */
@Tag("interop")
class PluginInteropTest {
  private static final String AREA = "notation 1.3.2: plugins";
  private static Path notation;
  private static TestCertificates.Generated rsa;
  private static TestCertificates.Generated ec;

  @TempDir Path home;
  private CliAccess nota;
  private Path plugins;
  private Map<String, String> env;
  private TestRegistry registry;
  private RegistryClient client;
  private String repo;

  @BeforeAll
  static void keys() {
    notation = Peers.require("notation");
    TestPlugin.requirePython();
    rsa = TestCertificates.generate("plugin-rsa", KeySpec.RSA_3072, Duration.ofDays(2), Clock.systemUTC());
    ec = TestCertificates.generate("plugin-ec", KeySpec.EC_384, Duration.ofDays(2), Clock.systemUTC());
  }

  @BeforeEach
  void setUp() throws Exception {
    nota = new CliAccess(home);
    plugins = nota.config().resolve("plugins");
    env = Peers.environment(home, nota.config());
    registry = TestRegistry.builder().referrersApi(true).start();
    client = new RegistryClient(RegistryOptions.defaults());
    repo = registry.host() + "/app";
    for (TestCertificates.Generated key : List.of(rsa, ec)) {
      Path root = Files.write(home.resolve(key.leaf().getSerialNumber() + ".pem"),
          Certificates.toPem(List.of(key.root())));
      ok(nota.run("cert", "add", "--type", "ca", "--store", "plugin", root.toString()));
    }
    ok(nota.run("policy", "init", "--name", "p", "--scope", repo, "--trust-store", "ca:plugin",
        "--trusted-identity", "*"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    registry.close();
  }

  private String image(String content) throws Exception {
    try (Target target = client.repository(Reference.parse(repo))) {
      return repo + "@" + CliAccess.pushSampleImage(target, null, content).digest();
    }
  }

  private Peers.Run notation(String... args) throws Exception {
    return Peers.run(notation, env, args);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"jws, rsa", "cose, ec"})
  void eachVerifiesWhatTheOtherSignedThroughARawSigningPlugin(String format, String keyName) throws Exception {
    TestPlugin.install(plugins, "dev.nota.raw", keyName.equals("rsa") ? rsa : ec, Map.of());
    String byNota = image("raw plugin, nota " + format);
    String byNotation = image("raw plugin, notation " + format);
    String label = "raw-signing plugin, " + format + ", " + keyName + ": ";

    CrossChecks.check(AREA, label + "nota signs with --plugin/--id, notation verifies", () -> {
      ok(nota.run("sign", "--plugin", "dev.nota.raw", "--id", TestPlugin.KEY_ID, "--signature-format", format,
          byNota));
      Peers.Run verified = ok(notation("verify", "--insecure-registry", byNota));
      assertTrue(verified.out().contains("Successfully verified signature for " + byNota), verified::toString);
    });
    CrossChecks.check(AREA, label + "notation signs with --plugin/--id, nota verifies", () -> {
      ok(notation("sign", "--insecure-registry", "--plugin", "dev.nota.raw", "--id", TestPlugin.KEY_ID,
          "--signature-format", format, byNotation));
      ok(nota.run("verify", byNotation));
    });
  }

  @Test
  void eachVerifiesWhatTheOtherSignedThroughAnEnvelopePlugin() throws Exception {
    TestPlugin.install(plugins, "dev.nota.envelope", rsa,
        Map.of("capabilities", List.of(PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE)));
    String byNota = image("envelope plugin, nota");
    String byNotation = image("envelope plugin, notation");
    CrossChecks.check(AREA, "envelope-building plugin: nota signs, notation verifies", () -> {
      ok(nota.run("sign", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID, byNota));
      ok(notation("verify", "--insecure-registry", byNota));
    });
    CrossChecks.check(AREA, "envelope-building plugin: notation signs, nota verifies", () -> {
      ok(notation("sign", "--insecure-registry", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID,
          byNotation));
      ok(nota.run("verify", byNotation));
    });
  }

  @Test
  void pluginInstallsAndPluginKeysOfOneToolServeTheOther() throws Exception {
    // The plugin file a user downloads: it runs the test plugin kept (with key and config) outside the config.
    Path source = TestPlugin.install(home.resolve("source"), "dev.nota.shared", ec, Map.of())
        .resolve("notation-dev.nota.shared");
    Path file = Files.createDirectories(home.resolve("download")).resolve("notation-dev.nota.shared");
    Files.writeString(file, "#!/bin/sh\nexec " + source + " \"$@\"\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    String sum = PluginHost.sha256(file);

    CrossChecks.check(AREA, "nota plugin install; notation plugin list shows it; notation plugin uninstall removes "
        + "it; notation plugin install; nota plugin list shows it", () -> {
      ok(nota.run("plugin", "install", file.toString(), "--sha256sum", sum));
      Peers.Run listed = ok(notation("plugin", "list"));
      assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("dev.nota.shared ") && l.contains("1.0.0")
          && l.contains("SIGNATURE_GENERATOR.RAW")), listed::toString);
      ok(notation("plugin", "uninstall", "--yes", "dev.nota.shared"));
      assertTrue(ok(nota.run("plugin", "list")).out().lines().noneMatch(l -> l.startsWith("dev.nota.shared ")));
      ok(notation("plugin", "install", "--file", file.toString(), "--sha256sum", sum));
      assertTrue(ok(nota.run("plugin", "list")).out().lines()
          .anyMatch(l -> l.startsWith("dev.nota.shared ") && l.contains("1.0.0")));
    });

    String byNotaKey = image("plugin key added by nota");
    String byNotationKey = image("plugin key added by notation");
    CrossChecks.check(AREA, "a plugin key added by nota (signingkeys.json id/pluginName/pluginConfig) signs with "
        + "notation, and one added by notation signs with nota", () -> {
      ok(nota.run("key", "add", "--plugin", "dev.nota.shared", "--id", TestPlugin.KEY_ID, "--plugin-config",
          "note=nota", "by-nota"));
      ok(notation("key", "add", "--plugin", "dev.nota.shared", "--id", TestPlugin.KEY_ID, "--plugin-config",
          "note=notation", "by-notation"));
      Peers.Run keys = ok(notation("key", "ls"));
      assertTrue(keys.out().lines().anyMatch(l -> l.contains("by-nota ") && l.contains(TestPlugin.KEY_ID)
          && l.contains("dev.nota.shared")), keys::toString);
      ok(notation("sign", "--insecure-registry", "--key", "by-nota", byNotaKey));
      ok(nota.run("sign", "--key", "by-notation", byNotationKey));
      for (String ref : List.of(byNotaKey, byNotationKey)) {
        ok(notation("verify", "--insecure-registry", ref));
        ok(nota.run("verify", ref));
      }
    });
  }

  @Test
  void bothRefuseToSignThroughAPluginThatAnswersForAnotherKey() throws Exception {
    TestPlugin.install(plugins, "dev.nota.liar", ec, Map.of("mode", "wrong-key", "modeCommand",
        "generate-signature"));
    String ref = image("liar");
    CrossChecks.check(AREA, "a raw plugin that answers generate-signature for another key: both refuse, nothing "
        + "pushed", () -> {
      Peers.Run theirs = notation("sign", "--insecure-registry", "--plugin", "dev.nota.liar", "--id",
          TestPlugin.KEY_ID, ref);
      assertNotEquals(0, theirs.code(), theirs::toString);
      CliAccess.Result ours = nota.run("sign", "--plugin", "dev.nota.liar", "--id", TestPlugin.KEY_ID, ref);
      assertEquals(2, ours.code(), ours::toString);
      assertTrue(ours.err().contains("answered for key \"someone-else\""), ours::toString);
      try (Target target = client.repository(Reference.parse(repo))) {
        assertEquals(List.of(), target.referrers(target.resolve(ref.substring(ref.indexOf('@') + 1)), null),
            "no signature was pushed");
      }
    });
  }

  /**
   * Envelopes naming verification plugin {@code dev.nota.verifier} with minimum version 1.0.0 and a critical
   * extended attribute only it processes, judged by both tools against the installed verifier (or none).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
    "verifier 1.0.0 accepts; 1.0.0; ok; 0",
    "verifier 1.2.0-beta (SemVer above 1.0.0) accepts; 1.2.0-beta; ok; 0",
    "verifier 1.0.0 says invalid; 1.0.0; verify-fail; 1",
    "verifier 1.0.0 leaves the critical attribute unprocessed; 1.0.0; skip-attributes; 1",
    "verifier 1.0.0-rc.1 is older than the minimum; 1.0.0-rc.1; ok; 1",
    "no verifier installed; none; ok; 1",
  })
  void bothReachTheSameVerdictOnAnEnvelopeNamingAVerificationPlugin(
      String label, String installed, String mode, int notaCode) throws Exception {
    TestPlugin.install(plugins, "dev.nota.envelope", ec, Map.of("capabilities",
        List.of(PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE), "envelope", Map.of("verificationPlugin",
            "dev.nota.verifier", "verificationPluginMinVersion", "1.0.0", "criticalKey", "dev.nota.SomeKey")));
    if (!installed.equals("none")) {
      TestPlugin.install(plugins, "dev.nota.verifier", ec, Map.of("version", installed, "capabilities",
          List.of(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY), "mode", mode,
          "modeCommand", "verify-signature"));
    }
    String ref = image("verification plugin " + label);
    ok(nota.run("sign", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID, ref));
    CrossChecks.check(AREA, "verification plugin: " + label, () -> {
      Peers.Run theirs = notation("verify", "--insecure-registry", ref);
      CliAccess.Result ours = nota.run("verify", ref);
      assertEquals(notaCode, ours.code(), ours::toString);
      assertEquals(notaCode == 0, theirs.code() == 0, () -> "notation and nota disagree:\n" + theirs + "\n" + ours);
    });
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
