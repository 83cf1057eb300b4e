package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Target;
import java.nio.file.Path;

/**
 * The public door to {@link Cli} and {@link SampleImage} for tests in sub-packages (the {@code interop} group), which
 * cannot see this package's package-private test helpers.
 */
public final class CliAccess {
  /** What a command printed and returned. */
  public record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private final Cli cli;

  /** nota with its configuration in {@code home/config} and docker's in {@code home/docker}. */
  public CliAccess(Path home) {
    this.cli = new Cli(home);
  }

  /** The configuration directory nota uses ({@code NOTA_CONFIG}). */
  public Path config() {
    return cli.config;
  }

  /** Standard input for the following commands (e.g. a password for {@code --password-stdin}). */
  public CliAccess stdin(String s) {
    cli.stdin(s);
    return this;
  }

  /** Sets one more environment variable for the following commands (e.g. a {@code PATH} with test helpers). */
  public CliAccess env(String name, String value) {
    cli.env(name, value);
    return this;
  }

  /** The exit code nota gives {@code e} when a command throws it. */
  public static int exitCode(Exception e) {
    return Nota.exitCode(e);
  }

  /** Runs one nota command in-process. */
  public Result run(String... args) {
    Cli.Result r = cli.run(args);
    return new Result(r.code(), r.out(), r.err());
  }

  /** Pushes a small, distinct image (config, one layer, manifest) to {@code target}. */
  public static Descriptor pushSampleImage(Target target, String tag, String content) throws Exception {
    return SampleImage.push(target, tag, content);
  }
}
