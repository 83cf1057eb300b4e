package dev.nota.oci.registry;

/**
 * The registry kept answering 401 or 403 after the credentials were offered, or its token service refused them. The
 * message never contains a secret.
 */
public final class AuthenticationException extends RegistryException {
  public AuthenticationException(String message, int status, String errorCode) {
    super(message, status, errorCode);
  }
}
