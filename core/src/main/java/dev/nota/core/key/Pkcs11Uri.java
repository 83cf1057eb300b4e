package dev.nota.core.key;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a key on a PKCS#11 token is: the module (the vendor's shared library), the token label and the key's object
 * label, written as an RFC 7512 PKCS#11 URI ({@code pkcs11:token=L;object=K;type=private?module-path=/lib.so}).
 * signingkeys.json stores this URI in {@code keyPath}, a field notation keeps when it rewrites the file, so a
 * token key survives {@code notation key update}; notation itself cannot open it and says so at signing time.
 */
public record Pkcs11Uri(Path module, String tokenLabel, String keyLabel) {
  /** The scheme prefix that marks a {@code keyPath} or {@code certPath} as a token object. */
  public static final String SCHEME = "pkcs11:";

  /**
   * @throws IllegalArgumentException for a missing module, token label or key label
   */
  public Pkcs11Uri {
    if (module == null || module.toString().isEmpty()) {
      throw new IllegalArgumentException("a PKCS#11 key needs the module path (--pkcs11-module)");
    }
    if (tokenLabel == null || tokenLabel.isEmpty()) {
      throw new IllegalArgumentException("a PKCS#11 key needs a token label (--token-label)");
    }
    if (keyLabel == null || keyLabel.isEmpty()) {
      throw new IllegalArgumentException("a PKCS#11 key needs a key label (--key-label)");
    }
  }

  /** Whether {@code s} is a PKCS#11 URI rather than a file path. */
  public static boolean isUri(String s) {
    return s != null && s.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /**
   * Parses the URI forms nota writes (and other RFC 7512 URIs with {@code token}, {@code object} and
   * {@code module-path}); other attributes are ignored.
   *
   * @throws IllegalArgumentException when it is not a PKCS#11 URI or lacks one of the three attributes
   */
  public static Pkcs11Uri parse(String uri) {
    if (!isUri(uri)) {
      throw new IllegalArgumentException("not a PKCS#11 URI: " + uri);
    }
    String rest = uri.substring(SCHEME.length());
    int q = rest.indexOf('?');
    String path = q < 0 ? rest : rest.substring(0, q);
    String query = q < 0 ? "" : rest.substring(q + 1);
    String token = null;
    String object = null;
    String module = null;
    for (String attr : path.split(";")) {
      int eq = attr.indexOf('=');
      if (eq > 0) {
        String name = attr.substring(0, eq);
        if (name.equals("token")) {
          token = decode(attr.substring(eq + 1));
        } else if (name.equals("object")) {
          object = decode(attr.substring(eq + 1));
        }
      }
    }
    for (String attr : query.split("&")) {
      int eq = attr.indexOf('=');
      if (eq > 0 && attr.substring(0, eq).equals("module-path")) {
        module = decode(attr.substring(eq + 1));
      }
    }
    if (module == null || token == null || object == null) {
      throw new IllegalArgumentException("PKCS#11 URI " + uri + " needs token=, object= and ?module-path=");
    }
    return new Pkcs11Uri(Path.of(module), token, object);
  }

  /** The URI naming the private key. */
  @Override
  public String toString() {
    return uri("private");
  }

  /** The URI naming the certificate that goes with the key. */
  public String certificateUri() {
    return uri("cert");
  }

  private String uri(String type) {
    return SCHEME + "token=" + encode(tokenLabel, false) + ";object=" + encode(keyLabel, false) + ";type=" + type
        + "?module-path=" + encode(module.toString(), true);
  }

  /** Percent-encodes all but RFC 3986 unreserved characters (and '/' in query values, as RFC 7512 allows). */
  private static String encode(String s, boolean query) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || (query && c == '/');
      if (plain) {
        sb.append(c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  private static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("bad percent-encoding in PKCS#11 URI attribute " + s);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent-encoding in PKCS#11 URI attribute " + s);
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp) - 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
