package dev.nota.core.tuf;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Trust data made by Debian's real notary server and client: runs {@code <nota.shared>/tools/notary-v1-fixtures.sh}
 * (which apt-installs notary when missing, starts notary-server on 127.0.0.1 and stops it by PID) into a directory.
 * Without notary and without a way to install it the calling test is skipped, except on CI ({@code CI=true}).
 */
public final class NotaryFixtures {
  /** The five cases the script writes. */
  public static final List<String> CASES = List.of("plain", "delegations", "server-snapshot", "root-rotation",
      "removed-tag");

  private NotaryFixtures() {}

  /** Generates the cases into {@code out}; returns {@code out}. */
  public static Path generate(Path out) throws Exception {
    Path script = Path.of(System.getProperty("nota.shared", "../shared"), "tools", "notary-v1-fixtures.sh");
    if (!Files.isRegularFile(script)) {
      fail("missing " + script + " (system property nota.shared)");
    }
    Path log = Files.createTempFile("notary-v1-fixtures", ".log");
    try {
      Process p = new ProcessBuilder("bash", script.toString(), out.toString())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail("notary-v1-fixtures.sh did not finish in 10 minutes");
      }
      if (p.exitValue() != 0) {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        String tail = text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        if (!"true".equals(System.getenv("CI")) && !Files.isExecutable(Path.of("/usr/bin/notary-server"))) {
          Assumptions.abort("notary is not installed and could not be installed: " + tail);
        }
        fail("notary-v1-fixtures.sh exit " + p.exitValue() + ": " + tail);
      }
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The case's expected.json. */
  public static JsonNode expected(Path fixtures, String name) throws Exception {
    return CanonicalJson.mapper().readTree(fixtures.resolve(name).resolve("expected.json").toFile());
  }

  /** {@code clock.verify_at_valid} of a case: a time when every role is valid. */
  public static java.time.Instant validAt(JsonNode expected) {
    return java.time.Instant.parse(expected.path("clock").path("verify_at_valid").asText());
  }
}
