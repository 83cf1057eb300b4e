package dev.nota.cli;

import picocli.CommandLine.Option;

/** {@code --max-signatures}, as notation's verify, list and inspect take it (a picocli mixin). */
final class MaxSignatures {
  @Option(names = "--max-signatures", defaultValue = "100",
      description = "Most signatures to evaluate or show (default: ${DEFAULT-VALUE}).")
  int value;

  /** The limit, refusing a limit that would show nothing. */
  int get() throws UserException {
    if (value <= 0) {
      throw new UserException("--max-signatures must be positive");
    }
    return value;
  }
}
