package dev.nota.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where nota keeps its configuration: {@code $NOTA_CONFIG}, else {@code $XDG_CONFIG_HOME/nota}, else
 * {@code ~/.config/nota}. The layout inside is notation's, so a notation user can point nota at an existing one.
 */
record ConfigDir(Path root) {

  static ConfigDir fromEnvironment(Map<String, String> env) {
    String explicit = env.get("NOTA_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return new ConfigDir(Path.of(explicit));
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return new ConfigDir(Path.of(xdg, "nota"));
    }
    return new ConfigDir(Path.of(System.getProperty("user.home"), ".config", "nota"));
  }

  Path trustStoreRoot() {
    return root.resolve("truststore");
  }

  Path dockerConfig(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir, "config.json");
    }
    return Path.of(System.getProperty("user.home"), ".docker", "config.json");
  }
}
