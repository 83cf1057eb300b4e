package dev.nota.core.key;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One named key of notation's {@code signingkeys.json}, in one of three forms:
 * <ul>
 *   <li>files ({@code keyPath} and {@code certPath}, the chain leaf first): a PEM key, or a PKCS#12 bundle when both
 *       paths name the same binary file (then {@code pkcs12Alias} may pick one of several keys in it);
 *   <li>a key on a PKCS#11 token ({@code pkcs11}, stored as a PKCS#11 URI in {@code keyPath}), its chain from the
 *       token or from the PEM file {@code certPath};
 *   <li>a key held by a notation plugin ({@code id}, {@code pluginName} and the optional {@code pluginConfig}).
 * </ul>
 * The PKCS#12 and PKCS#11 forms use only fields notation keeps when it rewrites the file (except the optional
 * alias), so notation loads, lists and preserves them; it just cannot sign with them.
 */
public record KeyEntry(String name, Path keyPath, Path certPath, String pluginName, String id,
    Map<String, String> pluginConfig, Pkcs11Uri pkcs11, String pkcs12Alias) {

  /** The kinds of key nota can sign with. */
  public enum Kind {
    /** {@code keyPath} and {@code certPath}: a PEM key, or a PKCS#12 bundle (see {@link Pkcs12Key#isBundle}). */
    FILES,
    /** A key on a PKCS#11 token. */
    PKCS11,
    /** A key a notation plugin holds. */
    PLUGIN
  }

  /**
   * @throws IllegalArgumentException for an empty name, or fields of more than one form (or of none)
   */
  public KeyEntry {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a signing key needs a name");
    }
    boolean token = pkcs11 != null;
    boolean local = !token && (keyPath != null || certPath != null);
    boolean plugin = pluginName != null || id != null;
    if ((local ? 1 : 0) + (token ? 1 : 0) + (plugin ? 1 : 0) != 1 || (token && keyPath != null)) {
      throw new IllegalArgumentException("signing key \"" + name + "\" must be exactly one of: local files (keyPath "
          + "and certPath), a PKCS#11 token key, or a plugin key (pluginName and id)");
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
    if (pkcs12Alias != null && (!local || pkcs12Alias.isEmpty())) {
      throw new IllegalArgumentException("signing key \"" + name + "\": a PKCS#12 alias needs a non-empty value and "
          + "a key file");
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

  /** The form of notation's fields only: local files or a plugin key. */
  public KeyEntry(String name, Path keyPath, Path certPath, String pluginName, String id,
      Map<String, String> pluginConfig) {
    this(name, keyPath, certPath, pluginName, id, pluginConfig, null, null);
  }

  /** A key in local PEM files. */
  public static KeyEntry local(String name, Path keyPath, Path certPath) {
    return new KeyEntry(name, keyPath, certPath, null, null, null, null, null);
  }

  /**
   * A key in a PKCS#12 bundle: {@code keyPath} and {@code certPath} both name the bundle; {@code alias} (may be
   * null) picks the key when the bundle holds several.
   */
  public static KeyEntry pkcs12(String name, Path bundle, String alias) {
    return new KeyEntry(name, bundle, bundle, null, null, null, null, alias);
  }

  /** A key on a PKCS#11 token; {@code certChain} (may be null: the chain is on the token) is a PEM chain file. */
  public static KeyEntry pkcs11(String name, Pkcs11Uri key, Path certChain) {
    return new KeyEntry(name, null, certChain, null, null, null, key, null);
  }

  /** A key that the plugin {@code pluginName} holds under {@code id}. */
  public static KeyEntry plugin(String name, String id, String pluginName, Map<String, String> pluginConfig) {
    return new KeyEntry(name, null, null, pluginName, id, pluginConfig, null, null);
  }

  /** Which form this key has. */
  public Kind kind() {
    return pkcs11 != null ? Kind.PKCS11 : pluginName != null ? Kind.PLUGIN : Kind.FILES;
  }

  /** Whether a plugin holds this key. */
  public boolean isPlugin() {
    return pluginName != null;
  }
}
