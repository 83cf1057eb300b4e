package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * notation-core-go's conformance vectors: for the same inputs nota writes the same protected header bytes, and for
 * COSE the same whole COSE_Sign1 message (given the vector's signature, made with a key generated upstream).
 */
class ConformanceTest {
  private static final Path DIR = EnvelopeFixtures.vectors().resolve("notation-core-go/conformance");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jwsProtectedHeaderMatchesNotationCoreGo() throws Exception {
    JsonNode vector = JSON.readTree(DIR.resolve("jws-conformance.json").toFile());
    List<ExtendedAttribute> extended = List.of(
        new ExtendedAttribute("signedCritKey1", "signedCritValue1", true),
        new ExtendedAttribute("signedKey1", "signedValue1", false),
        new ExtendedAttribute("signedKey2", "signedValue1", false),
        new ExtendedAttribute("signedKey3", "signedValue1", false),
        new ExtendedAttribute("signedKey4", "signedValue1", false));
    byte[] header = JwsWriter.protectedHeader(SignatureAlgorithm.ECDSA_SHA_256, SigningScheme.X509,
        Instant.parse("2022-08-29T13:50:00Z"), Instant.parse("2099-08-30T13:50:00Z"), extended);
    assertEquals(vector.get("protected").asText(), Base64.getUrlEncoder().withoutPadding().encodeToString(header));
    assertEquals("{\"key\":\"hello JWS\"}",
        new String(JwsEnvelope.base64url("payload", vector.get("payload").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void theJwsVectorWithoutCertificatesFailsOnlyForLackOfX5c() throws Exception {
    SignatureEnvelope envelope =
        Envelopes.parse(MediaTypes.JWS, Files.readAllBytes(DIR.resolve("jws-conformance.json")));
    EnvelopeException e = assertThrows(EnvelopeException.class, envelope::content);
    assertTrue(e.getMessage().contains("x5c"), e.getMessage());
  }

  @Test
  void coseProtectedHeaderAndMessageMatchNotationCoreGo() throws Exception {
    JsonNode vector = JSON.readTree(DIR.resolve("cose-conformance.json").toFile());
    HexFormat hex = HexFormat.of();
    List<ExtendedAttribute> extended = List.of(
        new ExtendedAttribute("signedCritKey1", "signedCritValue1", true),
        new ExtendedAttribute("signedKey1", "signedValue1", false));
    byte[] header = CoseWriter.protectedHeader(SignatureAlgorithm.RSASSA_PSS_SHA_384, SigningScheme.X509,
        Instant.ofEpochSecond(vector.get("signingTime").asLong()), Instant.ofEpochSecond(vector.get("expiry").asLong()),
        extended);
    assertEquals(vector.at("/protectedHeaders/cborHex").asText().toLowerCase(), hex.formatHex(header));

    byte[] expected = hex.parseHex(vector.at("/expectedOutput/cborHex").asText().toLowerCase());
    CborReader.Tagged message = (CborReader.Tagged) CborReader.decode(expected, "vector");
    byte[] signature = (byte[]) ((List<?>) message.content()).get(3);
    Map<Object, Object> unprotected = new LinkedHashMap<>();
    unprotected.put(HeaderRules.SIGNING_AGENT, "NotationConformanceTest/1.0.0");
    assertEquals(vector.at("/unprotectedHeaders/cborHex").asText().toLowerCase(),
        hex.formatHex(CborWriter.encode(unprotected)));
    byte[] payload = hex.parseHex(vector.get("payload").asText().toLowerCase());
    assertEquals(hex.formatHex(expected), hex.formatHex(CoseWriter.sign1(header, unprotected, payload, signature)));
  }

  @Test
  void theCoseVectorPassesTheHeaderRulesAndFailsOnlyForLackOfX5chain() throws Exception {
    JsonNode vector = JSON.readTree(DIR.resolve("cose-conformance.json").toFile());
    byte[] expected = HexFormat.of().parseHex(vector.at("/expectedOutput/cborHex").asText().toLowerCase());
    EnvelopeException e =
        assertThrows(EnvelopeException.class, () -> Envelopes.parse(MediaTypes.COSE, expected).content());
    // The upstream vector carries no x5chain; everything before that check was accepted.
    assertTrue(e.getMessage().contains("x5chain"), e.getMessage());
  }
}
