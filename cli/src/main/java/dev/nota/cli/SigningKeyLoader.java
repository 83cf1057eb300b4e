package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.LocalKey;
import dev.nota.core.key.Pkcs11Key;
import dev.nota.core.key.Pkcs12Key;
import dev.nota.core.key.SigningKeys;
import java.util.Arrays;

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
    // Other kinds of keys (plugins) are dispatched here, before the local-file case.
    if (entry.isPlugin()) {
      throw new UserException("key \"" + entry.name() + "\" uses plugin \"" + entry.pluginName()
          + "\"; nota does not run signing plugins yet");
    }
    return LocalKey.load(entry.keyPath(), entry.certPath());
  }
}
