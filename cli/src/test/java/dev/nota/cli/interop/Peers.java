package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real tools nota must interoperate with (notation, oras, regctl, ...), as built by
 * {@code ../shared/tools/build-peers.sh}: found in {@code $NOTA_PEERS} (a bin directory), else
 * {@code $HOME/.cache/nota-peers/bin}, and run as child processes with a timeout, captured output and an environment
 * of the test's making (nothing inherited, so a developer's own {@code ~/.docker} or notation config never leaks in).
 */
final class Peers {
  /** Longest any one peer command may take before it is killed and the test fails. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** What a peer command printed and returned. */
  record Run(List<String> command, int code, String out, String err) {
    @Override
    public String toString() {
      return String.join(" ", command) + "\nexit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Peers() {}

  /** The bin directory holding the peer binaries. */
  static Path binDir() {
    String explicit = System.getenv("NOTA_PEERS");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "nota-peers", "bin");
  }

  /**
   * The executable {@code name}. When it is missing, the test fails on CI ({@code CI=true}, where .ci/run builds the
   * peers first, so a missing binary is a broken build) and is skipped elsewhere (a developer without Go still runs
   * every other test).
   */
  static Path require(String name) {
    Path exe = binDir().resolve(name);
    if (!Files.isExecutable(exe)) {
      String why = name + " not found in " + binDir() + " (run ../shared/tools/build-peers.sh, or set NOTA_PEERS)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    return exe;
  }

  /**
   * The environment for peers working in {@code home}: HOME, XDG dirs and DOCKER_CONFIG all inside it, notation's
   * configuration in {@code config} (the same directory nota uses), a minimal PATH and nothing else.
   */
  static Map<String, String> environment(Path home, Path config) {
    return Map.of(
        "HOME", home.toString(),
        "XDG_CONFIG_HOME", home.resolve("xdg-config").toString(),
        "XDG_CACHE_HOME", home.resolve("xdg-cache").toString(),
        "NOTATION_CONFIG", config.toString(),
        "NOTATION_CACHE", home.resolve("notation-cache").toString(),
        "DOCKER_CONFIG", home.resolve("docker").toString(),
        "PATH", "/usr/bin:/bin",
        "TMPDIR", home.toString());
  }

  /** Runs {@code exe args} with exactly {@code env}; kills it and fails the test after {@link #TIMEOUT}. */
  static Run run(Path exe, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(exe.toString());
    command.addAll(List.of(args));
    Path dir = Path.of(env.get("HOME"));
    Path out = Files.createTempFile(dir, "peer", ".out");
    Path err = Files.createTempFile(dir, "peer", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        fail("timed out after " + TIMEOUT.toSeconds() + " s: " + String.join(" ", command) + "\n--- out\n"
            + Files.readString(out, StandardCharsets.UTF_8)
            + "--- err\n" + Files.readString(err, StandardCharsets.UTF_8));
      }
    } finally {
      process.destroyForcibly();
    }
    Run run = new Run(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return run;
  }
}
