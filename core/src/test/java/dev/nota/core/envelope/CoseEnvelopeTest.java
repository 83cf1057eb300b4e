package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.envelope.CborReader.Tagged;
import dev.nota.core.envelope.EnvelopeFixtures.TestKey;
import dev.nota.oci.MediaTypes;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** COSE parsing: tampering fails integrity, malformed CBOR and broken header rules fail with one line. */
class CoseEnvelopeTest {
  private static final SignatureAlgorithm ES256 = SignatureAlgorithm.ECDSA_SHA_256;
  private static final String SCHEME = HeaderRules.SIGNING_SCHEME;
  private static final String TIME = HeaderRules.SIGNING_TIME;

  static void fails(byte[] envelope, String fragment) {
    EnvelopeException e =
        assertThrows(EnvelopeException.class, () -> Envelopes.parse(MediaTypes.COSE, envelope).verify());
    assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  /** A valid notary.x509 protected header map for ES256. */
  static Map<Object, Object> header() {
    Map<Object, Object> h = new LinkedHashMap<>();
    h.put(1L, -7L);
    h.put(2L, List.of(SCHEME));
    h.put(3L, MediaTypes.NOTARY_PAYLOAD);
    h.put(SCHEME, "notary.x509");
    h.put(TIME, new Tagged(1, 1740824430L));
    return h;
  }

  static Map<Object, Object> unprotected(TestKey key) throws Exception {
    Map<Object, Object> u = new LinkedHashMap<>();
    u.put(33L, List.of(key.certificate().getEncoded()));
    return u;
  }

  /** An envelope over raw protected bytes, validly signed by the ES256 test key. */
  static byte[] signedRaw(byte[] protectedBytes, Map<Object, Object> unprotected) throws Exception {
    byte[] payload = EnvelopeRoundTripTest.PAYLOAD;
    byte[] sig = EnvelopeFixtures.sign(EnvelopeFixtures.key(ES256).privateKey(), ES256,
        CoseWriter.sigStructure(protectedBytes, payload));
    return CoseWriter.sign1(protectedBytes, unprotected, payload, sig);
  }

  static byte[] signed(Consumer<Map<Object, Object>> headerChange) throws Exception {
    Map<Object, Object> h = header();
    headerChange.accept(h);
    return signedRaw(CborWriter.encode(h), unprotected(EnvelopeFixtures.key(ES256)));
  }

  /** The four parts of a fresh RSA envelope, to be changed and reassembled. */
  private static List<Object> parts() throws Exception {
    byte[] envelope = EnvelopeRoundTripTest.sign(MediaTypes.COSE, SignatureAlgorithm.RSASSA_PSS_SHA_256);
    return new java.util.ArrayList<>((List<?>) ((Tagged) CborReader.decode(envelope, "test")).content());
  }

  @SuppressWarnings("unchecked")
  private static byte[] assemble(List<Object> p) throws Exception {
    return CoseWriter.sign1((byte[]) p.get(0), new LinkedHashMap<>((Map<Object, Object>) p.get(1)),
        (byte[]) p.get(2), (byte[]) p.get(3));
  }

  @Test
  void aHandBuiltValidEnvelopeVerifies() throws Exception {
    EnvelopeContent c = Envelopes.parse(MediaTypes.COSE, signed(h -> {})).verify();
    assertEquals(Instant.ofEpochSecond(1740824430L), c.signedAttributes().signingTime());
  }

  @Test
  void reassemblingAnUntouchedEnvelopeGivesTheSameBytes() throws Exception {
    byte[] envelope = EnvelopeRoundTripTest.sign(MediaTypes.COSE, SignatureAlgorithm.RSASSA_PSS_SHA_256);
    assertTrue(Arrays.equals(envelope,
        assemble(new java.util.ArrayList<>((List<?>) ((Tagged) CborReader.decode(envelope, "t")).content()))));
  }

  @Test
  void changingOneByteOfThePayloadFailsIntegrity() throws Exception {
    List<Object> p = parts();
    byte[] payload = ((byte[]) p.get(2)).clone();
    payload[payload.length - 3] ^= 0x01;
    p.set(2, payload);
    fails(assemble(p), "signature is invalid");
  }

  @Test
  void changingOneByteOfTheProtectedHeaderFailsIntegrity() throws Exception {
    List<Object> p = parts();
    byte[] header = ((byte[]) p.get(0)).clone();
    // The signing time is the last integer before the signing scheme: c1 1a xx xx xx xx.
    String hex = HexFormat.of().formatHex(header);
    int at = hex.lastIndexOf("c11a") / 2 + 5;
    header[at] ^= 0x01;
    p.set(0, header);
    fails(assemble(p), "signature is invalid");
  }

  @Test
  void changingOneByteOfTheSignatureFailsIntegrity() throws Exception {
    List<Object> p = parts();
    byte[] sig = ((byte[]) p.get(3)).clone();
    sig[7] ^= 0x40;
    p.set(3, sig);
    fails(assemble(p), "signature is invalid");
  }

  @Test
  @SuppressWarnings("unchecked")
  void changingOneByteOfTheSigningKeyInTheCertificateFailsIntegrity() throws Exception {
    List<Object> p = parts();
    Map<Object, Object> u = new LinkedHashMap<>((Map<Object, Object>) p.get(1));
    byte[] der = ((List<byte[]>) u.get(33L)).get(0).clone();
    byte[] spki = EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_256).certificate().getPublicKey().getEncoded();
    der[JwsEnvelopeTest.indexOf(der, spki) + spki.length / 2] ^= 0x01;
    u.put(33L, List.of(der));
    p.set(1, u);
    fails(assemble(p), "signature is invalid");
  }

