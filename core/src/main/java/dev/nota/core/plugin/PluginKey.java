package dev.nota.core.plugin;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.sign.Signer;
import java.util.Map;

/**
 * A signing key held by a plugin, in the form its capabilities allow: a {@link PrimitiveSigner} for a
 * {@code SIGNATURE_GENERATOR.RAW} plugin (nota builds and may timestamp the envelope), else an
 * {@link Signer.EnvelopeProducer} for a {@code SIGNATURE_GENERATOR.ENVELOPE} plugin. Exactly one is set; a plugin
 * with both is used as a raw signer, as notation does.
 */
public record PluginKey(PluginSigner raw, PluginEnvelopeProducer envelope) {

  /**
   * Opens key {@code keyId} of plugin {@code plugin}: reads its metadata and, for a raw signer, describes the key.
   *
   * @throws PluginException when the plugin cannot be run, answers wrongly, or has no signing capability
   */
  public static PluginKey open(Plugin plugin, String keyId, Map<String, String> pluginConfig)
      throws PluginException {
    if (keyId == null || keyId.isEmpty()) {
      throw new PluginException("a plugin key needs a key id");
    }
    Map<String, String> config = pluginConfig == null ? Map.of() : pluginConfig;
    PluginMetadata metadata = plugin.metadata(config);
    if (metadata.has(PluginMetadata.SIGNATURE_GENERATOR_RAW)) {
      return new PluginKey(PluginSigner.described(plugin, keyId, config), null);
    }
    if (metadata.has(PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE)) {
      return new PluginKey(null, new PluginEnvelopeProducer(plugin, keyId, config));
    }
    throw new PluginException("plugin \"" + plugin.name() + "\" cannot sign (capabilities "
        + metadata.capabilities() + ")");
  }
}
