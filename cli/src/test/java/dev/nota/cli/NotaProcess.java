package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs nota in a JVM of its own, for what cannot run in the test JVM: a PKCS#11 module reads its configuration
 * (SoftHSM2's {@code SOFTHSM2_CONF}) from the process environment when it is first loaded, and a JVM loads a module
 * once, so each test token needs a fresh process. It gets the JVM option nota's launcher gives
 * ({@code --add-exports} of the JDK's PKCS#11 wrapper) and exactly the environment given.
 */
public final class NotaProcess {
  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  /** nota with its configuration in {@code home/config}, as {@link Cli} has it. */
  public NotaProcess(Path home, Map<String, String> extraEnv) {
    this.home = home;
    env.put("HOME", home.toString());
    env.put("PATH", "/usr/bin:/bin");
    env.put("NOTA_CONFIG", home.resolve("config").toString());
    env.put("DOCKER_CONFIG", home.resolve("docker").toString());
    env.putAll(extraEnv);
  }

  /**
   * Starts {@code nota args} without waiting, standard input empty, output to {@code out} and {@code err}: for a
   * test that kills it half-way. The caller must end it ({@link Process#destroyForcibly} is a SIGKILL).
   */
  public Process start(Path out, Path err, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Nota.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(cmd).directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    b.environment().clear();
    b.environment().putAll(env);
    return b.start();
  }

  /** Runs {@code nota args} with {@code stdin} on standard input. */
  public CliAccess.Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Nota.class.getName()));
    cmd.addAll(List.of(args));
    Path in = Files.createTempFile(home, "nota", ".in");
    Path out = Files.createTempFile(home, "nota", ".out");
    Path err = Files.createTempFile(home, "nota", ".err");
    Files.writeString(in, stdin, StandardCharsets.UTF_8);
    ProcessBuilder b = new ProcessBuilder(cmd).directory(home.toFile()).redirectInput(in.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    b.environment().clear();
    b.environment().putAll(env);
    Process p = b.start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        fail("nota " + String.join(" ", args) + " timed out");
      }
    } finally {
      p.destroyForcibly();
    }
    CliAccess.Result r = new CliAccess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(in);
    Files.delete(out);
    Files.delete(err);
    return r;
  }
}
