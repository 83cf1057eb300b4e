package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.nota.core.plugin.PluginHost;
import dev.nota.core.plugin.PluginMetadata;
import dev.nota.core.plugin.TestPlugin;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code nota plugin list|install|uninstall}, signing with a plugin's key ({@code sign --plugin}, plugin keys in
 * signingkeys.json), verification plugins, and every way a signing plugin can misbehave, end to end in-process with
 * the Python test plugin against the embedded registry.
 */
class PluginCommandTest {
  private static TestCertificates.Generated ecKey;
  private static TestCertificates.Generated rsaKey;

  @TempDir Path home;
  private Cli cli;
  private Path plugins;
  private TestRegistry registry;
  private RegistryClient client;
  private HttpServer http;

  @BeforeAll
  static void keys() {
    ecKey = TestCertificates.generate("plugin-ec", TestCertificates.KeySpec.EC_256, Duration.ofDays(2),
        Clock.systemUTC());
    rsaKey = TestCertificates.generate("plugin-rsa", TestCertificates.KeySpec.RSA_2048, Duration.ofDays(2),
        Clock.systemUTC());
  }

  @BeforeEach
  void setUp() {
    TestPlugin.requirePython();
    cli = new Cli(home);
    plugins = cli.config.resolve("plugins");
  }

