package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real CNCF distribution 2.8 (Debian's {@code docker-registry}) on a free 127.0.0.1 port, started by
 * {@code <nota.shared>/tools/start-distribution.sh} (which apt-installs the package when it is missing) and stopped by
 * its PID. It is the registry most self-hosted setups still run: no Referrers API, strict content negotiation, no
 * conditional PUT. When the binary is missing and cannot be installed, the test fails on CI ({@code CI=true}) and is
 * skipped elsewhere, like the interop peers.
 */
final class Distribution implements AutoCloseable {
  private static final String BINARY = "docker-registry";
  private static final long START_TIMEOUT_SECONDS = 120;

  private final long pid;
  private final int port;
  private final Path dir;

  private Distribution(long pid, int port, Path dir) {
    this.pid = pid;
    this.port = port;
    this.dir = dir;
  }

  /** Starts an open registry keeping its files in {@code dir}. */
  static Distribution start(Path dir) throws IOException, InterruptedException {
    return start(dir, null);
  }

  /** Starts a registry in {@code dir}; with {@code htpasswd} ({@code user:pass}) it requires that one user. */
  static Distribution start(Path dir, String htpasswd) throws IOException, InterruptedException {
    Path script = Path.of(System.getProperty("nota.shared", "../shared"), "tools", "start-distribution.sh");
    if (!Files.isRegularFile(script)) {
      fail("missing " + script + " (system property nota.shared)");
    }
    String lastError = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path log = Files.createTempFile(dir.getParent() == null ? dir : dir.getParent(), "start", ".err");
      ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), Integer.toString(port),
              dir.toString())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectError(log.toFile());
      if (htpasswd != null) {
        builder.environment().put("REG_HTPASSWD", htpasswd);
      }
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("start-distribution.sh did not finish in " + START_TIMEOUT_SECONDS + " s");
      }
      String err = Files.readString(log, StandardCharsets.UTF_8);
      Files.delete(log);
      Map<String, String> vars = new HashMap<>();
      out.lines().filter(l -> l.startsWith("REGISTRY_")).forEach(l -> {
        int eq = l.indexOf('=');
        vars.put(l.substring(0, eq), l.substring(eq + 1));
      });
      if (process.exitValue() == 0 && vars.containsKey("REGISTRY_PID")) {
        return new Distribution(Long.parseLong(vars.get("REGISTRY_PID")), port, dir);
      }
      lastError = "start-distribution.sh exit " + process.exitValue() + ": " + err.strip();
      if (!installed()) {
        unavailable(BINARY + " is not installed and could not be installed (" + lastError + ")");
      }
      if (process.exitValue() != 3) { // 3: port taken between our probe and the script's; try another
        break;
      }
    }
    fail(lastError);
    return null;
  }

  private static void unavailable(String why) {
    if ("true".equals(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
  }

  /** Whether {@code docker-registry} is on the PATH. */
  static boolean installed() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, BINARY))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code 127.0.0.1:<port>}, the registry part of references. */
  String host() {
    return "127.0.0.1:" + port;
  }

  /** The port it listens on, on 127.0.0.1. */
  int port() {
    return port;
  }

  /** The registry's own log (requests and errors at level info), for assertion messages. */
  String log() {
    try {
      return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the registry by its PID: SIGTERM, then SIGKILL after 5 s. */
  @Override
  public void close() throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return;
    }
    ProcessHandle process = handle.get();
    process.destroy();
    try {
      process.onExit().get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
    }
  }
}
