package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CborReaderTest {
  private static Object decode(String hex) throws EnvelopeException {
    return CborReader.decode(HexFormat.of().parseHex(hex), "test item");
  }

  @Test
  void keepsIntegerAndTextKeysApart() throws Exception {
    Map<?, ?> map = (Map<?, ?>) decode("a2" + "0101" + "6131" + "02");
    assertEquals(1L, map.get(1L));
    assertEquals(2L, map.get("1"));
  }

  @Test
  void decodesTheMajorTypes() throws Exception {
    assertEquals(0L, decode("00"));
    assertEquals(500L, decode("1901f4"));
    assertEquals(-7L, decode("26"));
    assertEquals(-38L, decode("3825"));
    assertEquals(new BigInteger("18446744073709551615"), decode("1bffffffffffffffff"));
    assertEquals(new BigInteger("-18446744073709551616"), decode("3bffffffffffffffff"));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) decode("420102"));
    assertEquals("é", decode("62c3a9"));
    assertEquals(List.of(1L, "a"), decode("82016161"));
    assertEquals(new CborReader.Tagged(1, 1661321924L), decode("c11a6305c2c4"));
    assertEquals(Boolean.TRUE, decode("f5"));
    assertEquals(CborReader.NULL, decode("f6"));
    assertEquals(1.5, decode("f93e00"));
    assertEquals(100000.0, decode("fa47c35000"));
    assertEquals(1.1, decode("fb3ff199999999999a"));
  }

  @Test
  void acceptsNonMinimalEncodingsButTreatsThemAsTheSameKey() {
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> decode("a2" + "1801" + "00" + "01" + "00"));
    assertTrue(e.getMessage().contains("duplicate map key 1"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
      "'', unexpected end of input",
      "5f4100ff, indefinite-length items are not allowed",
      "9f01ff, indefinite-length items are not allowed",
      "ff, unexpected break",
      "0000, trailing bytes after the first item",
      "1a0000, unexpected end of input",
      "5a7fffffff00, exceeds the remaining input",
      "9bffffffffffffffff00, exceeds the remaining input",
      "a1616101616102, trailing bytes",
      "a2616101616102, duplicate map key \"a\"",
      "a1420101f6, map keys must be integers or text strings",
      "62c328, not valid UTF-8",
      "1c, reserved additional information 28",
      "f0, unsupported simple value 16",
      "f820, unsupported simple value (one-byte)",
      "dbffffffffffffffff00, tag number too large"})
  void rejectsMalformedCbor(String hex, String fragment) {
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> decode(hex));
    assertTrue(e.getMessage().startsWith("malformed test item: invalid CBOR at byte "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void limitsNesting() {
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> decode("81".repeat(40) + "00"));
    assertTrue(e.getMessage().contains("nested more than"), e.getMessage());
  }

  @Test
  void theWriterSortsMapKeysDeterministicallyAndTheReaderReadsThemBack() throws Exception {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("io.cncf.notary.signingScheme", "notary.x509");
    map.put("zz", Instant.ofEpochSecond(7));
    map.put(33L, List.of(new byte[] {9}));
    map.put(-1L, true);
    map.put(2, 1.5);
    byte[] bytes = CborWriter.encode(map);
    assertEquals("a5" + "02" + "fa3fc00000" + "1821" + "814109" + "20" + "f5" + "627a7a" + "c107"
        + "781c" + HexFormat.of().formatHex("io.cncf.notary.signingScheme".getBytes()) + "6b"
        + HexFormat.of().formatHex("notary.x509".getBytes()), HexFormat.of().formatHex(bytes));
    Map<?, ?> back = (Map<?, ?>) CborReader.decode(bytes, "t");
    assertEquals(List.of(2L, 33L, -1L, "zz", "io.cncf.notary.signingScheme"), List.copyOf(back.keySet()));
  }

  @Test
  void theWriterNeverUsesIndefiniteLengthsForLongText() throws Exception {
    String longText = "x".repeat(10_000);
    byte[] bytes = CborWriter.encode(longText);
    assertEquals("792710", HexFormat.of().formatHex(bytes, 0, 3));
    assertEquals(longText, CborReader.decode(bytes, "t"));
  }
}
