package dev.nota.core.tuf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON exactly as notary writes it (docker/go {@code MarshalCanonical}, OLPC style, not RFC 8785): no
 * whitespace, object keys sorted by their UTF-8 bytes, strings escape only {@code "} and {@code \} and keep every
 * other character raw, numbers integral only. What notary signs is this form of the {@code signed} member.
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CanonicalJson() {}

  /** Parses {@code bytes} as one JSON value (duplicate keys refused); {@code role} names it in errors. */
  public static JsonNode parse(byte[] bytes, String role) throws TufException {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw TufException.verification(role, "empty metadata");
      }
      return node;
    } catch (IOException e) {
      throw TufException.verification(role, "malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The canonical bytes of {@code node}. */
  public static byte[] write(JsonNode node) throws TufException {
    StringBuilder out = new StringBuilder();
    append(out, node, 0);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void append(StringBuilder out, JsonNode node, int depth) throws TufException {
    if (depth > 64) {
      throw TufException.verification(null, "JSON nested too deeply");
    }
    if (node == null || node.isNull()) {
      out.append("null");
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue());
    } else if (node.isNumber()) {
      BigDecimal d = node.decimalValue().stripTrailingZeros();
      if (d.scale() > 0) {
        throw TufException.verification(null, "fractional number " + node.asText() + " cannot be canonicalised");
      }
      out.append(d.toBigIntegerExact());
    } else if (node.isTextual()) {
      appendString(out, node.textValue());
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        append(out, node.get(i), depth + 1);
      }
      out.append(']');
    } else if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        keys.add(it.next());
      }
      keys.sort(CanonicalJson::compareUtf8);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendString(out, keys.get(i));
        out.append(':');
        append(out, node.get(keys.get(i)), depth + 1);
      }
      out.append('}');
    } else {
      throw TufException.verification(null, "unsupported JSON value " + node.getNodeType());
    }
  }

  private static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  static int compareUtf8(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "unreadable";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }
}
