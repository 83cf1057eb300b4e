package dev.nota.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Runs nota commands in-process through picocli, with a config directory of its own and captured output. */
final class Cli {
  /** What a command printed and returned. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** {@code r}, after asserting that the command succeeded (the whole result is the failure message). */
  static Result ok(Result r) {
    org.junit.jupiter.api.Assertions.assertEquals(0, r.code(), r::toString);
    return r;
  }

  final Path config;
  private final Map<String, String> env = new HashMap<>();
  private Clock clock = Clock.systemUTC();
  private String stdin = "";

  Cli(Path home) {
    this.config = home.resolve("config");
    env.put("NOTA_CONFIG", config.toString());
    env.put("DOCKER_CONFIG", home.resolve("docker").toString());
  }

  Cli clock(Clock c) {
    this.clock = c;
    return this;
  }

  /** Sets one more environment variable for the following commands (e.g. a {@code PATH} with test helpers). */
  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cli stdin(String s) {
    this.stdin = s;
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Context context = new Context(Map.copyOf(env),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), clock);
    int code = Nota.run(context, new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }
}
