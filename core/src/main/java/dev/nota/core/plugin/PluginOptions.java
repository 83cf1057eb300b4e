package dev.nota.core.plugin;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How plugins run: the longest one command may take before the process is killed, the most bytes read from each of
 * its standard output and standard error (the protocol's limit is 64 MiB), and where debug lines go (the plugin's
 * standard error, never shown otherwise except abbreviated in a one-line error).
 */
public record PluginOptions(Duration timeout, long maxOutput, Consumer<String> debug) {
  /** The protocol's limit on each of a plugin's output streams. */
  public static final long MAX_OUTPUT = 64L * 1024 * 1024;
  /** The default time limit of one plugin command. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public PluginOptions {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the plugin timeout must be positive, not " + timeout);
    }
    if (maxOutput <= 0) {
      throw new IllegalArgumentException("the plugin output limit must be positive");
    }
    debug = debug == null ? line -> { } : debug;
  }

  public static PluginOptions defaults() {
    return new PluginOptions(DEFAULT_TIMEOUT, MAX_OUTPUT, null);
  }

  public PluginOptions withTimeout(Duration t) {
    return new PluginOptions(t, maxOutput, debug);
  }

  public PluginOptions withMaxOutput(long bytes) {
    return new PluginOptions(timeout, bytes, debug);
  }

  public PluginOptions withDebug(Consumer<String> sink) {
    return new PluginOptions(timeout, maxOutput, sink);
  }
}
