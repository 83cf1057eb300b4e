package dev.nota.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.TimestampVerifier;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signing through plugins: a raw signer (nota builds the envelope) and an envelope generator (the plugin does), each
 * checked answer by answer, and the envelopes verified by nota's own verifier against the plugin key's root.
 */
class PluginSigningTest {
  private static TestCertificates.Generated ec;
  private static TestCertificates.Generated rsa;

  @TempDir Path temp;
  private final Descriptor artifact =
      Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  static void keys() {
    ec = TestCertificates.generate("plugin-ec", TestCertificates.KeySpec.EC_384, Duration.ofDays(2), Clock.systemUTC());
    rsa = TestCertificates.generate("plugin-rsa", TestCertificates.KeySpec.RSA_3072, Duration.ofDays(2),
        Clock.systemUTC());
  }

  private Plugin plugin(String name, TestCertificates.Generated key, Map<String, Object> config) throws Exception {
    TestPlugin.install(temp.resolve("plugins"), name, key, config);
    return new PluginHost(temp.resolve("plugins"), PluginOptions.defaults()).get(name);
  }

  private SignatureResult verify(String mediaType, byte[] envelope, TestCertificates.Generated key) throws Exception {
    Path store = Files.createDirectories(temp.resolve("truststore/x509/ca/plugin"));
    Files.write(store.resolve("root.pem"), Certificates.toPem(List.of(key.root())));
    String policy = "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:plugin\"],"
        + "\"trustedIdentities\":[\"*\"]}]}";
    PolicyStatement strict = PolicyStatement.of(OciTrustPolicyDocument.parse(policy.getBytes(StandardCharsets.UTF_8))
        .applicablePolicy("localhost:5000/app"));
    return new EnvelopeVerifier(new X509TrustStore(temp.resolve("truststore")), Clock.systemUTC(),
        RevocationChecker.OFFLINE, TimestampVerifier.UNSUPPORTED)
        .verify(null, mediaType, envelope, artifact, strict, Map.of());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"jws, ec", "cose, ec", "jws, rsa", "cose, rsa"})
  void aRawPluginSignsAnEnvelopeThatVerifiesWithThePluginsChain(String format, String keyName) throws Exception {
    TestCertificates.Generated key = keyName.equals("ec") ? ec : rsa;
    String mediaType = format.equals("jws") ? MediaTypes.JWS : MediaTypes.COSE;
    PluginKey pluginKey = PluginKey.open(plugin("dev.nota.raw", key, Map.of()), TestPlugin.KEY_ID, Map.of());
    assertNotNull(pluginKey.raw());
    assertNull(pluginKey.envelope());
    byte[] envelope = Signer.createEnvelope(artifact, pluginKey.raw(), Signer.Options.defaults(mediaType));
    assertEquals(key.chain(), Envelopes.parse(mediaType, envelope).verify().certificateChain());
    assertEquals(key.chain(), pluginKey.raw().certificateChain());
    SignatureResult result = verify(mediaType, envelope, key);
    assertTrue(result.verified(), () -> String.valueOf(result.failure()));
    assertEquals(List.of("get-plugin-metadata", "describe-key", "generate-signature"),
        TestPlugin.calls(temp.resolve("plugins/dev.nota.raw")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "wrong-key, describe-key returned an invalid response: it answered for key \"someone-else\"",
    "wrong-spec, but key \"test-key\" was described as RSA-2048",
    "wrong-algorithm, signing algorithm \"RSASSA-PSS-SHA-256\", but key \"test-key\" was described as EC-384",
    "bad-signature, signature does not verify with its signing certificate",
    "bad-chain, a \"certificateChain\" entry is not a certificate"
  })
  void aRawPluginsWrongAnswersAreRefused(String mode, String message) throws Exception {
    Plugin p = plugin("dev.nota.wrong", ec, Map.of("mode", mode));
    NotaException e = assertThrows(NotaException.class, () -> Signer.createEnvelope(artifact,
        PluginKey.open(p, TestPlugin.KEY_ID, Map.of()).raw(), Signer.Options.defaults(MediaTypes.JWS)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().startsWith("plugin \"dev.nota.wrong\" "), e.getMessage());
  }

  @Test
  void aKeyThePluginDoesNotHoldIsThePluginsOwnError() throws Exception {
    Plugin p = plugin("dev.nota.raw", ec, Map.of());
    PluginException e = assertThrows(PluginException.class, () -> PluginKey.open(p, "no-such-key", Map.of()));
    assertEquals("VALIDATION_ERROR", e.errorCode());
    assertTrue(e.getMessage().contains("describe-key failed: VALIDATION_ERROR: unknown key id"), e.getMessage());
  }

  @Test
  void aPluginWithoutSigningCapabilitiesCannotSign() throws Exception {
    Plugin p = plugin("dev.nota.verifier", ec,
        Map.of("capabilities", List.of(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)));
    PluginException e = assertThrows(PluginException.class, () -> PluginKey.open(p, TestPlugin.KEY_ID, Map.of()));
    assertEquals("plugin \"dev.nota.verifier\" cannot sign (capabilities [SIGNATURE_VERIFIER.TRUSTED_IDENTITY])",
        e.getMessage());
  }

  private Plugin envelopePlugin(Map<String, Object> extra) throws Exception {
    Map<String, Object> config = new java.util.HashMap<>(extra);
    config.put("capabilities", List.of(PluginMetadata.SIGNATURE_GENERATOR_ENVELOPE));
    return plugin("dev.nota.envelope", rsa, config);
  }

  @Test
  void anEnvelopePluginsEnvelopeIsCheckedAndPushedWithItsAnnotations() throws Exception {
    PluginKey key = PluginKey.open(envelopePlugin(Map.of()), TestPlugin.KEY_ID, Map.of());
    assertNull(key.raw());
    Path layout = temp.resolve("layout");
    Signer.Result result;
    Descriptor subject;
    try (Target target = LayoutTarget.open(layout)) {
      subject = pushSubject(target);
      result = Signer.sign(target, subject, key.envelope(),
          new Signer.Options(MediaTypes.JWS, Duration.ofHours(1), Map.of("buildId", "42"), null, null, null));
      Manifest manifest = OciJson.parseManifest(
          target.fetchManifest(result.signatureManifest().digest().toString()).bytes());
      assertEquals("envelope", manifest.annotations().get("dev.nota.test-plugin"));
      assertTrue(manifest.annotations().containsKey("io.cncf.notary.x509chain.thumbprint#S256"));
    }
    assertEquals(List.of("get-plugin-metadata", "generate-envelope"),
        TestPlugin.calls(temp.resolve("plugins/dev.nota.envelope")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "wrong-target, the envelope signs",
    "wrong-envelope-type, envelope type \"application/cose\", but application/jose+json was requested"
  })
  void anEnvelopePluginsWrongEnvelopeIsRefusedAndNothingIsPushed(String mode, String message) throws Exception {
    PluginKey key = PluginKey.open(envelopePlugin(Map.of("mode", mode)), TestPlugin.KEY_ID, Map.of());
    try (Target target = LayoutTarget.open(temp.resolve("layout"))) {
      Descriptor subject = pushSubject(target);
      PluginException e = assertThrows(PluginException.class,
          () -> Signer.sign(target, subject, key.envelope(), Signer.Options.defaults(MediaTypes.JWS)));
      assertTrue(e.getMessage().contains(message), e.getMessage());
      assertEquals(List.of(), target.referrers(subject, null));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/cose"})
  void anEnvelopePluginsRefusalOfAFormatIsItsOwnError(String mediaType) throws Exception {
    PluginKey key = PluginKey.open(envelopePlugin(Map.of()), TestPlugin.KEY_ID, Map.of());
    try (Target target = LayoutTarget.open(temp.resolve("layout"))) {
      Descriptor subject = pushSubject(target);
      PluginException e = assertThrows(PluginException.class,
          () -> Signer.sign(target, subject, key.envelope(), Signer.Options.defaults(mediaType)));
      assertEquals("VALIDATION_ERROR", e.errorCode(), e.getMessage());
    }
  }

  private Descriptor pushSubject(Target target) throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Descriptor configDescriptor = Descriptor.of("application/vnd.oci.image.config.v1+json", config);
    if (!target.blobExists(configDescriptor)) {
      target.pushBlob(configDescriptor, new ByteArrayInputStream(config));
    }
    byte[] manifest = OciJson.write(Manifest.of(null, configDescriptor, List.of(), null, Map.of()));
    return target.pushManifest(MediaTypes.OCI_MANIFEST, manifest, "v1");
  }
}
