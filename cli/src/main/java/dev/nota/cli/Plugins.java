package dev.nota.cli;

import dev.nota.core.plugin.PluginHost;
import dev.nota.core.plugin.PluginOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the CLI finds notation plugins and how it runs them: {@code <config>/plugins/<name>/notation-<name>} (the
 * layout notation uses under its configuration directory, so one directory serves both tools), each command limited
 * to {@code $NOTA_PLUGIN_TIMEOUT} (default 60s), the plugin's standard error shown only with {@code --debug}.
 */
final class Plugins {
  /** The environment variable that changes how long one plugin command may run. */
  static final String TIMEOUT_ENV = "NOTA_PLUGIN_TIMEOUT";

  private Plugins() {}

  /** The plugin directory of the configuration in {@code context}. */
  static Path directory(Context context) {
    return context.config().root().resolve("plugins");
  }

  /**
   * The plugin host of the configuration in {@code context}; {@code debug} (may be null) receives each line a plugin
   * writes to its standard error.
   */
  static PluginHost host(Context context, PrintWriter debug) throws UserException {
    PluginOptions options = PluginOptions.defaults();
    String timeout = context.env().get(TIMEOUT_ENV);
    if (timeout != null && !timeout.isBlank()) {
      Duration d;
      try {
        d = Durations.parse(timeout.strip());
      } catch (UserException e) {
        throw new UserException(TIMEOUT_ENV + ": " + e.getMessage());
      }
      options = options.withTimeout(d);
    }
    if (debug != null) {
      options = options.withDebug(line -> debug.println("plugin: " + line));
    }
    return new PluginHost(directory(context), options);
  }
}
