package dev.nota.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a policy document into raw fields the way Go's {@code encoding/json} fills notation's structs, so that
 * nota accepts and rejects the same files: unknown members are ignored, member names match case-insensitively,
 * {@code null} leaves a string unchanged and clears a list, a repeated member is decoded again on top of the
 * earlier value, a wrong JSON type makes the whole document malformed, and text after the first value is ignored.
 */
final class PolicyJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /** The raw {@code signatureVerification} object. */
  static final class RawVerification {
    String level = "";
    Map<String, String> override; // null when absent
    String verifyTimestamp = "";
  }

  /** One raw statement; {@code registryScopes} is read for OCI documents, {@code globalPolicy} for blob ones. */
  static final class RawStatement {
    String name = "";
    List<String> registryScopes;
    RawVerification signatureVerification = new RawVerification();
    List<String> trustStores;
    List<String> trustedIdentities;
    boolean globalPolicy;
  }

  /** The raw document. */
  static final class RawDocument {
    String version = "";
    List<RawStatement> trustPolicies;
  }

  private PolicyJson() {}

  /**
   * Decodes {@code json}.
   *
   * @throws PolicyException "malformed trust policy: ..." for bad syntax or a member of the wrong type
   */
  static RawDocument read(byte[] json) throws PolicyException {
    // Go replaces invalid UTF-8 with U+FFFD instead of failing; decoding to a String first does the same.
    String text = new String(json, StandardCharsets.UTF_8);
    RawDocument doc = new RawDocument();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw malformed("the document is empty", null);
      }
      if (t != JsonToken.VALUE_NULL) {
        expect(p, JsonToken.START_OBJECT, "the document");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          if (is(key, "version")) {
            doc.version = string(p, doc.version, "version");
          } else if (is(key, "trustPolicies")) {
            doc.trustPolicies = statements(p, doc.trustPolicies);
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw malformed(e.getOriginalMessage(), at);
    } catch (IOException e) {
      throw new PolicyException("malformed trust policy: " + e.getMessage(), e);
    }
    return doc;
  }

  private static List<RawStatement> statements(JsonParser p, List<RawStatement> old) throws IOException,
      PolicyException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, JsonToken.START_ARRAY, "trustPolicies");
    List<RawStatement> out = new ArrayList<>();
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      RawStatement s = old != null && i < old.size() ? old.get(i) : new RawStatement();
      statement(p, s);
      out.add(s);
      i++;
    }
    return out;
  }

  private static void statement(JsonParser p, RawStatement s) throws IOException, PolicyException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    expect(p, JsonToken.START_OBJECT, "a trust policy statement");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      if (is(key, "name")) {
        s.name = string(p, s.name, "name");
      } else if (is(key, "registryScopes")) {
        s.registryScopes = strings(p, s.registryScopes, "registryScopes");
      } else if (is(key, "signatureVerification")) {
        verification(p, s.signatureVerification);
      } else if (is(key, "trustStores")) {
        s.trustStores = strings(p, s.trustStores, "trustStores");
      } else if (is(key, "trustedIdentities")) {
        s.trustedIdentities = strings(p, s.trustedIdentities, "trustedIdentities");
      } else if (is(key, "globalPolicy")) {
        if (p.currentToken() == JsonToken.VALUE_TRUE || p.currentToken() == JsonToken.VALUE_FALSE) {
          s.globalPolicy = p.getBooleanValue();
        } else if (p.currentToken() != JsonToken.VALUE_NULL) {
          throw wrongType(p, "globalPolicy", "a boolean");
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void verification(JsonParser p, RawVerification v) throws IOException, PolicyException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    expect(p, JsonToken.START_OBJECT, "signatureVerification");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      if (is(key, "level")) {
        v.level = string(p, v.level, "level");
      } else if (is(key, "verifyTimestamp")) {
        v.verifyTimestamp = string(p, v.verifyTimestamp, "verifyTimestamp");
      } else if (is(key, "override")) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
          v.override = null;
          continue;
        }
        expect(p, JsonToken.START_OBJECT, "override");
        if (v.override == null) {
          v.override = new LinkedHashMap<>();
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String type = p.currentName();
          p.nextToken();
          v.override.put(type, string(p, "", "override." + type));
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static List<String> strings(JsonParser p, List<String> old, String field) throws IOException,
      PolicyException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, JsonToken.START_ARRAY, field);
    List<String> out = new ArrayList<>();
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(string(p, old != null && i < old.size() ? old.get(i) : "", field));
      i++;
    }
    return out;
  }

  private static String string(JsonParser p, String old, String field) throws IOException, PolicyException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return old;
    }
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw wrongType(p, field, "a string");
    }
    return p.getText();
  }

  /** Go matches a member to a field exactly, else case-insensitively. */
  private static boolean is(String key, String field) {
    return key.equals(field) || key.equalsIgnoreCase(field);
  }

  private static void expect(JsonParser p, JsonToken token, String what) throws IOException, PolicyException {
    if (p.currentToken() != token) {
      throw wrongType(p, what, token == JsonToken.START_OBJECT ? "an object" : "an array");
    }
  }

  private static PolicyException wrongType(JsonParser p, String field, String expected) throws IOException {
    JsonToken actual = p.currentToken();
    String found = actual == JsonToken.START_OBJECT ? "an object" : actual == JsonToken.START_ARRAY ? "an array"
        : actual == JsonToken.VALUE_STRING ? "a string" : actual.isNumeric() ? "a number"
        : actual.isBoolean() ? "a boolean" : actual.asString();
    return malformed(field + " must be " + expected + ", found " + found, p.currentTokenLocation());
  }

  private static PolicyException malformed(String reason, JsonLocation at) {
    String where = at == null || at.getLineNr() < 0 ? ""
        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return new PolicyException("malformed trust policy: " + reason.replaceAll("\\s+", " ").trim() + where);
  }
}
