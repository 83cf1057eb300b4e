package dev.nota.oci;

/**
 * Content that cannot be trusted or understood: a malformed reference, digest, manifest or index, bytes whose digest
 * or size differs from what was promised, a response over a size cap, or an unknown media type.
 */
public class InvalidContentException extends OciException {
  public InvalidContentException(String message) {
    super(message);
  }

  public InvalidContentException(String message, Throwable cause) {
    super(message, cause);
  }
}
