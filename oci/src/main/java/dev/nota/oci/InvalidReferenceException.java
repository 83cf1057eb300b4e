package dev.nota.oci;

/**
 * A registry reference ({@code registry/repository[:tag][@digest]}) that does not follow the reference grammar. Kept
 * apart from other invalid content so that a command line can report it as a usage error.
 */
public final class InvalidReferenceException extends InvalidContentException {
  private final String input;

  public InvalidReferenceException(String input, String problem) {
    super("invalid reference \"" + Digest.abbreviate(input) + "\": " + problem);
    this.input = input;
  }

  /** The text that was rejected, unabbreviated (may be null). */
  public String input() {
    return input;
  }
}
