package dev.nota.oci;

import java.io.IOException;
import java.util.Objects;

/**
 * Bytes that do not match the descriptor they were fetched or pushed under: too many, too few, or a different digest.
 * It is an {@link IOException} so it can leave {@link java.io.InputStream#read} (see {@link VerifyingInputStream});
 * callers turn it into an {@link InvalidContentException}. A mismatch is always fatal.
 */
public final class ContentMismatchException extends IOException {
  private final Digest expected;

  /**
   * @param expected the digest the content was promised to have
   * @param problem what differs, e.g. {@code expected 100 bytes, got 120}
   */
  public ContentMismatchException(Digest expected, String problem) {
    super("content " + Objects.requireNonNull(expected, "expected") + " is corrupt: " + problem);
    this.expected = expected;
  }

  /** The digest the content should have had. */
  public Digest expected() {
    return expected;
  }
}
