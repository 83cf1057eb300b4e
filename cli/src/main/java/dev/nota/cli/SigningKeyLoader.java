package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.LocalKey;
import dev.nota.core.key.SigningKeys;

/**
 * Turns a key name of {@code signingkeys.json} into something that signs, for every command that signs ({@code sign},
 * {@code blob sign}, {@code copy}'s promotion): the one place that knows the kinds of keys nota supports.
 */
final class SigningKeyLoader {
  private SigningKeyLoader() {}

  /** The signer for key {@code name} (null: the default key) of the configuration in {@code context}. */
  static PrimitiveSigner load(Context context, String name) throws Exception {
    KeyEntry entry = SigningKeys.load(context.config().root()).get(name);
    // Other kinds of keys (PKCS#12, PKCS#11, plugins) are dispatched here, before the local-file case.
    if (entry.isPlugin()) {
      throw new UserException("key \"" + entry.name() + "\" uses plugin \"" + entry.pluginName()
          + "\"; nota does not run signing plugins yet");
    }
    return LocalKey.load(entry.keyPath(), entry.certPath());
  }
}
