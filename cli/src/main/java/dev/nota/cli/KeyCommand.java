package dev.nota.cli;

import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.LocalKey;
import dev.nota.core.key.SigningKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nota key}: manage signing keys in notation's {@code signingkeys.json}. */
@Command(name = "key", description = "Manage signing keys.",
    subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Delete.class, KeyCommand.Update.class})
final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", description = "Register a key file and its certificate chain file as a signing key.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--key", required = true, paramLabel = "PEM", description = "Private key (PKCS#8, PKCS#1 or SEC1 PEM).")
    Path keyFile;
    @Option(names = "--cert", required = true, paramLabel = "PEM", description = "Certificate chain, leaf first.")
    Path certFile;
    @Option(names = "--default", description = "Make it the default signing key.") boolean makeDefault;
    private final Context context;

    Add(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      LocalKey.load(keyFile, certFile); // refuse unusable keys now rather than at signing time
      Path root = context.config().root();
      SigningKeys keys = SigningKeys.load(root).add(
          new KeyEntry(name, keyFile.toAbsolutePath(), certFile.toAbsolutePath(), null, null, null), makeDefault);
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
        out.printf("%-22s %-40s %s%n", mark + e.name(), e.isPlugin() ? "" : String.valueOf(e.keyPath()),
            e.isPlugin() ? "plugin " + e.pluginName() + " id " + e.id() : String.valueOf(e.certPath()));
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
