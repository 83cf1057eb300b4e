package dev.nota.core.plugin;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0.0 precedence, as the minimum-version check of verification plugins needs it: major, minor
 * and patch numerically, a pre-release lower than its release, pre-release identifiers compared one by one (numeric
 * ones numerically and below alphanumeric ones, a shorter list lower), build metadata ignored. A leading {@code v}
 * is accepted, as Go's semver package requires it and notation adds it.
 */
public final class SemVer {
  private static final Pattern SEMVER = Pattern.compile(
      "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

  private SemVer() {}

  /** Whether {@code version} is a valid semantic version. */
  public static boolean isValid(String version) {
    return version != null && SEMVER.matcher(version).matches();
  }

  /**
   * Compares two versions by precedence: negative when {@code a} is lower, zero when equal, positive when higher.
   *
   * @throws IllegalArgumentException when either is not a valid semantic version
   */
  public static int compare(String a, String b) {
    Matcher x = parse(a);
    Matcher y = parse(b);
    for (int i = 1; i <= 3; i++) {
      int c = new BigInteger(x.group(i)).compareTo(new BigInteger(y.group(i)));
      if (c != 0) {
        return c;
      }
    }
    String px = x.group(4);
    String py = y.group(4);
    if (px == null || py == null) {
      return px == null ? (py == null ? 0 : 1) : -1;
    }
    String[] ix = px.split("\\.");
    String[] iy = py.split("\\.");
    for (int i = 0; i < Math.min(ix.length, iy.length); i++) {
      int c = compareIdentifier(ix[i], iy[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ix.length, iy.length);
  }

  private static int compareIdentifier(String a, String b) {
    boolean na = a.chars().allMatch(Character::isDigit);
    boolean nb = b.chars().allMatch(Character::isDigit);
    if (na && nb) {
      return new BigInteger(a).compareTo(new BigInteger(b));
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return Integer.signum(a.compareTo(b));
  }

  private static Matcher parse(String version) {
    Matcher m = version == null ? null : SEMVER.matcher(version);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("\"" + version + "\" is not a semantic version");
    }
    return m;
  }
}
