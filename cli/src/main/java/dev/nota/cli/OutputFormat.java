package dev.nota.cli;

/** {@code --output} values. */
enum OutputFormat {
  text,
  json,
  tree
}
