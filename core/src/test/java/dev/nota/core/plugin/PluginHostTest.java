package dev.nota.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.x509.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding, running, installing and removing plugins, and every way a plugin process can misbehave. */
class PluginHostTest {
  private static TestCertificates.Generated key;

  @TempDir Path temp;

  @BeforeAll
  static void key() {
    key = TestCertificates.generate("plugin", TestCertificates.KeySpec.EC_256, Duration.ofDays(2), Clock.systemUTC());
  }

  private PluginHost host(PluginOptions options) {
    return new PluginHost(temp.resolve("plugins"), options);
  }

  private Path install(String name, Map<String, Object> config) {
    return TestPlugin.install(temp.resolve("plugins"), name, key, config);
  }

  @Test
  void theMetadataOfAnInstalledPluginIsReadAndChecked() throws Exception {
    install("dev.nota.good", Map.of("version", "1.2.3"));
    PluginMetadata m = host(PluginOptions.defaults()).get("dev.nota.good").metadata(Map.of());
    assertEquals("dev.nota.good", m.name());
    assertEquals("1.2.3", m.version());
    assertTrue(m.has(PluginMetadata.SIGNATURE_GENERATOR_RAW));
  }

  @Test
  void listShowsEveryPluginWithItsMetadataOrWhyItCannotBeUsed() throws Exception {
    install("a.good", Map.of());
    install("b.broken", Map.of("mode", "garbage"));
    Files.createDirectories(temp.resolve("plugins/c.empty"));
    List<PluginHost.Listed> listed = host(PluginOptions.defaults()).list();
    assertEquals(List.of("a.good", "b.broken", "c.empty"), listed.stream().map(PluginHost.Listed::name).toList());
    assertEquals("1.0.0", listed.get(0).metadata().version());
    assertNull(listed.get(0).error());
    assertTrue(listed.get(1).error().contains("not JSON"), listed.get(1).error());
    assertTrue(listed.get(2).error().contains("does not exist"), listed.get(2).error());
  }

  @Test
  void aMissingPluginIsAClearError() {
    PluginException e = assertThrows(PluginException.class, () -> host(PluginOptions.defaults()).get("nope"));
    assertTrue(e.getMessage().contains("plugin \"nope\" is not installed"), e.getMessage());
  }

  @Test
  void aPluginThatIsNotExecutableIsRefused() throws Exception {
    Path dir = install("dev.nota.noexec", Map.of());
    Files.setPosixFilePermissions(dir.resolve("notation-dev.nota.noexec"), PosixFilePermissions.fromString("rw-r--r--"));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.noexec"));
    assertTrue(e.getMessage().endsWith("is not executable"), e.getMessage());
  }

  @Test
  void aSymbolicLinkIsRefusedAsNotationRefusesIt() throws Exception {
    Path real = install("dev.nota.real", Map.of());
    Path dir = Files.createDirectories(temp.resolve("plugins/dev.nota.link"));
    Files.createSymbolicLink(dir.resolve("notation-dev.nota.link"), real.resolve("notation-dev.nota.real"));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.link"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
  }

  @Test
  void aPluginNameWithAPathSeparatorIsRefused() {
    PluginException e = assertThrows(PluginException.class, () -> host(PluginOptions.defaults()).get("../etc"));
    assertTrue(e.getMessage().startsWith("invalid plugin name"), e.getMessage());
  }

  @Test
  void anErrorAnswerIsReportedWithTheProtocolErrorCode() throws Exception {
    install("dev.nota.denies", Map.of("mode", "exit-1"));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.denies").metadata(Map.of()));
    assertEquals("ACCESS_DENIED", e.errorCode());
    assertEquals("plugin \"dev.nota.denies\" get-plugin-metadata failed: ACCESS_DENIED: the test plugin denies access",
        e.getMessage());
  }

