package dev.nota.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads JSON into Jackson's tree model with the streaming parser alone. Every short command reads a few small JSON
 * documents (manifests, envelopes, registry errors); an {@code ObjectMapper} for that costs ~15 ms of class
 * initialisation per process (measured in a {@code nota verify}, BENCHMARKS.md), while the trees are the same.
 *
 * <p>Values are what {@code ObjectMapper.readTree} makes by default: integers as int, long or big-integer nodes by
 * size, floats as doubles (or decimals, {@link #exactDecimals()}), a later duplicate key replacing an earlier
 * one unless the factory's parser rejects duplicates. Empty input reads as {@link MissingNode}. Instances are
 * immutable and thread-safe.
 */
public final class JsonTree {
  private static final JsonTree STANDARD = of(new JsonFactory());

  private final JsonFactory factory;
  private final boolean rejectTrailing;
  private final boolean exactDecimals;

  private JsonTree(JsonFactory factory, boolean rejectTrailing, boolean exactDecimals) {
    this.factory = factory;
    this.rejectTrailing = rejectTrailing;
    this.exactDecimals = exactDecimals;
  }

  /** A reader with Jackson's default parser settings that ignores trailing content, as a default readTree does. */
  public static JsonTree standard() {
    return STANDARD;
  }

  /** A reader with {@code factory}'s parser settings (duplicates, nesting limit); trailing content is ignored. */
  public static JsonTree of(JsonFactory factory) {
    return new JsonTree(factory, false, false);
  }

  /** This reader, failing when anything but whitespace follows the first value. */
  public JsonTree rejectingTrailingContent() {
    return new JsonTree(factory, true, exactDecimals);
  }

  /** This reader, keeping floats as decimals (their exact value) instead of doubles. */
  public JsonTree exactDecimals() {
    return new JsonTree(factory, rejectTrailing, true);
  }

  /** The tree of {@code bytes}; {@link MissingNode} when they hold no value. */
  public JsonNode read(byte[] bytes) throws IOException {
    try (JsonParser p = factory.createParser(bytes)) {
      return root(p);
    }
  }

  /** The tree of what {@code in} holds; the stream is closed afterwards unless the factory says otherwise. */
  public JsonNode read(InputStream in) throws IOException {
    try (JsonParser p = factory.createParser(in)) {
      return root(p);
    }
  }

  private JsonNode root(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      return MissingNode.getInstance();
    }
    JsonNode root = value(p, first);
    if (rejectTrailing) {
      JsonToken next = p.nextToken();
      if (next != null) {
        throw new JsonParseException(p, "Trailing token (of type " + next + ") found after value");
      }
    }
    return root;
  }

  /** The value that starts at {@code t}; containers recurse, bounded by the factory's nesting limit. */
  private JsonNode value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new JsonEOFException(p, null, "Unexpected end-of-input");
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (t) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String name = p.currentName();
          object.set(name, value(p, p.nextToken()));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          array.add(value(p, e));
        }
        return array;
      }
      case VALUE_STRING -> {
        return TextNode.valueOf(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> nodes.numberNode(p.getIntValue());
          case LONG -> nodes.numberNode(p.getLongValue());
          default -> nodes.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        // as readTree with USE_BIG_DECIMAL_FOR_FLOATS: the decimal's value, trailing zeros of its scale dropped
        return exactDecimals ? DecimalNode.valueOf(p.getDecimalValue().stripTrailingZeros())
            : DoubleNode.valueOf(p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return BooleanNode.TRUE;
      }
      case VALUE_FALSE -> {
        return BooleanNode.FALSE;
      }
      case VALUE_NULL -> {
        return NullNode.getInstance();
      }
      default -> throw new JsonParseException(p, "Unexpected token " + t);
    }
  }
}
