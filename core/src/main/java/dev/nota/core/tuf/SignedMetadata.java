package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One metadata file: the raw bytes as served, the {@code signed} body, its canonical bytes (what was signed) and the
 * signatures. A whole notary file is not canonical JSON (it keeps {@code signed} before {@code signatures}); only
 * the body is, so verification re-serialises the parsed body, as notary does.
 */
public record SignedMetadata(String role, byte[] raw, JsonNode body, byte[] canonical, List<Signature> signatures,
    int version, Instant expires) {
  /** One entry of {@code signatures}. */
  public record Signature(String keyId, String method, String sigBase64) {}

  public SignedMetadata {
    signatures = List.copyOf(signatures);
  }

  /** Parses {@code raw} as the file of {@code role}, expecting {@code _type} = {@code type}. */
  static SignedMetadata parse(String role, String type, byte[] raw) throws TufException {
    JsonNode root = CanonicalJson.parse(raw, role);
    JsonNode body = root.get("signed");
    JsonNode sigs = root.get("signatures");
    if (body == null || !body.isObject() || sigs == null || !sigs.isArray()) {
      throw TufException.verification(role, "not a signed TUF document (needs \"signed\" and \"signatures\")");
    }
    if (!type.equals(body.path("_type").asText())) {
      throw TufException.verification(role, "_type is \"" + body.path("_type").asText() + "\", expected " + type);
    }
    JsonNode v = body.get("version");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw TufException.verification(role, "version is missing or not a positive integer");
    }
    List<Signature> list = new ArrayList<>();
    for (JsonNode s : sigs) {
      if (!s.path("keyid").isTextual() || !s.path("method").isTextual() || !s.path("sig").isTextual()) {
        throw TufException.verification(role, "a signature entry is malformed");
      }
      list.add(new Signature(s.get("keyid").textValue(), s.get("method").textValue(), s.get("sig").textValue()));
    }
    return new SignedMetadata(role, raw, body, CanonicalJson.write(body), list, v.intValue(),
        parseTime(role, body.path("expires").asText()));
  }

  /** Parses Go's RFC 3339 time form (0-9 fractional digits, Z or an offset). */
  public static Instant parseTime(String role, String text) throws TufException {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw TufException.verification(role, "expires \"" + text + "\" is not an RFC 3339 time");
    }
  }

  /** Fails when this role has expired at {@code now}. */
  void checkExpiry(Instant now) throws TufException {
    if (!now.isBefore(expires)) {
      throw TufException.verification(role, "expired at " + expires + " (checked at " + now + ")");
    }
  }

  /** Fails when this version is lower than {@code cached}, the version a previous verification accepted. */
  void checkNotRolledBack(Integer cached) throws TufException {
    if (cached != null && version < cached) {
      throw TufException.verification(role, "version " + version + " is lower than the cached version " + cached
          + " (rollback)");
    }
  }
}
