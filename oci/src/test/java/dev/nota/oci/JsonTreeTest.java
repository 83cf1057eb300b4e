package dev.nota.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTreeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"schemaVersion\":2,\"layers\":[{\"size\":9223372036854775807,\"digest\":\"sha256:00\"}],\"x\":null}",
      "[1, -2147483649, 18446744073709551616, 1.5, -0.0, 1e3, true, false, null, \"\\u00e9\\n\"]",
      "{\"a\":{\"b\":{\"c\":[[],{}]}},\"a2\":\"\"}",
      "{\"dup\":1,\"dup\":\"last wins\"}",
      "\"just a string\"",
      "42",
      "  {\"k\" : [ 1 , 2 ] }  \n",
  })
  void theStandardReaderBuildsWhatReadTreeBuilds(String json) throws Exception {
    JsonNode expected = MAPPER.readTree(json);
    JsonNode actual = JsonTree.standard().read(utf8(json));
    assertEquals(expected, actual);
    assertEquals(expected.toString(), actual.toString());
    assertEquals(expected, JsonTree.standard().read(new ByteArrayInputStream(utf8(json))));
  }

  @Test
  void numbersKeepTheirKindBySize() throws Exception {
    JsonNode n = JsonTree.standard().read(utf8("[1, 4294967296, 18446744073709551616, 0.5]"));
    assertTrue(n.get(0).isInt());
    assertTrue(n.get(1).isLong());
    assertTrue(n.get(2).isBigInteger());
    assertTrue(n.get(3).isDouble());
  }

  @Test
  void exactDecimalsMatchReadTreeWithBigDecimalsForFloats() throws Exception {
    ObjectMapper decimals = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    String json = "[0.1, 1.50, 1e400, 123456789012345678901234567890.000000000000000000001]";
    JsonNode actual = JsonTree.standard().exactDecimals().read(utf8(json));
    assertEquals(decimals.readTree(json), actual);
    assertEquals(new BigDecimal("0.1"), actual.get(0).decimalValue());
    assertEquals(new BigDecimal("1e400"), actual.get(2).decimalValue());
  }

  @Test
  void emptyInputIsTheMissingNode() throws Exception {
    assertTrue(JsonTree.standard().read(new byte[0]).isMissingNode());
    assertTrue(JsonTree.standard().read(utf8("   \n")).isMissingNode());
  }

  @Test
  void trailingContentIsIgnoredUnlessRejected() throws Exception {
    byte[] json = utf8("{\"a\":1} {\"b\":2}");
    assertEquals(MAPPER.readTree("{\"a\":1}"), JsonTree.standard().read(json));
    JsonProcessingException e = assertThrows(JsonProcessingException.class,
        () -> JsonTree.standard().rejectingTrailingContent().read(json));
    assertTrue(e.getOriginalMessage().startsWith("Trailing token (of type START_OBJECT)"), e.getMessage());
    assertEquals(1, JsonTree.standard().rejectingTrailingContent().read(utf8("{\"a\":1}\n\t ")).get("a").intValue());
  }

  @Test
  void theFactorysParserRulesApply() {
    JsonTree strict = JsonTree.of(new JsonFactoryBuilder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(3).build())
        .build());
    JsonProcessingException dup = assertThrows(JsonProcessingException.class,
        () -> strict.read(utf8("{\"a\":1,\"a\":2}")));
    assertTrue(dup.getOriginalMessage().contains("Duplicate field 'a'"), dup.getMessage());
    JsonProcessingException deep = assertThrows(JsonProcessingException.class,
        () -> strict.read(utf8("[[[[1]]]]")));
    assertTrue(deep.getOriginalMessage().contains("nesting depth"), deep.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":", "[1,2", "{\"a\":1", "{\"a\""})
  void truncatedInputFails(String json) {
    assertThrows(JsonEOFException.class, () -> JsonTree.standard().read(utf8(json)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{a:1}", "[1,]", "{\"a\" 1}", "NaN", "[01]", "\"\\x\""})
  void malformedInputFailsAsTheParserSays(String json) {
    JsonProcessingException e = assertThrows(JsonProcessingException.class,
        () -> JsonTree.standard().read(utf8(json)));
    JsonProcessingException expected = assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(json));
    // the same complaint, up to how the parser words what it expected
    String what = expected.getOriginalMessage();
    int end = what.indexOf(':') < 0 ? what.length() : what.indexOf(':');
    assertTrue(e.getOriginalMessage().startsWith(what.substring(0, end)), e.getOriginalMessage() + " / " + what);
  }
}