  @AfterEach
  void stop() throws Exception {
    if (http != null) {
      http.stop(0);
    }
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** Fails unless {@code r} exited {@code code} with exactly one line on stderr containing {@code text}. */
  private static void fails(int code, String text, Cli.Result r) {
    assertEquals(code, r.code(), r::toString);
    List<String> lines = r.err().lines().filter(l -> !l.startsWith("Warning:")
        && !l.startsWith("Always sign the artifact using digest")).toList();
    assertEquals(1, lines.size(), r::toString);
    assertTrue(lines.get(0).startsWith("Error: ") && lines.get(0).contains(text), r::toString);
  }

  private String startRegistry(boolean referrersApi) throws Exception {
    registry = TestRegistry.builder().referrersApi(referrersApi).start();
    client = new RegistryClient(RegistryOptions.defaults());
    return registry.host();
  }

  private Descriptor pushImage(String content) throws Exception {
    try (Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      return SampleImage.push(target, null, content);
    }
  }

  private List<Descriptor> referrers(Descriptor subject) throws Exception {
    try (Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      return target.referrers(subject, MediaTypes.NOTARY_SIGNATURE);
    }
  }

  /** Trusts {@code key}'s root for {@code registry/app}, any identity. */
  private void trust(TestCertificates.Generated key) throws Exception {
    Path root = Files.write(home.resolve("root-" + key.root().getSerialNumber() + ".pem"),
        Certificates.toPem(List.of(key.root())));
    ok(cli.run("cert", "add", "--type", "ca", "--store", "plugin", root.toString()));
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", registry.host() + "/app", "--trust-store",
        "ca:plugin", "--trusted-identity", "*"));
  }

  /**
   * A file {@code notation-<name>} outside the plugin directory that runs the test plugin installed (with its key
   * and config) in {@code home/source/<name>}: what a user would download and install.
   */
  private Path installable(String name, Map<String, Object> config) throws Exception {
    Path source = TestPlugin.install(home.resolve("source"), name, ecKey, config).resolve("notation-" + name);
    Path file = Files.createDirectories(home.resolve("download")).resolve("notation-" + name);
    Files.writeString(file, "#!/bin/sh\nexec " + source + " \"$@\"\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private List<String> installedNames() throws Exception {
    if (!Files.isDirectory(plugins)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(plugins)) {
      return dirs.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void listShowsEachPluginsMetadataAndWhyABrokenOneCannotBeUsed() throws Exception {
    TestPlugin.install(plugins, "dev.nota.good", ecKey, Map.of("version", "1.2.3"));
    Path broken = TestPlugin.install(plugins, "dev.nota.broken", ecKey, Map.of());
    Files.setPosixFilePermissions(broken.resolve("notation-dev.nota.broken"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    TestPlugin.install(plugins, "dev.nota.denies", ecKey, Map.of("mode", "exit-1"));

    Cli.Result listed = ok(cli.run("plugin", "list"));
    List<String> lines = listed.out().lines().toList();
    assertEquals(4, lines.size(), listed::toString);
    assertTrue(lines.get(0).matches("NAME +DESCRIPTION +VERSION +CAPABILITIES +ERROR"), lines.get(0));
    assertTrue(lines.get(1).startsWith("dev.nota.broken ") && lines.get(1).contains("is not executable"),
        lines.get(1));
    assertTrue(lines.get(2).startsWith("dev.nota.denies ")
        && lines.get(2).contains("ACCESS_DENIED: the test plugin denies access"), lines.get(2));
    assertTrue(lines.get(3).startsWith("dev.nota.good ") && lines.get(3).contains("nota test plugin")
        && lines.get(3).contains("1.2.3") && lines.get(3).contains("[" + String.join(" ", TestPlugin.ALL_CAPABILITIES)
        + "]"), lines.get(3));
    assertEquals(listed.out(), ok(cli.run("plugin", "ls")).out());
  }

  @Test
  void installPutsThePluginWhereNotationLooksChecksTheSha256AndRefusesADowngradeWithoutForce() throws Exception {
    Path file = installable("dev.nota.file", Map.of());
    String sum = PluginHost.sha256(file);

    fails(2, "SHA-256", cli.run("plugin", "install", file.toString(), "--sha256sum", "0".repeat(64)));
    assertEquals(List.of(), installedNames());
    fails(2, "--sha256sum must be 64 hex digits", cli.run("plugin", "install", file.toString(), "--sha256", "abc"));

    Cli.Result installed = ok(cli.run("plugin", "install", "--file", file.toString(), "--sha256sum", sum));
    assertEquals("Successfully installed plugin dev.nota.file, version 1.0.0\n", installed.out());
    assertTrue(Files.isExecutable(plugins.resolve("dev.nota.file/notation-dev.nota.file")));
    assertEquals(List.of("dev.nota.file"), installedNames());

    fails(2, "use --force", cli.run("plugin", "install", file.toString()));
    ok(cli.run("plugin", "install", file.toString(), "--force"));
    assertEquals(List.of("dev.nota.file"), installedNames(), "no staging directory is left behind");
    fails(2, "no such file", cli.run("plugin", "install", home.resolve("notation-missing").toString()));
  }

  @Test
  void aFileThatIsNotAnExecutablePluginIsNotInstalled() throws Exception {
    Path junk = Files.writeString(Files.createDirectories(home.resolve("download")).resolve("notation-junk"),
        "this is not a program\n");
    fails(2, "the file is not executable", cli.run("plugin", "install", junk.toString()));
    Files.setPosixFilePermissions(junk, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    fails(2, "plugin \"junk\" get-plugin-metadata", cli.run("plugin", "install", junk.toString()));
    Path badName = Files.writeString(home.resolve("download/junk"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(badName, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    fails(2, "must be named notation-<name>", cli.run("plugin", "install", badName.toString()));
    assertEquals(List.of(), installedNames());
  }

  @Test
  void installFromAUrlNeedsAndChecksTheSha256() throws Exception {
    Path file = installable("dev.nota.url", Map.of());
    byte[] bytes = Files.readAllBytes(file);
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", exchange -> {
      boolean found = exchange.getRequestURI().getPath().equals("/dl/notation-dev.nota.url");
      exchange.sendResponseHeaders(found ? 200 : 404, found ? bytes.length : -1);
      if (found) {
        exchange.getResponseBody().write(bytes);
      }
      exchange.close();
    });
    http.start();
    String base = "http://127.0.0.1:" + http.getAddress().getPort();
    String url = base + "/dl/notation-dev.nota.url";

    fails(2, "needs --sha256sum", cli.run("plugin", "install", url));
    fails(2, "SHA-256", cli.run("plugin", "install", "--url", url, "--sha256sum", "1".repeat(64)));
    fails(3, "HTTP 404", cli.run("plugin", "install", base + "/dl/notation-other", "--sha256sum", "1".repeat(64)));
    fails(2, "must name a plugin executable",
        cli.run("plugin", "install", base + "/dl/plugin.tar.gz", "--sha256sum", "1".repeat(64)));
    assertEquals(List.of(), installedNames());

    ok(cli.run("plugin", "install", url, "--sha256sum", PluginHost.sha256(file).toUpperCase()));
    assertTrue(ok(cli.run("plugin", "list")).out().contains("dev.nota.url "));
  }

  @Test
  void uninstallAsksUnlessYesAndAMissingPluginIsAnError() throws Exception {
    TestPlugin.install(plugins, "dev.nota.a", ecKey, Map.of());
    TestPlugin.install(plugins, "dev.nota.b", ecKey, Map.of());

    Cli.Result cancelled = ok(cli.stdin("n\n").run("plugin", "uninstall", "dev.nota.a"));
    assertTrue(cancelled.out().contains("Are you sure you want to uninstall plugin \"dev.nota.a\"? [y/N]")
        && cancelled.out().contains("Operation cancelled."), cancelled::toString);
    assertEquals(List.of("dev.nota.a", "dev.nota.b"), installedNames());
    ok(cli.stdin("").run("plugin", "uninstall", "dev.nota.a"));
    assertEquals(List.of("dev.nota.a", "dev.nota.b"), installedNames(), "no answer is no");

    ok(cli.stdin("y\n").run("plugin", "uninstall", "dev.nota.a"));
    Cli.Result removed = ok(cli.stdin("").run("plugin", "rm", "--yes", "dev.nota.b"));
    assertTrue(removed.out().contains("Successfully uninstalled plugin dev.nota.b"), removed::toString);
    assertEquals(List.of(), installedNames());
    fails(2, "plugin \"dev.nota.a\" is not installed", cli.run("plugin", "uninstall", "-y", "dev.nota.a"));
    fails(2, "is not installed", cli.run("plugin", "uninstall", "-y", "../config"));
  }

  @ParameterizedTest(name = "{0}, referrers API {1}")
  @CsvSource({"jws, true", "cose, false"})
  void aRawPluginKeySignsByFlagsOrByNameAndTheSignatureVerifies(String format, boolean referrersApi)
      throws Exception {
    String host = startRegistry(referrersApi);
    Path dir = TestPlugin.install(plugins, "dev.nota.raw", rsaKey, Map.of());
    trust(rsaKey);
    Descriptor first = pushImage("by flags");
    Descriptor second = pushImage("by key name");

    ok(cli.run("sign", "--plugin", "dev.nota.raw", "--id", TestPlugin.KEY_ID, "--signature-format", format,
        host + "/app@" + first.digest()));
    assertEquals(List.of("get-plugin-metadata", "describe-key", "generate-signature"), TestPlugin.calls(dir));
    ok(cli.run("verify", host + "/app@" + first.digest()));

    ok(cli.run("key", "add", "--plugin", "dev.nota.raw", "--id", TestPlugin.KEY_ID, "--plugin-config", "region=x",
        "--default", "held"));
    String keys = Files.readString(cli.config.resolve("signingkeys.json"));
    assertTrue(keys.contains("\"name\": \"held\",\n            \"id\": \"test-key\",\n            \"pluginName\": "
        + "\"dev.nota.raw\",\n            \"pluginConfig\": {\n                \"region\": \"x\"\n            }"), keys);
    ok(cli.run("sign", "--signature-format", format, host + "/app@" + second.digest()));
    ok(cli.run("verify", host + "/app@" + second.digest()));
    assertEquals(1, referrers(first).size());
    assertEquals(1, referrers(second).size());

    // blob sign takes plugin keys through the same loader.
    Path blob = Files.writeString(home.resolve("file.txt"), "a blob");
    ok(cli.run("blob", "sign", "--key", "held", blob.toString()));
  }

  @Test
  void keyAddRefusesAKeyThePluginDoesNotHoldOrAPluginThatIsMissing() throws Exception {
    TestPlugin.install(plugins, "dev.nota.raw", ecKey, Map.of());
    fails(2, "unknown key id", cli.run("key", "add", "--plugin", "dev.nota.raw", "--id", "nope", "k"));
    fails(2, "plugin \"dev.nota.none\" is not installed",
        cli.run("key", "add", "--plugin", "dev.nota.none", "--id", "x", "k"));
    fails(2, "--plugin NAME and --id KEY_ID", cli.run("key", "add", "--plugin", "dev.nota.raw", "k"));
    fails(2, "exactly one kind of key",
        cli.run("key", "add", "--plugin", "dev.nota.raw", "--id", "x", "--key", "a.pem", "k"));
    assertFalse(Files.exists(cli.config.resolve("signingkeys.json")));
  }

  @Test
  void anEnvelopePluginsCheckedEnvelopeIsPushedAndVerifies() throws Exception {
    String host = startRegistry(true);
    TestPlugin.install(plugins, "dev.nota.envelope", rsaKey,
        Map.of("capabilities", List.of(PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE)));
    trust(rsaKey);
    Descriptor image = pushImage("envelope plugin");
    String ref = host + "/app@" + image.digest();

    ok(cli.run("sign", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID, ref));
    List<Descriptor> sigs = referrers(image);
    assertEquals(1, sigs.size());
    try (Target target = client.repository(Reference.parse(host + "/app"))) {
      Manifest m = OciJson.parseManifest(target.fetchManifest(sigs.get(0).digest().toString()).bytes());
      assertEquals("envelope", m.annotations().get("dev.nota.test-plugin"));
    }
    ok(cli.run("verify", ref));

    // The test plugin makes JWS only: its refusal of COSE is its own one-line error, and nothing is pushed.
    fails(2, "this test plugin only makes JWS envelopes",
        cli.run("sign", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID, "--signature-format", "cose",
            ref));
    fails(2, "timestamps it itself", cli.run("sign", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID,
        "--timestamp-url", "http://127.0.0.1:9/", "--timestamp-root-cert", home.resolve("root-"
            + rsaKey.root().getSerialNumber() + ".pem").toString(), ref));
    assertEquals(1, referrers(image).size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
    "exit-1; generate-signature failed: ACCESS_DENIED: the test plugin denies access",
    "crash; generate-signature failed with exit code 3",
    "garbage; generate-signature returned a response that is not JSON",
    "hang; generate-signature timed out after 2s and was stopped",
    "wrong-key; it answered for key \"someone-else\", not the requested \"test-key\"",
    "bad-signature; does not verify with its signing certificate",
    "bad-chain; is not a certificate",
  })
  void aMisbehavingSigningPluginIsAOneLineErrorAndNothingIsPushed(String mode, String message) throws Exception {
    String host = startRegistry(false);
    TestPlugin.install(plugins, "dev.nota.bad", ecKey, Map.of());
    Descriptor image = pushImage("bad plugin " + mode);
    Cli.Result r = cli.env(Plugins.TIMEOUT_ENV, "2s").run("sign", "--plugin", "dev.nota.bad", "--id",
        TestPlugin.KEY_ID, "--plugin-config", "mode=" + mode, "--plugin-config", "modeCommand=generate-signature",
        host + "/app@" + image.digest());
    fails(2, "plugin \"dev.nota.bad\" generate-signature", r);
    assertTrue(r.err().contains(message), r::toString);
    assertEquals(List.of(), referrers(image));
    try (Target target = client.repository(Reference.parse(host + "/app"))) {
      assertFalse(target.tags().contains(image.digest().referrersTag()), "no referrers tag index was written");
    }
  }

  @Test
  void pluginFlagsAreCheckedBeforeAnythingRuns() throws Exception {
    String host = startRegistry(true);
    Descriptor image = pushImage("flags");
    String ref = host + "/app@" + image.digest();
    fails(2, "--plugin and --id must be used together", cli.run("sign", "--plugin", "x", ref));
    fails(2, "--key and --plugin cannot be used together", cli.run("sign", "--key", "k", "--plugin", "x", "--id",
        "i", ref));
    fails(2, "plugin \"dev.nota.none\" is not installed", cli.run("sign", "--plugin", "dev.nota.none", "--id", "i",
        ref));
    fails(2, "--plugin-config \"oops\" must be key=value", cli.run("sign", "--plugin", "x", "--id", "i",
        "--plugin-config", "oops", ref));
    fails(2, Plugins.TIMEOUT_ENV, cli.env(Plugins.TIMEOUT_ENV, "soon").run("sign", "--plugin", "x", "--id", "i",
        ref));
    assertEquals(List.of(), referrers(image));
  }

  /** Signs {@code image} with an envelope plugin whose envelope names verification plugin dev.nota.verifier. */
  private String signNamingAVerifier(String minVersion) throws Exception {
    startRegistry(true);
    Map<String, Object> envelope = minVersion == null
        ? Map.of("verificationPlugin", "dev.nota.verifier", "criticalKey", "dev.nota.SomeKey")
        : Map.of("verificationPlugin", "dev.nota.verifier", "verificationPluginMinVersion", minVersion,
            "criticalKey", "dev.nota.SomeKey");
    TestPlugin.install(plugins, "dev.nota.envelope", ecKey,
        Map.of("capabilities", List.of(PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE), "envelope", envelope));
    trust(ecKey);
    String ref = registry.host() + "/app@" + pushImage("verification plugin " + minVersion).digest();
    ok(cli.run("sign", "--plugin", "dev.nota.envelope", "--id", TestPlugin.KEY_ID, ref));
    return ref;
  }

  @Test
  void anEnvelopeNamingAVerificationPluginIsVerifiedThroughIt() throws Exception {
    String ref = signNamingAVerifier("1.0.0-alpha");
    Path verifier = TestPlugin.install(plugins, "dev.nota.verifier", ecKey, Map.of("capabilities",
        List.of(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY, PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK)));

    ok(cli.run("verify", ref));
    assertTrue(TestPlugin.calls(verifier).contains("verify-signature"));
    assertEquals("dev.nota.SomeKey",
        TestPlugin.lastVerifyRequest(verifier).path("signature").path("unprocessedAttributes").path(0).asText());

    Cli.Result refused = cli.run("verify", "--plugin-config", "mode=verify-fail", "--plugin-config",
        "modeCommand=verify-signature", ref);
    assertEquals(1, refused.code(), refused::toString);
    assertTrue(refused.err().contains("trusted identity verification by plugin \"dev.nota.verifier\" failed: the "
        + "test plugin says invalid"), refused::toString);

    Cli.Result unprocessed = cli.run("verify", "--plugin-config", "mode=skip-attributes", "--plugin-config",
        "modeCommand=verify-signature", ref);
    assertEquals(1, unprocessed.code(), unprocessed::toString);
    assertTrue(unprocessed.err().contains("the critical attribute \"dev.nota.SomeKey\" was not processed"),
        unprocessed::toString);
  }

  @ParameterizedTest(name = "installed {0}")
  @ValueSource(strings = {"none", "0.9.0", "1.0.0-rc.1"})
  void aMissingOrTooOldVerificationPluginFailsTheSignatureWithTheReason(String installed) throws Exception {
    String ref = signNamingAVerifier("1.0.0");
    if (!installed.equals("none")) {
      TestPlugin.install(plugins, "dev.nota.verifier", ecKey, Map.of("version", installed, "capabilities",
          List.of(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)));
    }
    Cli.Result r = cli.run("verify", ref);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains(installed.equals("none")
        ? "the signature needs verification plugin \"dev.nota.verifier\", which cannot be used: plugin "
            + "\"dev.nota.verifier\" is not installed"
        : "found verification plugin \"dev.nota.verifier\" with version " + installed + ", but the signature needs "
            + "plugin version greater than or equal to 1.0.0"), r::toString);
  }
}
