package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.LocalKey;
import dev.nota.core.key.Pkcs11Key;
import dev.nota.core.key.Pkcs12Key;
import dev.nota.core.key.SigningKeys;
import dev.nota.core.plugin.PluginKey;
import dev.nota.core.plugin.PluginMetadata;
import dev.nota.core.sign.Signer;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a key name of {@code signingkeys.json} into something that signs, for every command that signs ({@code sign},
 * {@code blob sign}, {@code copy}'s promotion): the one place that knows the kinds of keys nota supports.
 */
final class SigningKeyLoader {
  private SigningKeyLoader() {}

  /** The signer for key {@code name} (null: the default key), with no password or PIN flags given. */
  static PrimitiveSigner load(Context context, String name) throws Exception {
    return load(context, name, new KeySecretOptions());
  }

  /**
   * The signer for key {@code name} (null: the default key) of the configuration in {@code context}; a PKCS#12
   * password or token PIN comes from {@code secrets} (or a prompt).
   */
  static PrimitiveSigner load(Context context, String name, KeySecretOptions secrets) throws Exception {
    KeyEntry entry = SigningKeys.load(context.config().root()).get(name);
    if (entry.kind() == KeyEntry.Kind.PKCS11) {
      char[] pin = secrets.read(context, "PIN of token \"" + entry.pkcs11().tokenLabel() + "\" (key \""
          + entry.name() + "\")");
      try {
        return Pkcs11Key.open(entry.pkcs11(), entry.certPath(), pin, context.clock());
      } finally {
        Arrays.fill(pin, '\0');
      }
    }
    if (entry.kind() == KeyEntry.Kind.FILES && entry.keyPath().equals(entry.certPath())
        && Pkcs12Key.isBundle(entry.keyPath())) {
      char[] password = secrets.read(context, "password of PKCS#12 key \"" + entry.name() + "\"");
      try {
        return Pkcs12Key.load(entry.keyPath(), entry.pkcs12Alias(), password, context.clock());
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    if (entry.isPlugin()) {
      Loaded key = plugin(context, entry.pluginName(), entry.id(), entry.pluginConfig(), null);
      if (key.raw() == null) {
        throw new UserException("key \"" + entry.name() + "\" is held by plugin \"" + entry.pluginName()
            + "\", which builds whole envelopes (" + PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE + "); this command "
            + "needs a plugin that signs raw bytes (" + PluginMetadata.SIGNATURE_GENERATOR_RAW + ")");
      }
      return key.raw();
    }
    return LocalKey.load(entry.keyPath(), entry.certPath());
  }

  /**
   * A key in the form its holder signs with: {@code raw} when nota builds the envelope (every key but an envelope
   * plugin's), else {@code envelope}. Exactly one is set.
   */
  record Loaded(PrimitiveSigner raw, Signer.EnvelopeProducer envelope) {}

  /**
   * The key {@code name} (null: the default key), in either form; for a plugin key, {@code pluginConfig} is added to
   * (and overrides) the key's stored {@code pluginConfig}, and {@code debug} (may be null) receives the plugin's
   * standard error.
   */
  static Loaded loadAny(Context context, String name, KeySecretOptions secrets, Map<String, String> pluginConfig,
      PrintWriter debug) throws Exception {
    KeyEntry entry = SigningKeys.load(context.config().root()).get(name);
    if (entry.isPlugin()) {
      Map<String, String> config = new TreeMap<>(entry.pluginConfig());
      config.putAll(pluginConfig);
      return plugin(context, entry.pluginName(), entry.id(), config, debug);
    }
    if (!pluginConfig.isEmpty()) {
      throw new UserException("--plugin-config is for plugin keys, and key \"" + entry.name() + "\" is not one");
    }
    return new Loaded(load(context, name, secrets), null);
  }

  /** The key {@code keyId} of the installed plugin {@code pluginName}, opened (metadata read, key described). */
  static Loaded plugin(Context context, String pluginName, String keyId, Map<String, String> pluginConfig,
      PrintWriter debug) throws Exception {
    PluginKey key = PluginKey.open(Plugins.host(context, debug).get(pluginName), keyId, pluginConfig);
    return new Loaded(key.raw(), key.envelope());
  }
}
