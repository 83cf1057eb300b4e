package dev.nota.core.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one plugin command: {@code notation-<name> <command>} with the JSON request on standard input, reading both
 * output streams concurrently up to the size limit, killing the process (and its children) at the time limit. A
 * zero exit must come with a JSON object on standard output; a non-zero exit is reported with the plugin's error
 * JSON from standard error when it gave one, else the first line of what it printed.
 */
final class PluginProcess {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** How much of standard error is kept for messages; the rest is drained and dropped. */
  private static final int KEPT_STDERR = 64 * 1024;

  private PluginProcess() {}

  /** Runs {@code command} of the plugin {@code name} at {@code executable} and returns its JSON response. */
  static JsonNode run(String name, Path executable, String command, JsonNode request, PluginOptions options)
      throws PluginException {
    String what = "plugin \"" + name + "\" " + command;
    byte[] input;
    try {
      input = JSON.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plugin request is always writable", e);
    }
    options.debug().accept(what + ": request " + new String(input, StandardCharsets.UTF_8));
    Process process;
    try {
      process = new ProcessBuilder(List.of(executable.toString(), command)).start();
    } catch (IOException e) {
      throw new PluginException(what + " could not be started: " + e.getMessage(), null, e);
    }
    Capture out = new Capture(process, process.getInputStream(), options.maxOutput(), options.maxOutput());
    Capture err = new Capture(process, process.getErrorStream(), options.maxOutput(), KEPT_STDERR);
    Thread writer = new Thread(() -> write(process.getOutputStream(), input), "plugin-stdin");
    writer.setDaemon(true);
    out.start();
    err.start();
    writer.start();
    int exit;
    try {
      boolean finished = process.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!finished || out.oversized() || err.oversized()) {
        kill(process);
      }
      out.join(5000);
      err.join(5000);
      if (!finished) {
        options.debug().accept(what + ": stderr " + err.text());
        throw new PluginException(what + " timed out after " + seconds(options) + " and was stopped");
      }
      exit = process.exitValue();
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new PluginException(what + " was interrupted", null, e);
    }
    options.debug().accept(what + ": exit " + exit + ", stderr " + err.text());
    if (out.oversized() || err.oversized()) {
      throw new PluginException(what + " printed more than " + options.maxOutput() + " bytes and was stopped");
    }
    if (exit != 0) {
      throw failure(what, exit, err.text());
    }
    String response = out.text();
    options.debug().accept(what + ": response " + PluginMetadata.abbreviate(response));
    JsonNode json;
    try {
      json = JSON.readTree(out.bytes());
    } catch (IOException e) {
      throw new PluginException(what + " returned a response that is not JSON: \""
          + PluginMetadata.abbreviate(response) + "\"");
    }
    if (json == null || !json.isObject()) {
      throw new PluginException(what + " returned a response that is not a JSON object: \""
          + PluginMetadata.abbreviate(response) + "\"");
    }
    return json;
  }

  /** The error for a non-zero exit: the protocol's error JSON when the plugin wrote one. */
  private static PluginException failure(String what, int exit, String stderr) {
    try {
      JsonNode e = JSON.readTree(stderr);
      if (e != null && e.isObject() && e.path("errorCode").isTextual()) {
        String code = e.get("errorCode").textValue();
        String message = e.path("errorMessage").asText("");
        return new PluginException(what + " failed: " + PluginMetadata.abbreviate(code)
            + (message.isEmpty() ? "" : ": " + PluginMetadata.abbreviate(message)), code, null);
      }
    } catch (IOException | RuntimeException ignored) {
      // Not the protocol's error JSON: report the first line of whatever it printed.
    }
    String first = stderr.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
    return new PluginException(what + " failed with exit code " + exit
        + (first.isEmpty() ? "" : ": " + PluginMetadata.abbreviate(first)));
  }

  private static void write(OutputStream stdin, byte[] input) {
    try (stdin) {
      stdin.write(input);
    } catch (IOException ignored) {
      // The plugin closed its input early; its answer (or exit code) says what went wrong.
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String seconds(PluginOptions options) {
    long ms = options.timeout().toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** Reads one output stream on its own thread, keeping at most {@code keep} bytes and noting overflow. */
  private static final class Capture extends Thread {
    private final Process process;
    private final InputStream in;
    private final long limit;
    private final int keep;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean oversized;

    Capture(Process process, InputStream in, long limit, long keep) {
      super("plugin-output");
      setDaemon(true);
      this.process = process;
      this.in = in;
      this.limit = limit;
      this.keep = (int) Math.min(keep, Integer.MAX_VALUE - 8);
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      long total = 0;
      try (in) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          total += n;
          if (total > limit) {
            oversized = true;
            kill(process);
            return;
          }
          synchronized (this) {
            int room = keep - kept.size();
            if (room > 0) {
              kept.write(buffer, 0, Math.min(room, n));
            }
          }
        }
      } catch (IOException ignored) {
        // The process was killed or closed the stream; what was read so far is what it said.
      }
    }

    boolean oversized() {
      return oversized;
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }

    String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }
  }
}
