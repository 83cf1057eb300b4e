package dev.nota.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The plugin written for nota's tests (a Python 3 script using python3-cryptography, {@code test-plugin.py} beside
 * this class), installed the way notation installs plugins: {@code <plugins>/<name>/notation-<name>}, with its key,
 * chain and behaviour ({@code config.json}) in the same directory, so that nota and the real notation run the very
 * same plugin.
 */
public final class TestPlugin {
  /** The id of the one key the test plugin holds. */
  public static final String KEY_ID = "test-key";
  public static final List<String> ALL_CAPABILITIES = List.of(PluginMetadata.SIGNATURE_GENERATOR_RAW,
      PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY, PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK);
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestPlugin() {}

  /** Skips the test where python3 with the cryptography package is not installed (fails on CI). */
  public static void requirePython() {
    boolean ok;
    try {
      Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import cryptography").redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      ok = p.waitFor() == 0;
    } catch (IOException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      String why = "the test plugin needs /usr/bin/python3 with the cryptography package (Debian python3-cryptography)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
  }

  /**
   * Installs the test plugin as {@code name} under {@code plugins}, signing with {@code key}.
   *
   * @param config more of config.json: {@code capabilities} (default: raw signing and both verifier capabilities),
   *     {@code version} (default 1.0.0), {@code mode}, {@code modeCommand}, {@code envelope} (headers the
   *     envelope generator adds: verificationPlugin, verificationPluginMinVersion, criticalKey)
   * @return the plugin's directory
   */
  public static Path install(Path plugins, String name, TestCertificates.Generated key, Map<String, Object> config) {
    requirePython();
    try {
      Path dir = Files.createDirectories(plugins.resolve(name));
      Path exe = dir.resolve("notation-" + name);
      try (InputStream in = TestPlugin.class.getResourceAsStream("test-plugin.py")) {
        Files.write(exe, in.readAllBytes());
      }
      Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.key().getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
      Files.write(dir.resolve("chain.pem"), Certificates.toPem(key.chain()));
      ObjectNode c = JSON.createObjectNode();
      c.put("name", name);
      c.put("keyId", KEY_ID);
      c.set("capabilities", JSON.valueToTree(ALL_CAPABILITIES));
      config.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Changes one setting of an installed test plugin's config.json (null removes it). */
  public static void set(Path dir, String field, Object value) {
    try {
      ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
      if (value == null) {
        c.remove(field);
      } else {
        c.set(field, JSON.valueToTree(value));
      }
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The commands the plugin has received, in order. */
  public static List<String> calls(Path dir) {
    try {
      Path log = dir.resolve("calls.log");
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code verify-signature} request the plugin received. */
  public static JsonNode lastVerifyRequest(Path dir) {
    try {
      return JSON.readTree(dir.resolve("last-verify-request.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
