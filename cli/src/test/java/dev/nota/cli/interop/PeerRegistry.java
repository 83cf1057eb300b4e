package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real registry peer started as a background process on a free 127.0.0.1 port and stopped by its PID: olareg
 * (v0.2.2, with the Referrers API) or CNCF distribution v3 (no Referrers API), both as built by
 * {@code build-peers.sh}. Their quirks are the point: nota must work against what real registries do, not against
 * what nota's own test registry does. Public so that the {@code real} test package (which owns distribution 2.8) can
 * run the same scenarios against these two.
 */
public final class PeerRegistry implements AutoCloseable {
  private static final long START_MILLIS = 20_000;

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private PeerRegistry(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * olareg serving from memory with deletes enabled (so that clients that clean up superseded referrers tag indexes,
   * as notation does, can), plus {@code extraFlags}; its log goes to {@code dir}.
   */
  public static PeerRegistry olareg(Path dir, String... extraFlags) throws IOException, InterruptedException {
    Path exe = Peers.require("olareg");
    Files.createDirectories(dir);
    return start("olareg", dir, port -> {
      List<String> command = new ArrayList<>(List.of(exe.toString(), "serve", "--addr", "127.0.0.1",
          "--port", Integer.toString(port), "--store-type", "mem", "--api-delete", "-v", "info"));
      command.addAll(List.of(extraFlags));
      return command;
    });
  }

  /** CNCF distribution v3 ({@code registry serve config.yml}) storing in {@code dir/storage}, deletes enabled. */
  public static PeerRegistry distributionV3(Path dir) throws IOException, InterruptedException {
    Path exe = Peers.require("registry");
    Files.createDirectories(dir.resolve("storage"));
    return start("distribution v3", dir, port -> {
      Path config = dir.resolve("config.yml");
      Files.writeString(config, """
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
          """.formatted(dir.resolve("storage"), port), StandardCharsets.UTF_8);
      return List.of(exe.toString(), "serve", config.toString());
    });
  }

  @FunctionalInterface
  private interface Command {
    List<String> at(int port) throws IOException;
  }

  private static PeerRegistry start(String name, Path dir, Command command)
      throws IOException, InterruptedException {
    String last = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path log = dir.resolve("registry-" + port + ".log");
      ProcessBuilder builder = new ProcessBuilder(command.at(port)).directory(dir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().clear();
      builder.environment().putAll(Map.of("HOME", dir.toString(), "PATH", "/usr/bin:/bin", "TMPDIR",
          dir.toString()));
      Process process = builder.start();
      PeerRegistry registry = new PeerRegistry(name, process, port, log);
      long deadline = System.currentTimeMillis() + START_MILLIS;
      while (process.isAlive() && System.currentTimeMillis() < deadline) {
        if (registry.answers()) {
          return registry;
        }
        Thread.sleep(50);
      }
      registry.close();
      last = name + " did not start on port " + port + ":\n" + registry.log();
      if (!registry.log().contains("address already in use")) {
        break;
      }
    }
    fail(last);
    return null;
  }

  private boolean answers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(1000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The peer's name for messages and cross-check rows ("olareg", "distribution v3"). */
  public String name() {
    return name;
  }

  /** {@code 127.0.0.1:<port>}, the registry part of references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The registry's own log so far, for assertion messages and request counting. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the registry by its PID: SIGTERM, then SIGKILL after 5 s. */
  @Override
  public void close() throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
    if (handle.isEmpty()) {
      return;
    }
    handle.get().destroy();
    try {
      handle.get().onExit().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      handle.get().destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return name + " at " + host();
  }
}
