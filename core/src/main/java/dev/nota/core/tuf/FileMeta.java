package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The length and hashes of another file as snapshot and timestamp list it ({@code meta.<role>}), and of a target.
 * Hashes cover the exact bytes served. Every known hash present must match, and at least one known hash is required.
 */
public record FileMeta(long length, Map<String, byte[]> hashes) {
  public FileMeta {
    hashes = Map.copyOf(hashes);
  }

  static FileMeta parse(String role, String what, JsonNode node) throws TufException {
    if (node == null || !node.isObject() || !node.path("length").canConvertToLong()
        || !node.path("hashes").isObject()) {
      throw TufException.verification(role, "meta for " + what + " is malformed");
    }
    long length = node.get("length").longValue();
    if (length < 0) {
      throw TufException.verification(role, "meta for " + what + " has a negative length");
    }
    Map<String, byte[]> hashes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.get("hashes").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        hashes.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText()));
      } catch (IllegalArgumentException x) {
        throw TufException.verification(role, "meta for " + what + " has a hash that is not base64");
      }
    }
    return new FileMeta(length, hashes);
  }

  /** The sha256 as lowercase hex, or null. */
  public String sha256Hex() {
    byte[] h = hashes.get("sha256");
    return h == null ? null : HexFormat.of().formatHex(h);
  }

  /**
   * Checks {@code bytes} (the file {@code role}) against this meta, which {@code listedBy} published.
   *
   * @throws TufException naming {@code role} when the length or a hash differs
   */
  void check(String role, String listedBy, byte[] bytes) throws TufException {
    if (bytes.length > length) {
      throw TufException.verification(role, bytes.length + " bytes exceed the length " + length + " in the "
          + listedBy + " metadata");
    }
    int known = 0;
    for (String alg : new String[] {"sha256", "sha512"}) {
      byte[] want = hashes.get(alg);
      if (want == null) {
        continue;
      }
      known++;
      byte[] got = TufKey.digest(alg.equals("sha256") ? "SHA-256" : "SHA-512", bytes);
      if (!MessageDigest.isEqual(want, got)) {
        throw TufException.verification(role, alg + " does not match the " + listedBy
            + " metadata (mix-and-match or tampered file)");
      }
    }
    if (known == 0) {
      throw TufException.verification(role, "the " + listedBy + " metadata lists no sha256 or sha512 for it");
    }
  }
}
