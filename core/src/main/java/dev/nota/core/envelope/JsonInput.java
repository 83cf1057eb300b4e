package dev.nota.core.envelope;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.JsonTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads untrusted JSON (envelopes, protected headers, payloads) strictly: duplicate keys and trailing content are
 * errors, floats keep their exact decimal value, and every library failure becomes a one-line
 * {@link EnvelopeException}.
 */
final class JsonInput {
  private JsonInput() {}

  private static final JsonTree READER = JsonTree.of(new JsonFactoryBuilder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build())
      .rejectingTrailingContent()
      .exactDecimals();

  /** Parses {@code bytes} as one JSON object; {@code what} names it in errors ("JWS envelope"). */
  static JsonNode object(byte[] bytes, String what) throws EnvelopeException {
    JsonNode node;
    try {
      node = READER.read(bytes);
    } catch (JacksonException e) {
      throw new EnvelopeException("malformed " + what + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (java.io.IOException | RuntimeException e) {
      throw new EnvelopeException("malformed " + what + ": not valid JSON (" + e.getMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new EnvelopeException("malformed " + what + ": not a JSON object");
    }
    return node;
  }

  /** The fields of an object node in document order. */
  static List<Map.Entry<String, JsonNode>> fields(JsonNode object) {
    return new ArrayList<>(object.properties());
  }

  /** Converts a JSON value to String, Long/BigInteger, BigDecimal, Boolean, null, List or Map (document order). */
  static Object value(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(value(item)));
      return java.util.Collections.unmodifiableList(list);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : fields(node)) {
      map.put(e.getKey(), value(e.getValue()));
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
