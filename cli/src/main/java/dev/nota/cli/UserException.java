package dev.nota.cli;

/** An error the CLI itself detects, carrying the exit code to use. */
final class UserException extends Exception {
  private final int exitCode;

  UserException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  UserException(String message) {
    this(ExitCode.USAGE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
