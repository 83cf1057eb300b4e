package dev.nota.oci.layout;

import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A reference to a manifest in an OCI layout as the CLI's {@code --oci-layout} flag takes it, the way notation
 * spells it: {@code <dir>:<tag>} or {@code <dir>@<digest>}. The directory may itself contain {@code ':'} (a Windows
 * drive letter, say), so the tag is what follows the last {@code ':'} and the digest what follows the last
 * {@code '@'}. The path {@code -} alone means an archive read from standard input ({@code -@<digest>},
 * {@code -:<tag>}); a file named {@code -} is spelled {@code ./-}.
 *
 * @param path the layout directory, archive file, or {@code -}
 * @param reference the tag, or the digest as a string ({@code sha256:<hex>}); never null
 */
public record LayoutReference(Path path, String reference) {
  /** The path that stands for standard input. */
  public static final String STANDARD_INPUT = "-";

  public LayoutReference {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reference, "reference");
  }

  /**
   * Parses {@code <dir>:<tag>} or {@code <dir>@<digest>}.
   *
   * @throws InvalidContentException naming the input when it has no valid tag or digest, or no path
   */
  public static LayoutReference parse(String text) throws InvalidContentException {
    if (text == null || text.isEmpty()) {
      throw new InvalidContentException("invalid OCI layout reference: it is empty; expected <dir>:<tag> or"
          + " <dir>@<digest>");
    }
    String shown = text.length() > 200 ? text.substring(0, 197) + "..." : text;
    int at = text.lastIndexOf('@');
    if (at >= 0) {
      String digest = text.substring(at + 1);
      try {
        Digest.parse(digest);
      } catch (InvalidContentException e) {
        throw new InvalidContentException("invalid OCI layout reference \"" + shown + "\": " + e.getMessage());
      }
      return new LayoutReference(path(text.substring(0, at), shown), digest);
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new InvalidContentException("invalid OCI layout reference \"" + shown + "\": missing the tag or"
          + " digest; expected <dir>:<tag> or <dir>@<digest>");
    }
    String tag = text.substring(colon + 1);
    if (!IndexEntries.isValidTag(tag)) {
      throw new InvalidContentException("invalid OCI layout reference \"" + shown + "\": \"" + tag
          + "\" is not a valid tag (1 to 128 of letters, digits, '_', '.', '-', not starting with '.' or '-');"
          + " expected <dir>:<tag> or <dir>@<digest>");
    }
    return new LayoutReference(path(text.substring(0, colon), shown), tag);
  }

  /** Whether the path is {@code -}: the archive is read from standard input. */
  public boolean isStandardInput() {
    return path.toString().equals(STANDARD_INPUT);
  }

  /** Whether {@link #reference} is a digest rather than a tag. */
  public boolean isDigest() {
    return Digest.tryParse(reference) != null;
  }

  private static Path path(String path, String shown) throws InvalidContentException {
    if (path.isEmpty()) {
      throw new InvalidContentException("invalid OCI layout reference \"" + shown + "\": the path is empty");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw new InvalidContentException("invalid OCI layout reference \"" + shown + "\": bad path: "
          + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return path + (isDigest() ? "@" : ":") + reference;
  }
}
