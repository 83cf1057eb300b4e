package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real envelopes made by notation-go: they parse, and the integrity verdicts match the vectors' README. */
class NotationEnvelopeVectorsTest {
  private static final Path ENVELOPES = EnvelopeFixtures.vectors().resolve("notation-go/envelopes");

  static Stream<Path> envelopes() throws IOException {
    try (Stream<Path> files = Files.walk(ENVELOPES)) {
      return files.filter(Files::isRegularFile).sorted().toList().stream();
    }
  }

  static String mediaType(Path file) throws IOException {
    return Files.readAllBytes(file)[0] == '{' ? MediaTypes.JWS : MediaTypes.COSE;
  }

  static SignatureEnvelope load(String relative) throws Exception {
    Path file = ENVELOPES.resolve(relative);
    return Envelopes.parse(mediaType(file), Files.readAllBytes(file));
  }

  private static boolean hasPaddedPayload(Path file) {
    String name = file.getFileName().toString();
    return name.equals("ca_invalid_sig_env.json") || name.equals("sa_invalid_sig_env.json");
  }

  @Test
  void theVectorsAreAllThere() throws Exception {
    assertEquals(26, envelopes().count());
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void everyNotationEnvelopeParsesAndValidOnesPassIntegrity(Path file) throws Exception {
    SignatureEnvelope envelope = Envelopes.parse(mediaType(file), Files.readAllBytes(file));
    if (hasPaddedPayload(file)) {
      EnvelopeException e = assertThrows(EnvelopeException.class, envelope::verify);
      assertTrue(e.getMessage().contains("\"payload\" is not base64url without padding"), e.getMessage());
      return;
    }
    EnvelopeContent content = envelope.verify();
    assertTrue(content.certificateChain().size() >= 1);
    assertNotNull(Payload.parse(content.payload()).targetArtifact().digest());
    assertEquals(MediaTypes.NOTARY_PAYLOAD, content.payloadContentType());
  }

  @Test
  void caValidHasTheX509SchemeAndTimes() throws Exception {
    EnvelopeContent c = load("mock-jws/ca_valid_sig_env.json").verify();
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_384, c.algorithm());
    assertEquals(SigningScheme.X509, c.signedAttributes().signingScheme());
    assertEquals(Instant.parse("2020-11-09T07:00:00Z"), c.signedAttributes().signingTime());
    assertEquals(Instant.parse("2120-11-09T07:00:00Z"), c.signedAttributes().expiry());
    assertNull(c.signedAttributes().authenticSigningTime());
    assertTrue(c.unprocessedCriticalKeys().isEmpty());
    assertEquals(528, Payload.parse(c.payload()).targetArtifact().size());
  }

  @Test
  void saValidHasAnAuthenticSigningTime() throws Exception {
    EnvelopeContent c = load("mock-jws/sa_valid_sig_env.json").verify();
    assertEquals(SigningScheme.X509_SIGNING_AUTHORITY, c.signedAttributes().signingScheme());
    assertEquals(Instant.parse("2020-11-09T07:00:00Z"), c.signedAttributes().authenticSigningTime());
    assertNull(c.signedAttributes().signingTime());
  }

  @Test
  void pluginEnvelopesNameThePluginAndKeepTheUnknownCriticalHeader() throws Exception {
    for (String name : List.of("mock-jws/ca_plugin_sig_env.json", "mock-jws/sa_plugin_sig_env.json")) {
      EnvelopeContent c = load(name).verify();
      assertEquals("plugin-name", c.signedAttributes().verificationPlugin());
      assertEquals(List.of("SomeKey"), c.unprocessedCriticalKeys());
      assertEquals(List.of(new ExtendedAttribute("SomeKey", "SomeValue", true)),
          c.signedAttributes().extendedAttributes());
    }
  }

  @Test
  void pluginVersionEnvelopesCarryTheMinimumVersion() throws Exception {
    EnvelopeContent c = load("mock-jws/ca_incompatible_pluginver_sig_env_1.1.0-alpha.json").verify();
    assertEquals("io.cncf.notary.plugin.unittest.mock", c.signedAttributes().verificationPlugin());
    assertEquals("1.1.0-alpha", c.signedAttributes().verificationPluginMinVersion());
    assertTrue(c.unprocessedCriticalKeys().isEmpty());
    assertEquals(Instant.parse("2023-01-19T20:40:34Z"), c.signedAttributes().signingTime());
  }

  @Test
  void anOffsetSigningTimeIsReadAsTheSameInstant() throws Exception {
    EnvelopeContent c = load("oci-layout-sigs/jws_signature.sig").verify();
    assertEquals(Instant.parse("2023-03-14T08:10:02Z"), c.signedAttributes().signingTime());
    assertTrue(c.certificateChain().get(0).getSubjectX500Principal().getName().startsWith("CN=alpine,"));
  }

  @Test
  void theCoseAndJwsLayoutSignaturesSignTheSameTarget() throws Exception {
    EnvelopeContent cose = load("oci-layout-sigs/cose_signature.sig").verify();
    EnvelopeContent jws = load("oci-layout-sigs/jws_signature.sig").verify();
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_256, cose.algorithm());
    assertEquals(Payload.parse(jws.payload()), Payload.parse(cose.payload()));
    assertEquals(jws.certificateChain(), cose.certificateChain());
    assertNotNull(cose.signedAttributes().signingTime());
  }

  @Test
  void timestampTokensAreReadFromBothFormats() throws Exception {
    for (String name : List.of("timestamped/jwsWithTimestamp.sig", "timestamped/coseWithTimestamp.sig")) {
      byte[] token = load(name).verify().unsignedAttributes().timestampSignature();
      assertNotNull(token, name);
      assertEquals(0x30, token[0] & 0xff, name); // a DER SEQUENCE
    }
    assertNull(load("timestamped/withoutTimestamp.sig").verify().unsignedAttributes().timestampSignature());
  }

  @Test
  void signedUserMetadataIsInThePayloadAnnotations() throws Exception {
    EnvelopeContent c = load("mock-jws/sig_env_with_metadata.json").verify();
    assertEquals("123", Payload.parse(c.payload()).targetArtifact().annotations().get("io.wabbit-networks.buildId"));
  }

  @Test
  void theSigningAgentIsReadAlsoUnderTheOldCapitalisedKeyAsGoDoes() throws Exception {
    assertEquals("Notation/1.0.0",
        load("mock-jws/ca_valid_sig_env.json").content().unsignedAttributes().signingAgent());
    assertNotNull(load("oci-layout-sigs/jws_signature.sig").content().unsignedAttributes().signingAgent());
  }

  @Test
  void theSignedPayloadBytesAreKeptAsReceived() throws Exception {
    // The COSE payload keeps notation's struct key order; nota returns the signed bytes untouched.
    EnvelopeContent c = load("oci-layout-sigs/cose_signature.sig").verify();
    String json = new String(c.payload(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"targetArtifact\":{\"mediaType\""), json);
    assertArrayEquals(c.payload(), load("oci-layout-sigs/cose_signature.sig").content().payload());
  }
}
