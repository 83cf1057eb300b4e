package dev.nota.core.key;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One named key of notation's {@code signingkeys.json}: either local files ({@code keyPath} and {@code certPath},
 * the chain leaf first) or a key held by a notation plugin ({@code id}, {@code pluginName} and the optional
 * {@code pluginConfig} passed to the plugin). Exactly one of the two forms is set.
 */
public record KeyEntry(
    String name, Path keyPath, Path certPath, String pluginName, String id, Map<String, String> pluginConfig) {

  /**
   * @throws IllegalArgumentException for an empty name, or a key that is neither (or both) local files and a plugin
   *     key
   */
  public KeyEntry {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a signing key needs a name");
    }
    boolean local = keyPath != null || certPath != null;
    boolean plugin = pluginName != null || id != null;
    if (local == plugin) {
      throw new IllegalArgumentException("signing key \"" + name + "\" must be either local files (keyPath and "
          + "certPath) or a plugin key (pluginName and id)");
    }
    if (local && (keyPath == null || certPath == null)) {
      throw new IllegalArgumentException("signing key \"" + name + "\" needs both keyPath and certPath");
    }
    if (plugin && (pluginName == null || pluginName.isEmpty() || id == null || id.isEmpty())) {
      throw new IllegalArgumentException("signing key \"" + name + "\" needs both pluginName and id");
    }
    if (!plugin && pluginConfig != null && !pluginConfig.isEmpty()) {
      throw new IllegalArgumentException("signing key \"" + name + "\" has pluginConfig but is not a plugin key");
    }
    if (pluginConfig != null) {
      pluginConfig.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new IllegalArgumentException("signing key \"" + name + "\" has a null pluginConfig entry");
        }
      });
    }
    // Sorted, as Go writes map keys, so that saving is deterministic.
    pluginConfig = pluginConfig == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(pluginConfig));
  }

  /** A key in local PEM files. */
  public static KeyEntry local(String name, Path keyPath, Path certPath) {
    return new KeyEntry(name, keyPath, certPath, null, null, null);
  }

  /** A key that the plugin {@code pluginName} holds under {@code id}. */
  public static KeyEntry plugin(String name, String id, String pluginName, Map<String, String> pluginConfig) {
    return new KeyEntry(name, null, null, pluginName, id, pluginConfig);
  }

  /** Whether a plugin holds this key (otherwise it is in local files). */
  public boolean isPlugin() {
    return pluginName != null;
  }
}
