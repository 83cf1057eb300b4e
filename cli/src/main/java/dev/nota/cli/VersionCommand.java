package dev.nota.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nota version}. */
@Command(name = "version", description = "Show the nota version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("nota: " + Nota.Version.version());
    spec.commandLine().getOut().println("Java: " + Runtime.version());
    return ExitCode.OK;
  }
}
