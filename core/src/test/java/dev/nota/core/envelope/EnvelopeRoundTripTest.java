package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeFixtures.TestSigner;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** nota's own envelopes, for every algorithm in both formats: sign, parse, verify, and read back every attribute. */
class EnvelopeRoundTripTest {
  static final Instant SIGNED = Instant.parse("2025-03-01T10:20:30.750Z");
  static final Instant EXPIRY = Instant.parse("2026-03-01T10:20:30Z");
  static final byte[] PAYLOAD = new Payload(Descriptor.of(MediaTypes.OCI_MANIFEST,
      "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8))).toJson();

  static Stream<Arguments> formatsAndAlgorithms() {
    List<Arguments> out = new ArrayList<>();
    for (String format : List.of(MediaTypes.JWS, MediaTypes.COSE)) {
      for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
        out.add(Arguments.of(format, a));
      }
    }
    return out.stream();
  }

  static SignRequest request(SigningScheme scheme, Instant expiry, List<ExtendedAttribute> extended,
      PrimitiveSigner signer) {
    return new SignRequest(PAYLOAD, MediaTypes.NOTARY_PAYLOAD, scheme, SIGNED, expiry, extended, "nota/test", signer);
  }

  static byte[] sign(String format, SignatureAlgorithm algorithm) throws NotaException {
    return Envelopes.sign(format, request(SigningScheme.X509, EXPIRY, List.of(), new TestSigner(algorithm)));
  }

  @ParameterizedTest
  @MethodSource("formatsAndAlgorithms")
  void signedEnvelopesVerifyAndReadBack(String format, SignatureAlgorithm algorithm) throws Exception {
    byte[] envelope = sign(format, algorithm);
    SignatureEnvelope parsed = Envelopes.parse(format, envelope);
    assertEquals(format, parsed.mediaType());
    EnvelopeContent c = parsed.verify();
    assertArrayEquals(PAYLOAD, c.payload());
    assertEquals(algorithm, c.algorithm());
    assertEquals(MediaTypes.NOTARY_PAYLOAD, c.payloadContentType());
    assertEquals(SigningScheme.X509, c.signedAttributes().signingScheme());
    assertEquals(Instant.parse("2025-03-01T10:20:30Z"), c.signedAttributes().signingTime());
    assertEquals(EXPIRY, c.signedAttributes().expiry());
    assertNull(c.signedAttributes().authenticSigningTime());
    assertEquals("nota/test", c.unsignedAttributes().signingAgent());
    assertNull(c.unsignedAttributes().timestampSignature());
    assertEquals(EnvelopeFixtures.key(algorithm).chain(), c.certificateChain());
    assertTrue(c.unprocessedCriticalKeys().isEmpty());
  }

  @ParameterizedTest
  @MethodSource("formatsAndAlgorithms")
  void envelopesHaveNotationsOuterShape(String format, SignatureAlgorithm algorithm) throws Exception {
    byte[] envelope = sign(format, algorithm);
    if (format.equals(MediaTypes.COSE)) {
      assertEquals(0xd2, envelope[0] & 0xff);
      assertEquals(0x84, envelope[1] & 0xff);
      return;
    }
    JsonNode root = new ObjectMapper().readTree(envelope);
    List<String> members = new ArrayList<>();
    root.fieldNames().forEachRemaining(members::add);
    assertEquals(List.of("payload", "protected", "header", "signature"), members);
    String header = new String(JwsEnvelope.base64url("p", root.get("protected").asText()), StandardCharsets.UTF_8);
    assertEquals("{\"alg\":\"" + algorithm.jwsName() + "\",\"crit\":[\"io.cncf.notary.signingScheme\","
        + "\"io.cncf.notary.expiry\"],\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
        + "\"io.cncf.notary.expiry\":\"2026-03-01T10:20:30Z\",\"io.cncf.notary.signingScheme\":\"notary.x509\","
        + "\"io.cncf.notary.signingTime\":\"2025-03-01T10:20:30Z\"}", header);
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void signingAuthorityEnvelopesCarryAnAuthenticSigningTime(String format) throws Exception {
    byte[] envelope = Envelopes.sign(format, request(SigningScheme.X509_SIGNING_AUTHORITY, null, List.of(),
        new TestSigner(SignatureAlgorithm.ECDSA_SHA_256)));
    SignedAttributes s = Envelopes.parse(format, envelope).verify().signedAttributes();
    assertEquals(SigningScheme.X509_SIGNING_AUTHORITY, s.signingScheme());
    assertEquals(Instant.parse("2025-03-01T10:20:30Z"), s.authenticSigningTime());
    assertNull(s.signingTime());
    assertNull(s.expiry());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void extendedAttributesRoundTripAndCriticalOnesAreReported(String format) throws Exception {
    List<ExtendedAttribute> extended = List.of(
        new ExtendedAttribute("com.example.build", "42", false),
        new ExtendedAttribute("com.example.flags", List.of(1L, true, "x"), false),
        new ExtendedAttribute("com.example.must", Map.of("k", "v"), true));
    byte[] envelope = Envelopes.sign(format, request(SigningScheme.X509, null, extended,
        new TestSigner(SignatureAlgorithm.ECDSA_SHA_384)));
    EnvelopeContent c = Envelopes.parse(format, envelope).verify();
    // JWS keeps the header's (sorted) order, COSE the deterministic CBOR order: compare as sets.
    assertEquals(java.util.Set.copyOf(extended), java.util.Set.copyOf(c.signedAttributes().extendedAttributes()));
    assertEquals(List.of("com.example.must"), c.unprocessedCriticalKeys());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aSignerWhoseKeyDoesNotMatchItsAlgorithmIsRefused(String format) {
    TestSigner liar = new TestSigner(EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_384),
        SignatureAlgorithm.RSASSA_PSS_SHA_256, EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_384).chain());
    NotaException e = assertThrows(NotaException.class,
        () -> Envelopes.sign(format, request(SigningScheme.X509, null, List.of(), liar)));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void anEnvelopeWhoseAlgorithmDoesNotMatchTheKeyFailsIntegrity(String format) throws Exception {
    // Bypass the signing-time check: a correct PS256 signature by an RSA-3072 key, which implies PS384.
    TestSigner liar = new TestSigner(EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_384),
        SignatureAlgorithm.RSASSA_PSS_SHA_256, EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_384).chain());
    SignRequest r = request(SigningScheme.X509, null, List.of(), liar);
    assertThrows(EnvelopeException.class, () -> Envelopes.parse(format,
        format.equals(MediaTypes.JWS) ? JwsWriter.sign(r, liar.algorithm()) : CoseWriter.sign(r, liar.algorithm())));
    // The writers' self-check refuses it; build one without that check to see verification refuse it too.
    byte[] envelope = forge(format, r, liar);
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> Envelopes.parse(format, envelope).verify());
    assertTrue(e.getMessage().contains("does not match the signing certificate's key, which requires "
        + "RSASSA-PSS-SHA-384"), e.getMessage());
  }

