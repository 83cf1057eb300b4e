package dev.nota.core.envelope;

import dev.nota.core.NotaException;

/**
 * A signature envelope that is malformed, breaks a rule of the Notary Project envelope specification, or whose
 * signature does not verify. Verifiers report it as an integrity failure; the message is one line.
 */
public class EnvelopeException extends NotaException {
  public EnvelopeException(String message) {
    super(oneLine(message));
  }

  public EnvelopeException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String message) {
    return message == null ? null : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
