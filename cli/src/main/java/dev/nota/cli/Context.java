package dev.nota.cli;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may use of the outside world: the environment, standard input, the clock, and whether a person
 * watches a terminal (progress output). Tests run commands in-process with their own context, so nothing reads
 * process-wide state directly.
 */
record Context(Map<String, String> env, InputStream stdin, Clock clock, boolean terminal) {
  Context(Map<String, String> env, InputStream stdin, Clock clock) {
    this(env, stdin, clock, false);
  }

  static Context system() {
    return new Context(System.getenv(), System.in, Clock.systemUTC(), System.console() != null);
  }

  ConfigDir config() {
    return ConfigDir.fromEnvironment(env);
  }
}
