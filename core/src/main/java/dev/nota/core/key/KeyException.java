package dev.nota.core.key;

import dev.nota.core.NotaException;

/** A signing key that cannot be found, read or used. */
public class KeyException extends NotaException {
  public KeyException(String message) {
    super(message);
  }

  public KeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
