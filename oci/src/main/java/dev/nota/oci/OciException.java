package dev.nota.oci;

/**
 * Root of the checked exceptions thrown by the OCI layer. The message is meant for users: it says what failed and
 * why, in one line, starting with what was being done.
 */
public class OciException extends Exception {
  public OciException(String message) {
    super(message);
  }

  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}