  private static byte[] forge(String format, SignRequest r, TestSigner signer) throws Exception {
    SignatureAlgorithm alg = signer.algorithm();
    byte[] der = signer.certificateChain().get(0).getEncoded();
    if (format.equals(MediaTypes.COSE)) {
      byte[] header = CoseWriter.protectedHeader(alg, r.signingScheme(), r.signingTime(), null, List.of());
      byte[] sig = signer.sign(CoseWriter.sigStructure(header, PAYLOAD));
      return CoseWriter.sign1(header, new java.util.HashMap<>(Map.of(33L, List.of(der))), PAYLOAD, sig);
    }
    java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
    String header = url.encodeToString(JwsWriter.protectedHeader(alg, r.signingScheme(), r.signingTime(), null,
        List.of()));
    String payload = url.encodeToString(PAYLOAD);
    byte[] sig = signer.sign((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return JwsTestEnvelopes.json(payload, header, java.util.Base64.getEncoder().encodeToString(der),
        url.encodeToString(sig));
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aSignerWithoutCertificatesIsRefused(String format) {
    TestSigner none = new TestSigner(EnvelopeFixtures.key(SignatureAlgorithm.ECDSA_SHA_256),
        SignatureAlgorithm.ECDSA_SHA_256, List.of());
    NotaException e = assertThrows(NotaException.class,
        () -> Envelopes.sign(format, request(SigningScheme.X509, null, List.of(), none)));
    assertEquals("the signing key has no certificate chain", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void anExpiryNotAfterTheSigningTimeIsRefused(String format) {
    NotaException e = assertThrows(NotaException.class, () -> Envelopes.sign(format,
        request(SigningScheme.X509, SIGNED, List.of(), new TestSigner(SignatureAlgorithm.ECDSA_SHA_256))));
    assertTrue(e.getMessage().contains("is not after the signing time"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void reservedExtendedAttributeKeysAreRefused(String format) {
    for (String key : List.of("alg", "io.cncf.notary.expiry", "io.cncf.notary.signingAgent")) {
      NotaException e = assertThrows(NotaException.class, () -> Envelopes.sign(format, request(SigningScheme.X509,
          null, List.of(new ExtendedAttribute(key, "x", false)), new TestSigner(SignatureAlgorithm.ECDSA_SHA_256))));
      assertEquals("extended attribute key \"" + key + "\" is reserved", e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aSignerThatReturnsAWrongSignatureIsCaught(String format) {
    TestSigner key = new TestSigner(SignatureAlgorithm.ECDSA_SHA_256);
    PrimitiveSigner broken = new PrimitiveSigner() {
      @Override
      public SignatureAlgorithm algorithm() {
        return key.algorithm();
      }

      @Override
      public List<java.security.cert.X509Certificate> certificateChain() {
        return key.certificateChain();
      }

      @Override
      public byte[] sign(byte[] toBeSigned) throws NotaException {
        return key.sign("something else".getBytes(StandardCharsets.UTF_8));
      }
    };
    NotaException e = assertThrows(NotaException.class,
        () -> Envelopes.sign(format, request(SigningScheme.X509, null, List.of(), broken)));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aTimestampTokenCanBeAddedWithoutBreakingTheSignature(String format) throws Exception {
    byte[] envelope = sign(format, SignatureAlgorithm.ECDSA_SHA_256);
    byte[] first = Envelopes.addTimestamp(format, envelope, new byte[] {0x30, 0x01, 0x00});
    byte[] token = {0x30, 0x02, 0x05, 0x00};
    byte[] twice = Envelopes.addTimestamp(format, first, token);
    EnvelopeContent c = Envelopes.parse(format, twice).verify();
    assertArrayEquals(token, c.unsignedAttributes().timestampSignature());
    assertEquals("nota/test", c.unsignedAttributes().signingAgent());
    if (format.equals(MediaTypes.JWS)) {
      JsonNode header = new ObjectMapper().readTree(twice).get("header");
      List<String> names = new ArrayList<>();
      header.fieldNames().forEachRemaining(names::add);
      assertEquals(List.of("io.cncf.notary.timestampSignature", "x5c", "io.cncf.notary.signingAgent"), names);
    } else {
      Map<?, ?> unprotected = (Map<?, ?>) ((List<?>) ((CborReader.Tagged) CborReader.decode(twice, "t")).content())
          .get(1);
      assertEquals(List.of(33L, "io.cncf.notary.signingAgent", "io.cncf.notary.timestampSignature"),
          List.copyOf(unprotected.keySet()));
    }
    assertThrows(EnvelopeException.class, () -> Envelopes.addTimestamp(format, envelope, new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "application/pgp-signature"})
  void unknownEnvelopeTypesAreRefused(String type) {
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> Envelopes.parse(type, new byte[] {'{', '}'}));
    assertTrue(e.getMessage().startsWith("unsupported signature envelope type \"" + type + "\""), e.getMessage());
    assertThrows(EnvelopeException.class, () -> Envelopes.sign(type,
        request(SigningScheme.X509, null, List.of(), new TestSigner(SignatureAlgorithm.ECDSA_SHA_256))));
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void oversizedEnvelopesAreRefusedBeforeParsing(String format) {
    byte[] big = new byte[(int) Envelopes.MAX_ENVELOPE_SIZE + 1];
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> Envelopes.parse(format, big));
    assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
  }
}
