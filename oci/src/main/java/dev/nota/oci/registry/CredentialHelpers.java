package dev.nota.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.oci.JsonTree;
import dev.nota.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs docker credential helpers, the {@code docker-credential-<name>} programs that keep registry secrets in a
 * keychain instead of {@code config.json}. The protocol is docker's: one verb argument; {@code get} and
 * {@code erase} read the server URL on standard input, {@code store} reads {@code {"ServerURL", "Username",
 * "Secret"}}; {@code get} prints the same JSON; a failure is a non-zero exit with the reason on standard output
 * ({@code credentials not found in native keychain} when there is nothing stored).
 *
 * <p>Where the programs are looked up is passed in (a directory, or a {@code PATH} value), never read from the
 * environment here, so a command can hand over its own environment. A helper that does not finish within the timeout
 * is killed. Messages quote what a failing helper printed, with every secret it was given replaced by {@code ***}.
 */
public final class CredentialHelpers {
  private static final String PREFIX = "docker-credential-";
  private static final int MAX_OUTPUT = 1024 * 1024;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Path directory;
  private final List<Path> searchPath;
  private final Duration timeout;

  private CredentialHelpers(Path directory, List<Path> searchPath, Duration timeout) {
    this.directory = directory;
    this.searchPath = searchPath;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Helpers in exactly {@code directory}. */
  public static CredentialHelpers inDirectory(Path directory) {
    return new CredentialHelpers(Objects.requireNonNull(directory, "directory"), null, DEFAULT_TIMEOUT);
  }

  /**
   * Helpers found on {@code path}, a {@code PATH} value ({@code :}-separated directories, searched in order); null
   * leaves the look-up to the operating system with this process's own {@code PATH}.
   */
  public static CredentialHelpers onPath(String path) {
    if (path == null) {
      return new CredentialHelpers(null, null, DEFAULT_TIMEOUT);
    }
    List<Path> dirs = new ArrayList<>();
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    return new CredentialHelpers(null, List.copyOf(dirs), DEFAULT_TIMEOUT);
  }

  /** The same look-up with another time limit per helper run (30 s by default). */
  public CredentialHelpers withTimeout(Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + value);
    }
    return new CredentialHelpers(directory, searchPath, value);
  }

  /** The credentials helper {@code name} keeps for {@code serverUrl}, or null when it has none. */
  public Credential get(String name, String serverUrl) throws OciException {
    Run run = run(name, "get", serverUrl.getBytes(StandardCharsets.UTF_8), List.of());
    if (run.exit != 0) {
      if (run.notFound()) {
        return null;
      }
      throw run.failure("get");
    }
    JsonNode json;
    try {
      json = JsonTree.standard().read(run.out);
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw new OciException("credential helper " + PREFIX + name + " printed something other than JSON");
    }
    String user = json.path("Username").asText("");
    String secret = json.path("Secret").asText("");
    if (secret.isEmpty()) {
      return null;
    }
    return "<token>".equals(user) ? Credential.identityToken(secret) : Credential.basic(user, secret);
  }

  /** Hands {@code credential} for {@code serverUrl} to helper {@code name} to keep. */
  public void store(String name, String serverUrl, Credential credential) throws OciException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("ServerURL", serverUrl);
    String secret = credential.identityToken() != null ? credential.identityToken() : credential.password();
    body.put("Username", credential.identityToken() != null ? "<token>" : credential.username());
    body.put("Secret", secret);
    byte[] input = body.toString().getBytes(StandardCharsets.UTF_8);
    List<String> secrets = new ArrayList<>();
    secrets.add(secret);
    if (credential.username() != null && credential.password() != null) {
      secrets.add(Base64.getEncoder().encodeToString(
          (credential.username() + ":" + credential.password()).getBytes(StandardCharsets.UTF_8)));
    }
    Run run = run(name, "store", input, secrets);
    if (run.exit != 0) {
      throw run.failure("store");
    }
  }

  /** Asks helper {@code name} to forget {@code serverUrl}; false when it had nothing for it. */
  public boolean erase(String name, String serverUrl) throws OciException {
    Run run = run(name, "erase", serverUrl.getBytes(StandardCharsets.UTF_8), List.of());
    if (run.exit != 0) {
      if (run.notFound()) {
        return false;
      }
      throw run.failure("erase");
    }
    return true;
  }

  /** What one helper run printed; {@code out} and {@code err} already have the secrets replaced. */
  private record Run(String program, int exit, byte[] out, String err, List<String> secrets) {
    boolean notFound() {
      return text().toLowerCase(Locale.ROOT).contains("credentials not found");
    }

    String text() {
      return redact(new String(out, StandardCharsets.UTF_8), secrets) + "\n" + err;
    }

    OciException failure(String verb) {
      String said = text().strip().lines().map(String::strip).filter(l -> !l.isEmpty())
          .reduce((a, b) -> a + "; " + b).orElse("");
      if (said.length() > 300) {
        said = said.substring(0, 300) + "...";
      }
      return new OciException("credential helper " + program + " " + verb + " failed with exit code " + exit
          + (said.isEmpty() ? "" : ": " + said));
    }
  }

  private Run run(String name, String verb, byte[] input, List<String> secrets) throws OciException {
    String program = PREFIX + name;
    if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
      throw new OciException("credential helper name \"" + name + "\" is not a plain name (" + program + ")");
    }
    String command = locate(program);
    Process p;
    try {
      p = new ProcessBuilder(command, verb).start();
    } catch (IOException e) {
      throw new OciException("credential helper " + program + " cannot be run: "
          + (e.getMessage() != null && e.getMessage().contains("error=2") ? "not found on the PATH" : e.getMessage()));
    }
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(input);
      } catch (IOException e) {
        // the helper exited without reading: its exit code and output tell why
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new OciException("credential helper " + program + " " + verb + " did not finish within "
            + timeout.toSeconds() + " s");
      }
      byte[] stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String stderr = redact(new String(err.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
          StandardCharsets.UTF_8), secrets);
      return new Run(program, p.exitValue(), stdout, stderr, secrets);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new OciException("interrupted while running credential helper " + program);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new OciException("credential helper " + program + " " + verb + ": its output could not be read");
    }
  }

  /** The command to start: a path when a directory or search path is given, else the bare name. */
  private String locate(String program) throws OciException {
    if (directory != null) {
      Path p = directory.resolve(program);
      if (!Files.isExecutable(p)) {
        throw new OciException("credential helper " + program + " not found in " + directory);
      }
      return p.toString();
    }
    if (searchPath == null) {
      return program;
    }
    for (Path dir : searchPath) {
      Path p = dir.resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new OciException("credential helper " + program + " not found on the PATH");
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (stream) {
        byte[] bytes = stream.readNBytes(MAX_OUTPUT);
        stream.transferTo(OutputStream.nullOutputStream());
        result.complete(bytes);
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    }, "credential-helper-output");
    t.setDaemon(true);
    t.start();
    return result;
  }

  private static String redact(String text, List<String> secrets) {
    String s = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s = s.replace(secret, "***");
      }
    }
    return s;
  }
}
