package dev.nota.oci;

/** The requested manifest, blob, tag or repository does not exist in the target. */
public class NotFoundException extends OciException {
  public NotFoundException(String message) {
    super(message);
  }
}
