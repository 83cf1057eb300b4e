package dev.nota.core.envelope;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Go's {@code encoding/json} does for the maps notation marshals: object keys sorted by their
 * UTF-8 bytes, no whitespace, and {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped. Used for the JWS
 * protected header and the Notary payload so that nota's bytes match notation's for the same input.
 */
final class JsonText {
  private JsonText() {}

  /** Serializes {@code value}: String, Number, Boolean, null, Instant (RFC 3339), byte[] (base64), List, Map. */
  static byte[] write(Object value) throws EnvelopeException {
    StringBuilder out = new StringBuilder();
    append(out, value, 0);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void append(StringBuilder out, Object value, int depth) throws EnvelopeException {
    if (depth > 32) {
      throw new EnvelopeException("header value nested too deeply");
    }
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      appendString(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      appendFloat(out, ((Number) value).doubleValue());
    } else if (value instanceof BigDecimal d) {
      out.append(d.toString());
    } else if (value instanceof Instant t) {
      appendString(out, HeaderRules.formatTime(t));
    } else if (value instanceof byte[] b) {
      appendString(out, Base64.getEncoder().encodeToString(b));
    } else if (value instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>();
      for (Object k : map.keySet()) {
        if (!(k instanceof String s)) {
          throw new EnvelopeException("JSON object keys must be strings, got " + k);
        }
        keys.add(s);
      }
      keys.sort(JsonText::compareUtf8);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendString(out, keys.get(i));
        out.append(':');
        append(out, map.get(keys.get(i)), depth + 1);
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      int i = 0;
      for (Object item : list) {
        if (i++ > 0) {
          out.append(',');
        }
        append(out, item, depth + 1);
      }
      out.append(']');
    } else {
      throw new EnvelopeException("cannot write a " + value.getClass().getSimpleName() + " as a JSON header value");
    }
  }

  /** Go's float64 encoding: plain decimal in [1e-6, 1e21), exponent form outside. */
  private static void appendFloat(StringBuilder out, double d) throws EnvelopeException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new EnvelopeException("cannot write " + d + " as a JSON number");
    }
    double abs = Math.abs(d);
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    if (abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
      out.append(exact.toPlainString());
      return;
    }
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale();
    out.append(d < 0 ? "-" : "").append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('e').append(exponent < 0 ? '-' : '+').append(String.format("%02d", Math.abs(exponent)));
  }

  static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
              && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
            out.append("\\ufffd");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Orders strings by their UTF-8 bytes, as Go sorts map keys. */
  static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
