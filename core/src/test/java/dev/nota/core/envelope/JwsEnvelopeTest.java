package dev.nota.core.envelope;

import static dev.nota.core.envelope.JwsTestEnvelopes.header;
import static dev.nota.core.envelope.JwsTestEnvelopes.signed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** JWS parsing: tampering fails integrity, and every rule of the protected and unprotected header is enforced. */
class JwsEnvelopeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static void fails(byte[] envelope, String fragment) {
    EnvelopeException e =
        assertThrows(EnvelopeException.class, () -> Envelopes.parse(MediaTypes.JWS, envelope).verify());
    assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private static ObjectNode fresh(SignatureAlgorithm algorithm) throws Exception {
    return (ObjectNode) JSON.readTree(EnvelopeRoundTripTest.sign(MediaTypes.JWS, algorithm));
  }

  private static String decoded(ObjectNode jws, String member) throws Exception {
    return new String(JwsEnvelope.base64url(member, jws.get(member).asText()), StandardCharsets.ISO_8859_1);
  }

  private static void replace(ObjectNode jws, String member, String newDecoded) {
    jws.put(member, JwsTestEnvelopes.URL.encodeToString(newDecoded.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aHandBuiltValidEnvelopeVerifies() throws Exception {
    EnvelopeContent c = Envelopes.parse(MediaTypes.JWS, signed(header(""))).verify();
    assertEquals(Instant.parse("2025-03-01T10:20:30Z"), c.signedAttributes().signingTime());
  }

  @Test
  void changingOneByteOfThePayloadFailsIntegrity() throws Exception {
    ObjectNode jws = fresh(SignatureAlgorithm.RSASSA_PSS_SHA_256);
    replace(jws, "payload", decoded(jws, "payload").replace("\"size\":19", "\"size\":18"));
    fails(JSON.writeValueAsBytes(jws), "signature is invalid");
  }

  @Test
  void changingOneByteOfTheProtectedHeaderFailsIntegrity() throws Exception {
    ObjectNode jws = fresh(SignatureAlgorithm.RSASSA_PSS_SHA_256);
    replace(jws, "protected", decoded(jws, "protected").replace("10:20:30Z\"}", "10:20:31Z\"}"));
    fails(JSON.writeValueAsBytes(jws), "signature is invalid");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 100, 255})
  void changingOneByteOfTheSignatureFailsIntegrity(int index) throws Exception {
    ObjectNode jws = fresh(SignatureAlgorithm.RSASSA_PSS_SHA_256);
    byte[] sig = JwsEnvelope.base64url("signature", jws.get("signature").asText());
    sig[index] ^= 0x01;
    jws.put("signature", JwsTestEnvelopes.URL.encodeToString(sig));
    fails(JSON.writeValueAsBytes(jws), "signature is invalid");
  }

  @Test
  void changingOneByteOfTheSigningKeyInTheCertificateFailsIntegrity() throws Exception {
    ObjectNode jws = fresh(SignatureAlgorithm.RSASSA_PSS_SHA_256);
    byte[] der = Base64.getDecoder().decode(jws.get("header").get("x5c").get(0).asText());
    byte[] spki = EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_256).certificate().getPublicKey().getEncoded();
    int at = indexOf(der, spki) + spki.length / 2;
    der[at] ^= 0x01;
    ((ObjectNode) jws.get("header")).putArray("x5c").add(Base64.getEncoder().encodeToString(der));
    fails(JSON.writeValueAsBytes(jws), "signature is invalid");
  }

  @Test
  void anotherCertificateOfTheSameKindFailsIntegrity() throws Exception {
    ObjectNode jws = fresh(SignatureAlgorithm.ECDSA_SHA_256);
    byte[] other = EnvelopeFixtures.ec("secp256r1").certificate().getEncoded();
    ((ObjectNode) jws.get("header")).putArray("x5c").add(Base64.getEncoder().encodeToString(other));
    fails(JSON.writeValueAsBytes(jws), "signature is invalid");
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }

  static Stream<Arguments> badProtectedHeaders() {
    String scheme = "\"io.cncf.notary.signingScheme\"";
    return Stream.of(
        Arguments.of(header("").replace("ES256", "none"), "unsupported JWS signature algorithm \"none\""),
        Arguments.of(header("").replace("ES256", "HS256"), "unsupported JWS signature algorithm \"HS256\""),
        Arguments.of(header("").replace("ES256", "RS256"), "unsupported JWS signature algorithm \"RS256\""),
        Arguments.of(header("").replace("\"alg\":\"ES256\",", ""), "lacks the \"alg\" string"),
        Arguments.of(header("").replace("payload.v1+json", "payload.v2+json"), "content type (cty) must be"),
        Arguments.of(header("").replace("\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",", ""),
            "got none"),
        Arguments.of(header("").replace("\"crit\":[" + scheme + "],", ""), "lacks \"crit\""),
        Arguments.of(header("").replace("[" + scheme + "]", "[]"), "crit header is empty"),
        Arguments.of(header("").replace("[" + scheme + "]", scheme), "must be an array of strings"),
        Arguments.of(header("").replace("[" + scheme + "]", "[" + scheme + ",1]"), "must be an array of strings"),
        Arguments.of(header("").replace("[" + scheme + "]", "[" + scheme + ",\"alg\"]"),
            "must not list the registered header \"alg\""),
        Arguments.of(header("").replace("[" + scheme + "]", "[" + scheme + "," + scheme + "]"), "twice"),
        Arguments.of(header("").replace("[" + scheme + "]", "[" + scheme + ",\"io.cncf.notary.expiry\"]"),
            "lists \"io.cncf.notary.expiry\", which is not in the protected header"),
        Arguments.of(header(",\"x\":1").replace("[" + scheme + "]", "[\"x\"]"),
            "the crit header must list io.cncf.notary.signingScheme"),
        Arguments.of(header("").replace("\"notary.x509\"", "\"notary.x509.v2\""),
            "unsupported signing scheme \"notary.x509.v2\""),
        Arguments.of(header("").replace("\"notary.x509\"", "7"), "io.cncf.notary.signingScheme must be a string"),
        Arguments.of(header("").replace(",\"io.cncf.notary.signingTime\":\"2025-03-01T10:20:30Z\"", ""),
            "lacks io.cncf.notary.signingTime, required by notary.x509"),
        Arguments.of(header(",\"io.cncf.notary.authenticSigningTime\":\"2025-03-01T10:20:30Z\""),
            "io.cncf.notary.authenticSigningTime must not be present with signing scheme notary.x509"),
        Arguments.of(header("").replace("\"notary.x509\"", "\"notary.x509.signingAuthority\""),
            "lacks io.cncf.notary.authenticSigningTime"),
        Arguments.of(header(",\"io.cncf.notary.authenticSigningTime\":\"2025-03-01T10:20:30Z\"")
            .replace("\"notary.x509\"", "\"notary.x509.signingAuthority\"")
            .replace("[" + scheme + "]", "[" + scheme + ",\"io.cncf.notary.authenticSigningTime\"]"),
            "io.cncf.notary.signingTime must not be present with signing scheme notary.x509.signingAuthority"),
        Arguments.of(header(",\"io.cncf.notary.expiry\":\"2026-01-01T00:00:00Z\""),
            "the crit header must list io.cncf.notary.expiry"),
        Arguments.of(header(",\"io.cncf.notary.expiry\":\"2025-03-01T18:20:30+08:00\"")
            .replace("[" + scheme + "]", "[" + scheme + ",\"io.cncf.notary.expiry\"]"),
            "is not after the signing time"),
        Arguments.of(header("").replace("2025-03-01T10:20:30Z", "2025-03-01 10:20:30Z"), "not an RFC 3339 date-time"),
        Arguments.of(header("").replace("2025-03-01T10:20:30Z", "2025-02-30T10:20:30Z"), "not a valid date-time"),
        Arguments.of(header("").replace("\"2025-03-01T10:20:30Z\"", "1740824430"), "must be an RFC 3339 date-time"),
        Arguments.of(header(",\"io.cncf.notary.verificationPluginMinVersion\":\"1.0.0\"")
            .replace("[" + scheme + "]", "[" + scheme + ",\"io.cncf.notary.verificationPluginMinVersion\"]"),
            "has io.cncf.notary.verificationPluginMinVersion but no io.cncf.notary.verificationPlugin"),
        Arguments.of(header(",\"io.cncf.notary.verificationPlugin\":\"p\""),
            "the crit header must list io.cncf.notary.verificationPlugin"),
        Arguments.of(header("").replace("\"io.cncf.notary.signingScheme\":\"notary.x509\",",
            "\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingScheme\":\"notary.x509\","),
            "Duplicate field"),
        Arguments.of("[1,2]", "not a JSON object"),
        Arguments.of("{\"alg\":", "not valid JSON"));
  }

  @ParameterizedTest
  @MethodSource("badProtectedHeaders")
  void protectedHeaderRulesAreEnforced(String headerJson, String fragment) {
    fails(signed(headerJson), fragment);
  }

  @Test
  void unknownNonCriticalHeadersAreKeptAsExtendedAttributes() throws Exception {
    EnvelopeContent c = Envelopes.parse(MediaTypes.JWS, signed(header(",\"x-note\":{\"a\":[1,2.5]}"))).verify();
    assertEquals(List.of(new ExtendedAttribute("x-note",
        java.util.Map.of("a", List.of(1L, new java.math.BigDecimal("2.5"))), false)),
        c.signedAttributes().extendedAttributes());
    assertTrue(c.unprocessedCriticalKeys().isEmpty());
  }

  static Stream<Arguments> badEnvelopes() {
    byte[] good = signed(header(""));
    String g = new String(good, StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of("not json", "not valid JSON"),
        Arguments.of("[]", "not a JSON object"),
        Arguments.of("{}", "\"header\" must be a JSON object"),
        Arguments.of(g.substring(0, g.length() - 5), "not valid JSON"),
        Arguments.of(g.replace("{\"payload\"", "{\"foo\":1,\"payload\""), "unexpected member \"foo\""),
        Arguments.of(g.replace("{\"payload\"", "{\"signatures\":[],\"payload\""), "general JSON serialization"),
        Arguments.of(g.replace("{\"payload\"", "{\"payload\":\"\",\"payload\""), "Duplicate field"),
        Arguments.of(g.replaceFirst("\"header\":\\{[^}]*}", "\"header\":[]"), "\"header\" must be a JSON object"),
        Arguments.of(g.replaceFirst("\"payload\":\"[^\"]*\"", "\"payload\":5"), "\"payload\" must be a string"),
        Arguments.of(g.replaceFirst("(\"protected\":\"[^\"]*)\"", "$1=\""), "\"protected\" is not base64url without "
            + "padding (padding is not allowed)"),
        Arguments.of(g.replaceFirst("(\"signature\":\"[^\"]*)\"", "$1+\""), "\"signature\" is not base64url"),
        Arguments.of(g.replaceFirst("\"signature\":\"[^\"]*\"", "\"signature\":\"\""), "signature is empty"),
        Arguments.of(g.replaceFirst("\"x5c\":\\[\"[^\"]*\"]", "\"x5c\":[]"), "lacks the x5c certificate chain"),
        Arguments.of(g.replaceFirst("\"x5c\":\\[\"[^\"]*\"]", "\"x5d\":[]"), "lacks the x5c certificate chain"),
        Arguments.of(g.replaceFirst("\"x5c\":\\[\"[^\"]*\"]", "\"x5c\":[\"AAAA\"]"), "x5c[0] is not a valid X.509"),
        Arguments.of(g.replaceFirst("\"x5c\":\\[\"[^\"]*\"]", "\"x5c\":[\"AAA\"]"), "not standard base64 with padding"),
        Arguments.of(g.replaceFirst("\"x5c\":\\[\"[^\"]*\"]", "\"x5c\":[7]"), "x5c entries must be base64 strings"),
        Arguments.of(g.replace("\"header\":{", "\"header\":{\"io.cncf.notary.timestampSignature\":\"***\","),
            "not standard base64"),
        Arguments.of(g.replace("\"header\":{", "\"header\":{\"io.cncf.notary.signingAgent\":1,"),
            "io.cncf.notary.signingAgent must be a string"));
  }

  @ParameterizedTest
  @MethodSource("badEnvelopes")
  void malformedEnvelopesFailWithOneLine(String envelope, String fragment) {
    fails(envelope.getBytes(StandardCharsets.UTF_8), fragment);
  }

  @Test
  void unknownUnprotectedHeadersAreIgnoredAndKnownOnesMatchIgnoringCase() throws Exception {
    String g = new String(signed(header("")), StandardCharsets.UTF_8)
        .replace("\"header\":{", "\"header\":{\"io.cncf.notary.SigningAgent\":\"old\",\"kid\":\"k\",");
    EnvelopeContent c = Envelopes.parse(MediaTypes.JWS, g.getBytes(StandardCharsets.UTF_8)).verify();
    assertEquals("old", c.unsignedAttributes().signingAgent());
  }

  @Test
  void pssSignaturesWithAnotherSaltLengthVerifyInJws() throws Exception {
    SignatureAlgorithm alg = SignatureAlgorithm.RSASSA_PSS_SHA_256;
    EnvelopeFixtures.TestKey key = EnvelopeFixtures.key(alg);
    String header = JwsTestEnvelopes.URL.encodeToString(header("").replace("ES256", "PS256").getBytes());
    String payload = JwsTestEnvelopes.URL.encodeToString(EnvelopeRoundTripTest.PAYLOAD);
    java.security.Signature s = java.security.Signature.getInstance("RSASSA-PSS");
    s.setParameter(alg.pssParameters(0));
    s.initSign(key.privateKey());
    s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    byte[] envelope = JwsTestEnvelopes.json(payload, header,
        Base64.getEncoder().encodeToString(key.certificate().getEncoded()),
        JwsTestEnvelopes.URL.encodeToString(s.sign()));
    assertEquals(alg, Envelopes.parse(MediaTypes.JWS, envelope).verify().algorithm());
  }

  /** {@code alphabet,text}: url = base64url without padding (JWS members), std = standard base64 with padding (x5c). */
  @ParameterizedTest
  @CsvSource({"url,''", "url,QUJD", "url,QUI", "url,QQ", "url,a-_9", "url,AAAA-_-_",
      "std,''", "std,QUJD", "std,QUI=", "std,QQ==", "std,a+b/", "std,AA+/AA=="})
  void eachBase64FlavourTakesItsAlphabetAndPadding(String alphabet, String text) throws Exception {
    byte[] expected = alphabet.equals("url") ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
    byte[] actual = alphabet.equals("url") ? JwsEnvelope.base64url("m", text) : JwsEnvelope.base64("m", text);
    assertArrayEquals(expected, actual);
  }

  @ParameterizedTest
  @CsvSource({"url,QUI=", "url,QQ==", "url,a+b/", "url,ab c", "url,Q", "url,QUJD\\n", "url,é", "url,QU=I",
      "std,QUI", "std,Q===", "std,a-b_", "std,QU=I", "std,=QUI", "std,QQ=", "std,ab c", "std,é==="})
  void eachBase64FlavourRefusesOtherAlphabetsMisplacedPaddingAndBadLengths(String alphabet, String text) {
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> {
      if (alphabet.equals("url")) {
        JwsEnvelope.base64url("m", text);
      } else {
        JwsEnvelope.base64("m", text);
      }
    });
    assertTrue(e.getMessage().contains("\"m\" is not"), e.getMessage());
  }
}
