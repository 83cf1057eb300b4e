package dev.nota.oci.registry;

import dev.nota.oci.OciException;

/**
 * A registry refused or failed a request, or could not be reached. The message is one line: what was being done, then
 * what the registry answered or why there was no answer, e.g. {@code pushing manifest to 127.0.0.1:5000/app:
 * 127.0.0.1:5000 answered 400 MANIFEST_INVALID: manifest invalid}, {@code ... answered 500 Internal Server Error
 * (UNKNOWN: unknown error)}, {@code ... registry 127.0.0.1:5000 refused the connection (...)}, {@code ... cannot
 * resolve host registry.invalid}, or {@code ... the TLS certificate of host:443 is not trusted: ...}.
 */
public class RegistryException extends OciException {
  private final int status;
  private final String errorCode;

  /**
   * @param status the HTTP status, or 0 when no response arrived
   * @param errorCode the registry's error code (e.g. {@code MANIFEST_UNKNOWN}), or null
   */
  public RegistryException(String message, int status, String errorCode) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  public RegistryException(String message, int status, String errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The HTTP status, or 0 when the registry could not be reached. */
  public int status() {
    return status;
  }

  /** The registry's error code such as {@code MANIFEST_UNKNOWN}, or null. */
  public String errorCode() {
    return errorCode;
  }

  /** Whether trying again later may succeed: no answer, or 429/502/503/504. */
  boolean isTransient() {
    return (status == 0 && getCause() instanceof java.io.IOException) || Transport.isRetryableStatus(status);
  }
}
