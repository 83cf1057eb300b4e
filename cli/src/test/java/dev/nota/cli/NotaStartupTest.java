package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Nota builds picocli's model of the one command a run names, not of all of them (a start-up cost); these tests
 * check that nobody can tell the difference from the outside.
 */
class NotaStartupTest {
  @TempDir Path home;

  private Context context() {
    return new Context(Map.of("NOTA_CONFIG", home.resolve("config").toString()),
        new ByteArrayInputStream(new byte[0]), Clock.systemUTC());
  }

  private static Class<?>[] commands() {
    return Nota.class.getAnnotation(Command.class).subcommands();
  }

  @Test
  void aRunNamingACommandBuildsOnlyThatCommand() {
    assertEquals(Set.of("verify"), Nota.commandLine(context(), "verify").getSubcommands().keySet());
    assertEquals(Set.of("list", "ls"), Nota.commandLine(context(), "ls").getSubcommands().keySet());
  }

  @Test
  void optionsUnknownCommandsAndCompletionGetEveryCommand() {
    int all = Nota.commandLine(context()).getSubcommands().size();
    for (String first : new String[] {"--help", "-V", "verfy", "generate-completion", ""}) {
      assertEquals(all, Nota.commandLine(context(), first).getSubcommands().size(), first);
    }
  }

  @Test
  void everySubcommandAtEveryDepthHasHelp(@TempDir Path home) {
    Cli cli = new Cli(home);
    for (String[] args : new String[][] {{"list", "--help"}, {"verify", "-h"}, {"sign", "--help"},
        {"blob", "sign", "--help"}, {"policy", "init", "-h"}, {"signature", "delete", "--help"}, {"login", "--help"},
        {"copy", "--help"}}) {
      Cli.Result r = cli.run(args);
      assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r);
      assertTrue(r.out().startsWith("Usage: nota " + args[0]), () -> String.join(" ", args) + ": " + r);
    }
  }

  @Test
  void helpListsEveryCommand() {
    String help = run(null, "--help");
    for (Class<?> c : commands()) {
      Command command = c.getAnnotation(Command.class);
      if (c != AutoComplete.GenerateCompletion.class) {
        assertTrue(help.contains("  " + command.name()), command.name() + " missing from:\n" + help);
      }
    }
  }

  @Test
  void theChosenCommandBehavesAsInTheFullTree() {
    String[][] runs = {
      {"verify"}, {"verify", "--help"}, {"sign", "--help"}, {"ls", "-@sha256:00"}, {"verfy", "x"},
      {"policy", "show", "--help"}, {"cert", "list"}, {"version", "--bogus"}, {"registry"}
    };
    for (String[] args : runs) {
      assertEquals(run(null, args), run(args[0], args), String.join(" ", args));
    }
  }

  /** Exit code, stdout and stderr of {@code args}, the model chosen by {@code first} (null: all commands). */
  private String run(String first, String... args) {
    CommandLine cli = first == null ? Nota.commandLine(context()) : Nota.commandLine(context(), first);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
  }
}
