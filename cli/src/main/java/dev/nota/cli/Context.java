package dev.nota.cli;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may use of the outside world: the environment, standard input and the clock. Tests run commands
 * in-process with their own context, so nothing reads process-wide state directly.
 */
record Context(Map<String, String> env, InputStream stdin, Clock clock) {
  static Context system() {
    return new Context(System.getenv(), System.in, Clock.systemUTC());
  }

  ConfigDir config() {
    return ConfigDir.fromEnvironment(env);
  }
}
