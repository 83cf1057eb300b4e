package dev.nota.cli;

import dev.nota.oci.registry.DockerConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota logout}: forgets a registry's credentials wherever {@code nota login} (or docker) put them: through the
 * credential helper docker's {@code config.json} names for it, and in the file's {@code auths}. Like docker, logging
 * out of a registry one is not logged in to says so and succeeds.
 */
@Command(name = "logout",
    description = "Remove the stored credentials of a registry.")
final class LogoutCommand implements Callable<Integer>, Nota.Debuggable {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry: host[:port], e.g. localhost:5000.")
  String server;

  @Option(names = {"-d", "--debug"}, description = "Print debug output (never secrets).")
  boolean debug;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  private final Context context;

  LogoutCommand(Context context) {
    this.context = context;
  }

  @Override
  public boolean debug() {
    return debug;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String registry = LoginCommand.registryOf(server);
    DockerConfig config = LoginCommand.dockerConfig(context);
    if (debug) {
      String helper = LoginCommand.local(() -> config.helperFor(registry));
      spec.commandLine().getErr().println("debug: erasing the credentials of " + registry + " from "
          + (helper == null ? "" : "docker-credential-" + helper + " and ") + config.file());
    }
    boolean erased = LoginCommand.local(() -> config.erase(registry));
    String shown = DockerConfig.serverAddress(registry);
    out.println(erased ? "Removing login credentials for " + shown : "Not logged in to " + shown);
    return ExitCode.OK;
  }
}