  @Test
  void theSignatureIsCheckedOverTheReceivedProtectedBytesNotAReencoding() throws Exception {
    // Same header, but the signing scheme comes before the content type and 1 is encoded as 18 01: not canonical.
    byte[] header = HexFormat.of().parseHex("a5" + "1801" + "26" + "02" + "81" + text(SCHEME)
        + text(SCHEME) + text("notary.x509") + "03" + text(MediaTypes.NOTARY_PAYLOAD)
        + text(TIME) + "c11a67c2dfee");
    EnvelopeContent c = Envelopes.parse(MediaTypes.COSE, signedRaw(header, unprotected(EnvelopeFixtures.key(ES256))))
        .verify();
    assertEquals(Instant.ofEpochSecond(0x67c2dfeeL), c.signedAttributes().signingTime());
  }

  static String text(String s) {
    return HexFormat.of().formatHex(new CborWriter().text(s).toByteArray());
  }

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.remove(1L), "lacks the algorithm (label 1)"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(1L, "ES256"), "unsupported COSE signature algorithm"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(1L, -257L),
            "unsupported COSE signature algorithm -257"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> {
          h.remove(1L);
          h.put("1", -7L);
        }, "lacks the algorithm (label 1)"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(3L, 50L), "content type (label 3) must be the text"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.remove(2L), "lacks crit (label 2)"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(2L, SCHEME), "crit header (label 2) must be an array"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(2L, List.of()), "crit header is empty"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(2L, List.of(SCHEME, 1L)),
            "must not list the registered label 1"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(2L, List.of(SCHEME, 99L)),
            "unsupported critical COSE header label 99"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(2L, List.of(SCHEME, "absent")),
            "lists \"absent\", which is not in the protected header"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(TIME, 1740824430L),
            "must be an epoch time with CBOR tag 1"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(TIME, new Tagged(0, "2025-03-01T10:20:30Z")),
            "must be an epoch time with CBOR tag 1"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(TIME, new Tagged(1, "x")), "around a number"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.remove(TIME), "lacks io.cncf.notary.signingTime"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> {
          h.put(HeaderRules.EXPIRY, new Tagged(1, 1740824430L));
          h.put(2L, List.of(SCHEME, HeaderRules.EXPIRY));
        }, "is not after the signing time"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put(SCHEME, "notary.default.x509"),
            "unsupported signing scheme"),
        Arguments.of((Consumer<Map<Object, Object>>) h -> h.put("x", new Tagged(42, 1L)), "unsupported CBOR tag 42"));
  }

  @ParameterizedTest
  @MethodSource("badHeaders")
  void protectedHeaderRulesAreEnforced(Consumer<Map<Object, Object>> change, String fragment) throws Exception {
    fails(signed(change), fragment);
  }

  @Test
  void criticalExtendedAttributesAreReportedAndTimesInThemAreRead() throws Exception {
    EnvelopeContent c = Envelopes.parse(MediaTypes.COSE, signed(h -> {
      h.put("com.example.when", new Tagged(1, 5L));
      h.put("com.example.blob", new byte[] {1, 2});
      h.put(2L, List.of(SCHEME, "com.example.when"));
    })).verify();
    assertEquals(List.of("com.example.when"), c.unprocessedCriticalKeys());
    assertEquals(Instant.ofEpochSecond(5), c.signedAttributes().extendedAttributes().stream()
        .filter(a -> a.key().equals("com.example.when")).findFirst().orElseThrow().value());
  }

  static Stream<Arguments> badMessages() throws Exception {
    byte[] good = signed(h -> {});
    String g = HexFormat.of().formatHex(good);
    byte[] der = EnvelopeFixtures.key(ES256).certificate().getEncoded();
    byte[] header = CborWriter.encode(header());
    Map<Object, Object> single = new LinkedHashMap<>();
    single.put(33L, der);
    Map<Object, Object> both = unprotected(EnvelopeFixtures.key(ES256));
    both.put(3L, MediaTypes.NOTARY_PAYLOAD);
    Map<Object, Object> agentBytes = unprotected(EnvelopeFixtures.key(ES256));
    agentBytes.put(HeaderRules.SIGNING_AGENT, new byte[] {1});
    Map<Object, Object> tokenText = unprotected(EnvelopeFixtures.key(ES256));
    tokenText.put(HeaderRules.TIMESTAMP_SIGNATURE, "token");
    return Stream.of(
        Arguments.of(new byte[0], "unexpected end of input"),
        Arguments.of(Arrays.copyOf(good, good.length - 1), "exceeds the remaining input"),
        Arguments.of(Arrays.copyOf(good, 1), "unexpected end of input"),
        Arguments.of(Arrays.copyOf(good, good.length + 1), "trailing bytes"),
        Arguments.of(hex("d1" + g.substring(2)), "not a tagged COSE_Sign1 message (CBOR tag 18)"),
        Arguments.of(hex(g.substring(2)), "not a tagged COSE_Sign1 message"),
        Arguments.of(hex("d29f" + g.substring(4) + "ff"), "indefinite-length items are not allowed"),
        Arguments.of(hex("d283" + g.substring(4)), "trailing bytes"),
        Arguments.of(hex("d2" + "84" + "40" + "a0" + "f6" + "41" + "00"), "detached payloads are not supported"),
        Arguments.of(hex("d2" + "84" + "60" + "a0" + "40" + "41" + "00"), "protected header must be a byte string"),
        Arguments.of(hex("d2" + "84" + "40" + "80" + "40" + "41" + "00"), "unprotected header must be a map"),
        Arguments.of(hex("d2" + "84" + "40" + "a0" + "40" + "40"), "signature must be a non-empty byte string"),
        Arguments.of(hex("d2" + "84" + "40" + "a2" + "0101" + "0101" + "40" + "41" + "00"), "duplicate map key 1"),
        Arguments.of(signedRaw(hex("a2" + "0126" + "0126"), unprotected(EnvelopeFixtures.key(ES256))),
            "malformed COSE protected header: invalid CBOR at byte 3: duplicate map key 1"),
        Arguments.of(signedRaw(hex("bf0126ff"), unprotected(EnvelopeFixtures.key(ES256))),
            "indefinite-length items are not allowed"),
        Arguments.of(signedRaw(hex("80"), unprotected(EnvelopeFixtures.key(ES256))), "protected header: not a map"),
        Arguments.of(signedRaw(header, new LinkedHashMap<>()), "lacks the x5chain certificate chain (label 33)"),
        Arguments.of(signedRaw(header, single), "x5chain (label 33) must be a non-empty array"),
        Arguments.of(signedRaw(header, both), "appears in both the protected and the unprotected header"),
        Arguments.of(signedRaw(header, agentBytes), "io.cncf.notary.signingAgent must be a text string"),
        Arguments.of(signedRaw(header, tokenText), "io.cncf.notary.timestampSignature must be a byte string"));
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @ParameterizedTest
  @MethodSource("badMessages")
  void malformedMessagesFailWithOneLine(byte[] envelope, String fragment) {
    fails(envelope, fragment);
  }
}
