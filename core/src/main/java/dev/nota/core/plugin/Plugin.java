package dev.nota.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One installed plugin: its name, its executable and how it is run. Every command starts a new process; nothing is
 * cached between commands (notation asks for the metadata before every use, and so does nota).
 */
public final class Plugin {
  private final String name;
  private final Path executable;
  private final PluginOptions options;

  Plugin(String name, Path executable, PluginOptions options) {
    this.name = Objects.requireNonNull(name, "name");
    this.executable = Objects.requireNonNull(executable, "executable");
    this.options = Objects.requireNonNull(options, "options");
  }

  public String name() {
    return name;
  }

  public Path executable() {
    return executable;
  }

  /** The same plugin run with other options. */
  public Plugin withOptions(PluginOptions other) {
    return new Plugin(name, executable, other);
  }

  /**
   * {@code get-plugin-metadata}, checked: every field present, the name the plugin's directory has, contract 1.0.
   */
  public PluginMetadata metadata(Map<String, String> pluginConfig) throws PluginException {
    ObjectNode request = PluginProcess.JSON.createObjectNode();
    request.set("pluginConfig", config(pluginConfig));
    return PluginMetadata.parse(name, run("get-plugin-metadata", request));
  }

  /** Runs {@code command} with {@code request} and returns the plugin's JSON object response. */
  public JsonNode run(String command, JsonNode request) throws PluginException {
    return PluginProcess.run(name, executable, command, request, options);
  }

  /** A {@code pluginConfig} JSON object. */
  static ObjectNode config(Map<String, String> pluginConfig) {
    ObjectNode node = PluginProcess.JSON.createObjectNode();
    if (pluginConfig != null) {
      pluginConfig.forEach(node::put);
    }
    return node;
  }

  /** A request object with {@code contractVersion} and {@code pluginConfig} already set. */
  static ObjectNode request(Map<String, String> pluginConfig) {
    ObjectNode node = PluginProcess.JSON.createObjectNode();
    node.put("contractVersion", PluginMetadata.CONTRACT_VERSION);
    node.set("pluginConfig", config(pluginConfig));
    return node;
  }

  /** The error for an answer that breaks the protocol. */
  PluginException invalid(String command, String problem) {
    return new PluginException("plugin \"" + name + "\" " + command + " returned an invalid response: " + problem);
  }

  @Override
  public String toString() {
    return name + " (" + executable + ")";
  }
}
