package dev.nota.core;

/**
 * Root of the checked exceptions of nota's core. Messages are user-facing: one line saying what failed and why.
 */
public class NotaException extends Exception {
  public NotaException(String message) {
    super(message);
  }

  public NotaException(String message, Throwable cause) {
    super(message, cause);
  }
}
