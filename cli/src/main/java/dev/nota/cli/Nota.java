package dev.nota.cli;

import dev.nota.core.NotaException;
import dev.nota.oci.InvalidReferenceException;
import dev.nota.oci.OciException;
import dev.nota.policy.PolicyException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code nota} command: signs and verifies OCI artifacts the way notation does. */
@Command(
    name = "nota",
    mixinStandardHelpOptions = true,
    versionProvider = Nota.Version.class,
    description = "Sign and verify OCI artifacts, compatible with the Notary Project's notation.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:verification failed or no signature",
      "2:usage or configuration error",
      "3:registry or network error",
      "4:internal error"
    },
    subcommands = {
      SignCommand.class,
      VerifyCommand.class,
      ListCommand.class,
      InspectCommand.class,
      CertCommand.class,
      KeyCommand.class,
      PolicyCommand.class,
      BlobCommand.class,
      AttachCommand.class,
      DiscoverCommand.class,
      SignatureCommand.class,
      CopyCommand.class,
      PromoteCommand.class,
      RegistryCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      VersionCommand.class,
      TufCommand.class,
      PluginCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Nota implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    System.exit(run(Context.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs nota with {@code args} in {@code context}, printing to {@code out} and {@code err}; returns the exit code. */
  static int run(Context context, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(context, args.length == 0 ? null : args[0]);
    cli.setOut(out);
    cli.setErr(err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine(Context context) {
    return commandLine(context, null);
  }

  /**
   * The command line for a run whose first argument is {@code first}. Building picocli's model of every command by
   * reflection costs a fifth of a {@code verify} (measured: ~190 ms of ~1 s on JDK 17 without a cache, see
   * BENCHMARKS.md), so when {@code first} names a command, only that command's model is built, under a bare root;
   * anything else (no argument, an option such as {@code --help}, an unknown or misspelt command, completion) gets
   * the full tree, so help, suggestions and completion see every command.
   */
  static CommandLine commandLine(Context context, String first) {
    Factory factory = new Factory(context);
    Class<?> only = first == null || first.startsWith("-") ? null : subcommandNamed(first);
    CommandLine cli;
    if (only == null) {
      cli = new CommandLine(new Nota(), factory);
    } else {
      cli = new CommandLine(new Root(), factory);
      cli.addSubcommand(new CommandLine(only, factory));
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine));
    cli.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("Error: " + e.getMessage());
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help' for more information.");
      return ExitCode.USAGE;
    });
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    addHelp(cli);
    // "-@sha256:..." and "-:tag" name an OCI layout archive on standard input; picocli would take them for options.
    for (String name : new String[] {"sign", "verify", "list", "inspect", "discover"}) {
      CommandLine sub = cli.getSubcommands().get(name);
      if (sub != null) {
        sub.setUnmatchedOptionsArePositionalParams(true);
      }
    }
    return cli;
  }

  /** Gives every subcommand, at every depth, {@code -h/--help} (the root's standard options do not reach them). */
  private static void addHelp(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
        spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
            .description("Show this help message and exit.").build());
      }
      addHelp(sub);
    }
  }

  /** The top-level command class named (or aliased) {@code name}, from the annotations alone; or null. */
  private static Class<?> subcommandNamed(String name) {
    for (Class<?> c : Nota.class.getAnnotation(Command.class).subcommands()) {
      Command command = c.getAnnotation(Command.class);
      if (command == null || c == AutoComplete.GenerateCompletion.class) {
        continue; // completion needs the whole tree
      }
      if (command.name().equals(name) || Arrays.asList(command.aliases()).contains(name)) {
        return c;
      }
    }
    return null;
  }

  /** The root when only the chosen command is built: it never runs itself, its one subcommand does. */
  @Command(name = "nota")
  private static final class Root {}

  /** Prints one line for {@code e} and picks the exit code for it. */
  private static int report(Exception e, CommandLine commandLine) {
    PrintWriter err = commandLine.getErr();
    int code = exitCode(e);
    err.println("Error: " + oneLine(e));
    if (code == ExitCode.INTERNAL || isDebug(commandLine)) {
      e.printStackTrace(err);
    }
    return code;
  }

  static int exitCode(Exception e) {
    if (e instanceof UserException u) {
      return u.exitCode();
    }
    if (e instanceof InvalidReferenceException || e instanceof PolicyException) {
      return ExitCode.USAGE;
    }
    if (e instanceof NotaException) {
      return ExitCode.USAGE;
    }
    if (e instanceof OciException) {
      return ExitCode.REGISTRY;
    }
    if (e instanceof java.io.IOException) {
      return ExitCode.REGISTRY;
    }
    return ExitCode.INTERNAL;
  }

  static String oneLine(Exception e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    return m.replace('\n', ' ').replace('\r', ' ');
  }

  private static boolean isDebug(CommandLine commandLine) {
    for (CommandLine c = commandLine; c != null; c = c.getParent()) {
      Object o = c.getCommand();
      if (o instanceof Debuggable d && d.debug()) {
        return true;
      }
    }
    return false;
  }

  /** A command that has a {@code --debug} flag. */
  interface Debuggable {
    boolean debug();
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"nota " + version(), "Java " + Runtime.version()};
    }

    static String version() {
      String v = Nota.class.getPackage().getImplementationVersion();
      return v == null ? "development" : v;
    }
  }

  /** Creates commands, handing the context to those whose constructor takes one. */
  private record Factory(Context context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      for (Constructor<?> c : cls.getDeclaredConstructors()) {
        if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Context.class) {
          c.setAccessible(true);
          return cls.cast(c.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