  @Test
  void aCrashIsReportedWithItsExitCodeAndTheFirstLineOfItsErrorOutput() throws Exception {
    install("dev.nota.crash", Map.of("mode", "crash"));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.crash").metadata(Map.of()));
    assertTrue(e.getMessage().startsWith("plugin \"dev.nota.crash\" get-plugin-metadata failed with exit code 3: "
        + "Traceback"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void garbageOnStandardOutputIsNotAResponse() throws Exception {
    install("dev.nota.garbage", Map.of("mode", "garbage"));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.garbage").metadata(Map.of()));
    assertEquals("plugin \"dev.nota.garbage\" get-plugin-metadata returned a response that is not JSON: "
        + "\"hello, this is not JSON\"", e.getMessage());
  }

  @Test
  void aHangingPluginIsStoppedAtTheTimeLimit() throws Exception {
    install("dev.nota.hang", Map.of("mode", "hang"));
    long start = System.nanoTime();
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults().withTimeout(Duration.ofSeconds(2))).get("dev.nota.hang").metadata(Map.of()));
    assertEquals("plugin \"dev.nota.hang\" get-plugin-metadata timed out after 2s and was stopped", e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0);
  }

  @Test
  void outputOverTheLimitStopsThePlugin() throws Exception {
    install("dev.nota.big", Map.of("mode", "big", "bigMiB", 3));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults().withMaxOutput(1024 * 1024)).get("dev.nota.big").metadata(Map.of()));
    assertEquals("plugin \"dev.nota.big\" get-plugin-metadata printed more than 1048576 bytes and was stopped",
        e.getMessage());
  }

  @Test
  void aPluginThatCallsItselfByAnotherNameIsRefused() throws Exception {
    Path dir = install("dev.nota.liar", Map.of());
    TestPlugin.set(dir, "name", "dev.nota.other");
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.liar").metadata(Map.of()));
    assertTrue(e.getMessage().contains("calls itself \"dev.nota.other\""), e.getMessage());
  }

  @Test
  void aPluginWithoutContractVersionOneIsRefused() throws Exception {
    install("dev.nota.future", Map.of("contractVersions", List.of("2.0")));
    PluginException e = assertThrows(PluginException.class,
        () -> host(PluginOptions.defaults()).get("dev.nota.future").metadata(Map.of()));
    assertEquals("plugin \"dev.nota.future\" supports contract versions [2.0], not 1.0", e.getMessage());
  }

  @Test
  void thePluginsStandardErrorGoesOnlyToTheDebugSink() throws Exception {
    install("dev.nota.noisy", Map.of("mode", "noisy"));
    List<String> debug = new ArrayList<>();
    PluginMetadata m = host(PluginOptions.defaults().withDebug(debug::add)).get("dev.nota.noisy").metadata(Map.of());
    assertEquals("dev.nota.noisy", m.name());
    assertTrue(debug.stream().anyMatch(l -> l.contains("TEST-PLUGIN-STDERR-NOISE")), debug::toString);
  }

  @Test
  void aNewVersionThatIsNotSemVerNeedsForceAndNeverCrashesTheInstall() throws Exception {
    Path good = TestPlugin.install(temp.resolve("a"), "dev.nota.ver", key, Map.of()).resolve("notation-dev.nota.ver");
    Path odd = TestPlugin.install(temp.resolve("b"), "dev.nota.ver", key, Map.of("version", "1.0"))
        .resolve("notation-dev.nota.ver");
    PluginHost host = new PluginHost(temp.resolve("c"), PluginOptions.defaults());
    host.install(wrapper("one", good), null, false);
    PluginException e = assertThrows(PluginException.class, () -> host.install(wrapper("two", odd), null, false));
    assertTrue(e.getMessage().contains("version 1.0.0 is installed, and 1.0 is not newer; use --force"),
        e.getMessage());
    assertEquals("1.0.0", host.get("dev.nota.ver").metadata(Map.of()).version(), "the installed one stays");
    assertEquals("1.0", host.install(wrapper("three", odd), null, true).version());
  }

  /** An executable named notation-&lt;name&gt; in its own directory that runs {@code target}. */
  private Path wrapper(String dir, Path target) throws Exception {
    Path w = Files.createDirectories(temp.resolve(dir)).resolve(target.getFileName());
    Files.writeString(w, "#!/bin/sh\nexec " + target + " \"$@\"\n");
    return w;
  }

  @Test
  void installPutsTheExecutableWhereNotationLooksAndUninstallRemovesIt() throws Exception {
    Path source = install("dev.nota.src", Map.of()).resolve("notation-dev.nota.src");
    Path other = temp.resolve("elsewhere");
    PluginHost host = new PluginHost(other, PluginOptions.defaults());
    // The script reads its config and key from its own directory, so stage those beside the installed copy.
    Path staged = Files.createDirectories(temp.resolve("download")).resolve("notation-dev.nota.src");
    Files.copy(source, staged);
    PluginException noConfig = assertThrows(PluginException.class, () -> host.install(staged, null, false));
    assertTrue(noConfig.getMessage().contains("get-plugin-metadata failed"), noConfig.getMessage());
    assertFalse(Files.exists(other.resolve("dev.nota.src")), "a failed install leaves nothing behind");
    try (var leftovers = Files.list(other)) {
      assertEquals(0, leftovers.count());
    }

    Path wrapper = Files.createDirectories(temp.resolve("wrapper")).resolve("notation-dev.nota.src");
    Files.writeString(wrapper, "#!/bin/sh\nexec " + source + " \"$@\"\n");
    PluginMetadata m = host.install(wrapper, PluginHost.sha256(wrapper), false);
    assertEquals("dev.nota.src", m.name());
    assertTrue(Files.isExecutable(other.resolve("dev.nota.src/notation-dev.nota.src")));
    assertEquals("dev.nota.src", host.get("dev.nota.src").metadata(Map.of()).name());

    PluginException again = assertThrows(PluginException.class, () -> host.install(wrapper, null, false));
    assertTrue(again.getMessage().contains("version 1.0.0 is installed, and 1.0.0 is not newer; use --force"),
        again.getMessage());
    host.install(wrapper, null, true);

    host.uninstall("dev.nota.src");
    assertFalse(Files.exists(other.resolve("dev.nota.src")));
    PluginException gone = assertThrows(PluginException.class, () -> host.uninstall("dev.nota.src"));
    assertEquals("plugin \"dev.nota.src\" is not installed", gone.getMessage());
  }

  @Test
  void installChecksTheSha256AndTheFileName() throws Exception {
    Path file = Files.writeString(temp.resolve("notation-x"), "#!/bin/sh\n");
    PluginHost host = host(PluginOptions.defaults());
    PluginException sum = assertThrows(PluginException.class, () -> host.install(file, "00".repeat(32), false));
    assertTrue(sum.getMessage().startsWith("the plugin file's SHA-256 is "), sum.getMessage());
    Path badName = Files.writeString(temp.resolve("my-plugin"), "#!/bin/sh\n");
    PluginException name = assertThrows(PluginException.class, () -> host.install(badName, null, false));
    assertTrue(name.getMessage().contains("must be named notation-<name>"), name.getMessage());
    assertFalse(Files.exists(temp.resolve("plugins/x")));
  }

  @Test
  void semanticVersionsCompareByPrecedence() {
    assertTrue(SemVer.compare("1.0.0-alpha", "1.0.0") < 0);
    assertTrue(SemVer.compare("1.0.0-alpha", "1.0.0-alpha.beta") < 0);
    assertTrue(SemVer.compare("1.0.0-alpha.1", "1.0.0-alpha.beta") < 0);
    assertTrue(SemVer.compare("1.0.0-beta.2", "1.0.0-beta.11") < 0);
    assertTrue(SemVer.compare("0.0.9", "1.0.0") < 0);
    assertTrue(SemVer.compare("1.0.1", "1.0.0") > 0);
    assertTrue(SemVer.compare("1.10.0", "1.9.0") > 0);
    assertEquals(0, SemVer.compare("1.0.0+build.1", "v1.0.0"));
    assertFalse(SemVer.isValid("1.0"));
    assertFalse(SemVer.isValid("01.0.0"));
  }
}
