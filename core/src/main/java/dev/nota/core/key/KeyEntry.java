package dev.nota.core.key;

import java.nio.file.Path;
import java.util.Map;

/**
 * One named key of {@code signingkeys.json}: local files ({@code keyPath}, {@code certPath}), or a key held by a
 * notation plugin ({@code id}, {@code pluginName}, {@code pluginConfig}).
 */
public record KeyEntry(
    String name, Path keyPath, Path certPath, String pluginName, String id, Map<String, String> pluginConfig) {

  public KeyEntry {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("key name must not be empty");
    }
    pluginConfig = pluginConfig == null ? Map.of() : Map.copyOf(pluginConfig);
  }

  /** A key in local files. */
  public static KeyEntry local(String name, Path keyPath, Path certPath) {
    return new KeyEntry(name, keyPath, certPath, null, null, null);
  }

  public boolean isPlugin() {
    return pluginName != null;
  }
}
