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
 * skipped elsewhere, like the interop peers. {@link #startTls} and {@link #startWithStorage} write their own
 * configuration (the script's shape) and run {@code docker-registry serve} directly, for HTTPS with the registry's own
 * {@code http.tls} and for a registry whose storage fails.
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

  /**
   * Starts a registry that serves HTTPS only, with its own {@code http.tls}: {@code certificate} (PEM, the server
   * certificate first, then any intermediates) and its {@code key} (PEM). {@code start-distribution.sh} has no TLS
   * option, so the configuration (the script's shape plus the TLS block) is written here and {@code docker-registry
   * serve} is run directly; it is stopped by its PID like the others.
   */
  static Distribution startTls(Path dir, Path certificate, Path key) throws IOException, InterruptedException {
    return serve(dir, port -> config(dir.resolve("storage"), port, """
          tls:
            certificate: %s
            key: %s
        """.formatted(certificate.toAbsolutePath(), key.toAbsolutePath())));
  }

  /**
   * Starts a plain HTTP registry whose storage root is {@code storageRoot}, which need not be a usable directory: a
   * root below a regular file makes every storage access fail, so the registry answers 500 (we run as root here, so
   * file permissions cannot make it unwritable).
   */
  static Distribution startWithStorage(Path dir, Path storageRoot) throws IOException, InterruptedException {
    return serve(dir, port -> config(storageRoot, port, ""));
  }

  /** The configuration start-distribution.sh writes, with {@code httpExtra} appended to the {@code http} block. */
  private static String config(Path storage, int port, String httpExtra) {
    return """
        version: 0.1
        log:
          level: info
          fields:
            service: registry
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          cache:
            blobdescriptor: inmemory
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:%d
          secret: local-test-secret-not-for-prod
          headers:
            X-Content-Type-Options: [nosniff]
        %s""".formatted(storage.toAbsolutePath(), port, httpExtra);
  }

  /** Runs {@code docker-registry serve <dir>/config.yml} with the configuration for a free port. */
  private static Distribution serve(Path dir, java.util.function.IntFunction<String> config)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("storage"));
    if (!installed()) {
      start(Files.createDirectories(dir.resolve("install"))).close(); // the script apt-installs the package
    }
    String last = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path file = Files.writeString(dir.resolve("config.yml"), config.apply(port), StandardCharsets.UTF_8);
      Process process = new ProcessBuilder(BINARY, "serve", file.toString())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile())
          .start();
      Distribution registry = new Distribution(process.pid(), port, dir);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (process.isAlive() && System.nanoTime() < deadline) {
        if (listening(port)) {
          return registry;
        }
        Thread.sleep(50);
      }
      registry.close();
      last = "docker-registry did not start on port " + port + ":\n" + registry.log();
      if (!registry.log().contains("address already in use")) {
        break;
      }
    }
    fail(last);
    return null;
  }

  private static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
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
