package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.util.regex.Pattern;

/** The distribution-spec grammar for repository names, tags and digests in URLs. */
final class Names {
  private Names() {}

  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  static boolean isName(String name) {
    return name.length() <= 255 && NAME.matcher(name).matches();
  }

  static boolean isTag(String tag) {
    return TAG.matcher(tag).matches();
  }

  static void checkName(String name) throws RegistryError {
    if (!isName(name)) {
      throw new RegistryError(400, "NAME_INVALID", "invalid repository name", name);
    }
  }

  /** Parses a digest from a URL, or answers 400 DIGEST_INVALID. */
  static Digest digest(String text) throws RegistryError {
    Digest d = Digest.tryParse(text);
    if (d == null) {
      throw new RegistryError(400, "DIGEST_INVALID", "invalid digest", text);
    }
    return d;
  }

  static boolean looksLikeDigest(String reference) {
    return reference.indexOf(':') >= 0;
  }
}
