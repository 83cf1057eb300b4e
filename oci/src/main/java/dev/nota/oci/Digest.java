package dev.nota.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A content digest, {@code algorithm:hex}, as the OCI image spec defines it. Only the registered {@code sha256} and
 * {@code sha512} algorithms are accepted, with lower-case hex of the right length.
 */
public record Digest(Algorithm algorithm, String hex) {

  /**
   * The digest algorithms of the OCI image spec, and sha384, which go-digest (and so every Go registry) also accepts
   * and which Notary blob signatures made with RSA-3072 or EC P-384 keys use.
   */
  public enum Algorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA384("sha384", "SHA-384", 96),
    SHA512("sha512", "SHA-512", 128);

    private final String label;
    private final String jcaName;
    private final int hexLength;

    Algorithm(String label, String jcaName, int hexLength) {
      this.label = label;
      this.jcaName = jcaName;
      this.hexLength = hexLength;
    }

    /** The name used in digest strings, e.g. {@code sha256}. */
    public String label() {
      return label;
    }

    public int hexLength() {
      return hexLength;
    }

    /** A fresh JCA digester for this algorithm. */
    public MessageDigest newMessageDigest() {
      try {
        return MessageDigest.getInstance(jcaName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(jcaName + " is missing from this JVM", e);
      }
    }

    /** Returns the algorithm for {@code label}, or null when there is none. */
    public static Algorithm forLabel(String label) {
      for (Algorithm a : values()) {
        if (a.label.equals(label)) {
          return a;
        }
      }
      return null;
    }
  }

  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != algorithm.hexLength || !isLowerHex(hex)) {
      throw new IllegalArgumentException(
          "invalid " + algorithm.label + " digest: expected " + algorithm.hexLength + " lower-case hex characters");
    }
  }

  /**
   * Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}.
   *
   * @throws InvalidContentException with a message naming the input when it is not a valid digest
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Digest parse(String text) throws InvalidContentException {
    Digest d = tryParse(text);
    if (d == null) {
      throw new InvalidContentException("invalid digest \"" + abbreviate(text) + "\": " + problem(text));
    }
    return d;
  }

  /** Like {@link #parse} but returns null for invalid input. */
  public static Digest tryParse(String text) {
    if (text == null) {
      return null;
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return null;
    }
    Algorithm alg = Algorithm.forLabel(text.substring(0, colon));
    String hex = text.substring(colon + 1);
    if (alg == null || hex.length() != alg.hexLength || !isLowerHex(hex)) {
      return null;
    }
    return new Digest(alg, hex);
  }

  private static String problem(String text) {
    if (text == null || text.isEmpty()) {
      return "empty";
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return "missing \"algorithm:\" prefix";
    }
    String label = text.substring(0, colon);
    Algorithm alg = Algorithm.forLabel(label);
    if (alg == null) {
      return "unsupported algorithm \"" + abbreviate(label) + "\" (sha256, sha384 and sha512 are supported)";
    }
    return "expected " + alg.hexLength + " lower-case hex characters after \"" + label + ":\"";
  }

  /** The digest of {@code bytes} with {@code algorithm}. */
  public static Digest of(Algorithm algorithm, byte[] bytes) {
    return new Digest(algorithm, HexFormat.of().formatHex(algorithm.newMessageDigest().digest(bytes)));
  }

  /** The SHA-256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return of(Algorithm.SHA256, bytes);
  }

  /** Builds a digest from a finished JCA digester of {@code algorithm}. */
  public static Digest of(Algorithm algorithm, MessageDigest finished) {
    return new Digest(algorithm, HexFormat.of().formatHex(finished.digest()));
  }

  /** Whether {@code bytes} hash to this digest. */
  public boolean matches(byte[] bytes) {
    return equals(of(algorithm, bytes));
  }

  /** The referrers tag schema tag for this digest: {@code sha256-<hex>}. */
  public String referrersTag() {
    return algorithm.label + "-" + hex;
  }

  /** {@code algorithm:hex}; also the JSON form. */
  @JsonValue
  @Override
  public String toString() {
    return algorithm.label + ":" + hex;
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
