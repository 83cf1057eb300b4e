package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.core.plugin.PluginHost;
import dev.nota.core.plugin.PluginMetadata;
import dev.nota.core.plugin.PluginOptions;
import dev.nota.core.plugin.TestPlugin;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.TimestampVerifier;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The notation-go envelopes that name a verification plugin (the vectors README's {@code ca_plugin_sig_env} and
 * {@code ca_{compatible,incompatible}_pluginver_sig_env_*}), verified with the test plugin installed under the name
 * they need: the outcomes notation-go's own tests expect, including SemVer precedence of the minimum version.
 */
class NotationPluginVectorsTest {
  private static final Clock PINNED = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
  private static final String MOCK = "io.cncf.notary.plugin.unittest.mock";
  private static final String WABBIT_DIGEST = "sha256:fe7e9333395060c2f5e63cf36a38fba10176f183b4163a5794e081a480abba5f";
  private static TestCertificates.Generated pluginKey;

  @TempDir Path temp;

  @BeforeAll
  static void key() {
    TestPlugin.requirePython();
    pluginKey = TestCertificates.generate("unused", TestCertificates.KeySpec.EC_256, Duration.ofDays(2),
        Clock.systemUTC());
  }

  private SignatureResult verify(String envelope, Descriptor target, String scope, String policyJson)
      throws Exception {
    Path store = Files.createDirectories(temp.resolve("truststore/x509/ca/valid-trust-store"));
    Path from = NotationVectors.root().resolve("notation-go/truststore/x509/ca/valid-trust-store");
    for (String f : List.of("wabbit-networks.io.crt", "NotationTestRoot.pem")) {
      if (!Files.exists(store.resolve(f))) {
        Files.copy(from.resolve(f), store.resolve(f));
      }
    }
    PolicyStatement policy = PolicyStatement.of(OciTrustPolicyDocument.parse(policyJson.getBytes(
        StandardCharsets.UTF_8)).applicablePolicy(scope));
    byte[] bytes = Files.readAllBytes(NotationVectors.root().resolve("notation-go/envelopes/mock-jws/" + envelope));
    return new EnvelopeVerifier(new X509TrustStore(temp.resolve("truststore")), PINNED, RevocationChecker.OFFLINE,
        TimestampVerifier.UNSUPPORTED)
        .withPlugins(new PluginHost(temp.resolve("plugins"), PluginOptions.defaults()), Map.of())
        .verify(null, "application/jose+json", bytes, target, policy, Map.of());
  }

  private static String policy(String scope, String identity) {
    return "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"vectors\",\"registryScopes\":[\"" + scope + "\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:valid-trust-store\"],"
        + "\"trustedIdentities\":[\"" + identity + "\"]}]}";
  }

  private SignatureResult verifyWabbit(String minVersion) throws Exception {
    String prefix = minVersion.matches("0\\.0\\.9|1\\.0\\.0(-alpha(\\.beta)?)?") ? "compatible" : "incompatible";
    Descriptor target = Descriptor.of("application/vnd.docker.distribution.manifest.v2+json",
        Digest.parse(WABBIT_DIGEST), 942);
    return verify("ca_" + prefix + "_pluginver_sig_env_" + minVersion + ".json", target,
        "localhost:5000/net-monitor",
        policy("localhost:5000/net-monitor", "x509.subject: CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US"));
  }

  private Path installMock(String version) {
    return TestPlugin.install(temp.resolve("plugins"), MOCK, pluginKey, Map.of("version", version, "capabilities",
        List.of(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)));
  }

  @ParameterizedTest(name = "min version {0}")
  @ValueSource(strings = {"0.0.9", "1.0.0-alpha", "1.0.0-alpha.beta", "1.0.0"})
  void aPluginOfVersionOneSatisfiesEveryCompatibleMinimumVersion(String minVersion) throws Exception {
    Path dir = installMock("1.0.0");
    SignatureResult r = verifyWabbit(minVersion);
    assertTrue(r.verified(), () -> String.valueOf(r.failure()));
    assertTrue(TestPlugin.calls(dir).contains("verify-signature"));
    JsonNode asked = TestPlugin.lastVerifyRequest(dir).path("trustPolicy").path("signatureVerification");
    assertEquals(1, asked.size());
    assertEquals(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY, asked.path(0).asText());
  }

  @ParameterizedTest(name = "min version {0}")
  @ValueSource(strings = {"1.0.1", "1.0.9", "1.1.0-alpha", "1.2.3"})
  void aPluginOfVersionOneFailsEveryHigherMinimumVersion(String minVersion) throws Exception {
    Path dir = installMock("1.0.0");
    SignatureResult r = verifyWabbit(minVersion);
    assertFalse(r.verified());
    assertTrue(r.failure().message().contains("needs plugin version greater than or equal to " + minVersion),
        r.failure().message());
    assertFalse(TestPlugin.calls(dir).contains("verify-signature"), "the plugin is not asked to verify");
  }

  @Test
  void withoutTheNamedPluginTheSignatureFails() throws Exception {
    SignatureResult r = verifyWabbit("1.0.0");
    assertFalse(r.verified());
    assertTrue(r.failure().message().contains("\"" + MOCK + "\" is not installed"), r.failure().message());
  }

  private SignatureResult verifyNotationTestRoot() throws Exception {
    String scope = "registry.acme-rockets.io/software/net-monitor";
    return verify("ca_plugin_sig_env.json", Descriptor.of("application/vnd.docker.distribution.manifest.v2+json",
        Digest.parse("sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e"), 528), scope,
        policy(scope, "x509.subject:CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US"));
  }

  @Test
  void theCriticalSomeKeyEnvelopeVerifiesOnlyWhenPluginNameProcessesSomeKey() throws Exception {
    SignatureResult missing = verifyNotationTestRoot();
    assertFalse(missing.verified());

    Path dir = TestPlugin.install(temp.resolve("plugins"), "plugin-name", pluginKey, Map.of("capabilities",
        List.of(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)));
    SignatureResult verified = verifyNotationTestRoot();
    assertTrue(verified.verified(), () -> String.valueOf(verified.failure()));
    JsonNode request = TestPlugin.lastVerifyRequest(dir);
    assertEquals("SomeValue", request.path("signature").path("criticalAttributes").path("extendedAttributes")
        .path("SomeKey").asText());

    TestPlugin.set(dir, "mode", "skip-attributes");
    SignatureResult unprocessed = verifyNotationTestRoot();
    assertFalse(unprocessed.verified());
    assertTrue(unprocessed.failure().message().contains("\"SomeKey\" was not processed"),
        unprocessed.failure().message());
  }
}
