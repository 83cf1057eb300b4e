package dev.nota.cli;

import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.LocalKey;
import dev.nota.core.key.Pkcs11Key;
import dev.nota.core.key.Pkcs11Uri;
import dev.nota.core.key.Pkcs12Key;
import dev.nota.core.key.SigningKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nota key}: manage signing keys in notation's {@code signingkeys.json}. */
@Command(name = "key", description = "Manage signing keys (PEM files, PKCS#12 bundles, PKCS#11 tokens, plugins).",
    subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Delete.class, KeyCommand.Update.class})
final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", description = "Register a signing key: PEM files, a PKCS#12 bundle, a key on a PKCS#11 "
      + "token, or a key a plugin holds. The key is opened (and the chain checked) now; passwords and PINs are never "
      + "stored.",
      footer = {"%nExamples:",
          "  nota key add dev --key dev.key --cert dev.crt",
          "  nota key add release --pkcs12 release.p12 --password-env P12_PASSWORD",
          "  nota key add hsm --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token-label ci --key-label signing"
              + " --pin-stdin",
          "  nota key add kms --plugin com.example.kms --id arn:key/1 --plugin-config region=eu-west-1"})
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--key", paramLabel = "PEM", description = "Private key (PKCS#8, PKCS#1 or SEC1 PEM).")
    Path keyFile;
    @Option(names = "--cert", paramLabel = "PEM", description = "Certificate chain, leaf first.")
    Path certFile;
    @Option(names = "--pkcs12", paramLabel = "FILE", description = "PKCS#12 bundle (.p12/.pfx) with key and chain.")
    Path pkcs12;
    @Option(names = "--alias", description = "The key's alias in the PKCS#12 bundle, if it holds several.")
    String alias;
    @Option(names = "--password-stdin", description = "Read the PKCS#12 password from standard input.")
    boolean passwordStdin;
    @Option(names = "--password-env", paramLabel = "NAME", description = "Take the PKCS#12 password from $NAME.")
    String passwordEnv;
    @Option(names = "--pkcs11-module", paramLabel = "LIB", description = "The token's PKCS#11 module (.so).")
    Path module;
    @Option(names = "--token-label", paramLabel = "LABEL", description = "The token's label.") String tokenLabel;
    @Option(names = "--key-label", paramLabel = "LABEL", description = "The private key's label on the token.")
    String keyLabel;
    @Option(names = "--cert-chain", paramLabel = "PEM",
        description = "Certificate chain (leaf first) for a token key whose certificate is not on the token.")
    Path certChain;
    @Option(names = "--pin-stdin", description = "Read the token PIN from standard input.") boolean pinStdin;
    @Option(names = "--pin-env", paramLabel = "NAME", description = "Take the token PIN from $NAME.") String pinEnv;
    @Option(names = "--plugin", paramLabel = "NAME", description = "The installed plugin that holds the key.")
    String plugin;
    @Option(names = "--id", paramLabel = "KEY_ID", description = "The key's id in the plugin.") String id;
    @Option(names = "--plugin-config", paramLabel = "KEY=VALUE",
        description = "Settings stored with the key and passed to the plugin (repeatable).")
    List<String> pluginConfig;
    @Option(names = "--default", description = "Make it the default signing key.") boolean makeDefault;
    private final Context context;

    Add(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      boolean files = keyFile != null || certFile != null;
      boolean bundle = pkcs12 != null;
      boolean token = module != null || tokenLabel != null || keyLabel != null;
      boolean held = plugin != null || id != null;
      if ((files ? 1 : 0) + (bundle ? 1 : 0) + (token ? 1 : 0) + (held ? 1 : 0) != 1) {
        throw new UserException("give exactly one kind of key: --key and --cert, --pkcs12 FILE, --pkcs11-module "
            + "LIB with --token-label and --key-label, or --plugin NAME with --id KEY_ID");
      }
      if (!held && pluginConfig != null) {
        throw new UserException("--plugin-config is for --plugin keys");
      }
      if (!bundle && (alias != null || passwordStdin || passwordEnv != null)) {
        throw new UserException("--alias, --password-stdin and --password-env are for --pkcs12 keys");
      }
      if (!token && (certChain != null || pinStdin || pinEnv != null)) {
        throw new UserException("--cert-chain, --pin-stdin and --pin-env are for --pkcs11-module keys");
      }
      Path root = context.config().root();
      SigningKeys keys = SigningKeys.load(root);
      KeyEntry entry;
      if (held) {
        if (plugin == null || id == null || plugin.isEmpty() || id.isEmpty()) {
          throw new UserException("a plugin key needs both --plugin NAME and --id KEY_ID");
        }
        entry = KeyEntry.plugin(name, id, plugin, KeyValues.parse("--plugin-config", pluginConfig));
        keys = keys.add(entry, makeDefault);
        // Like the other kinds, the key is opened now: the plugin runs and describes the key.
        SigningKeyLoader.plugin(context, plugin, id, entry.pluginConfig(), null);
      } else if (files) {
        if (keyFile == null || certFile == null) {
          throw new UserException("a key in files needs both --key and --cert");
        }
        entry = KeyEntry.local(name, keyFile.toAbsolutePath(), certFile.toAbsolutePath());
        keys = keys.add(entry, makeDefault); // a taken name is refused before anything is opened
        LocalKey.load(keyFile, certFile); // refuse unusable keys now rather than at signing time
      } else if (bundle) {
        if (alias != null && alias.isEmpty()) {
          throw new UserException("--alias must not be empty");
        }
        entry = KeyEntry.pkcs12(name, pkcs12.toAbsolutePath(), alias);
        keys = keys.add(entry, makeDefault);
        char[] password = KeySecretOptions.read(context, passwordStdin, passwordEnv,
            "password of PKCS#12 file " + pkcs12, "--password-stdin or --password-env NAME");
        try {
          Pkcs12Key.load(pkcs12, alias, password, context.clock());
        } finally {
          Arrays.fill(password, '\0');
        }
      } else {
        if (module == null || tokenLabel == null || keyLabel == null) {
          throw new UserException("a token key needs --pkcs11-module, --token-label and --key-label");
        }
        Pkcs11Uri uri;
        try {
          uri = new Pkcs11Uri(module.toAbsolutePath(), tokenLabel, keyLabel);
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage());
        }
        entry = KeyEntry.pkcs11(name, uri, certChain == null ? null : certChain.toAbsolutePath());
        keys = keys.add(entry, makeDefault);
        char[] pin = KeySecretOptions.read(context, pinStdin, pinEnv, "PIN of token \"" + tokenLabel + "\"",
            "--pin-stdin or --pin-env NAME");
        try {
          Pkcs11Key.open(uri, certChain, pin, context.clock());
        } finally {
          Arrays.fill(pin, '\0');
        }
      }
      keys.save(root);
      spec.commandLine().getOut().println(name + (makeDefault ? ": added and marked as the default key" : ": added"));
      return ExitCode.OK;
    }
  }

  @Command(name = "list", aliases = "ls", description = "List signing keys; * marks the default.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;
    private final Context context;

    ListKeys(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      SigningKeys keys = SigningKeys.load(context.config().root());
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-22s %-40s %s%n", "NAME", "KEY PATH", "CERTIFICATE PATH / PLUGIN");
      for (KeyEntry e : keys.keys()) {
        String mark = e.name().equals(keys.defaultKey()) ? "* " : "  ";
        String key = switch (e.kind()) {
          case PLUGIN -> "";
          case PKCS11 -> e.pkcs11().toString();
          case FILES -> String.valueOf(e.keyPath());
        };
        String cert = switch (e.kind()) {
          case PLUGIN -> "plugin " + e.pluginName() + " id " + e.id();
          case PKCS11 -> e.certPath() == null ? "(on the token)" : String.valueOf(e.certPath());
          case FILES -> e.certPath() + (e.pkcs12Alias() == null ? "" : " alias " + e.pkcs12Alias());
        };
        out.printf("%-22s %-40s %s%n", mark + e.name(), key, cert);
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", aliases = "rm", description = "Remove keys from signingkeys.json (files stay).")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(arity = "1..*", paramLabel = "NAME") List<String> names;
    private final Context context;

    Delete(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path root = context.config().root();
      SigningKeys keys = SigningKeys.load(root);
      for (String n : names) {
        keys = keys.remove(n);
      }
      keys.save(root);
      names.forEach(n -> spec.commandLine().getOut().println("Removed " + n + " from signing key list"));
      return ExitCode.OK;
    }
  }

  @Command(name = "update", aliases = "set", description = "Change a key's settings (--default).")
  static final class Update implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--default", required = true, description = "Make it the default signing key.") boolean makeDefault;
    private final Context context;

    Update(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path root = context.config().root();
      SigningKeys.load(root).withDefault(name).save(root);
      spec.commandLine().getOut().println(name + ": marked as the default key");
      return ExitCode.OK;
    }
  }
}
