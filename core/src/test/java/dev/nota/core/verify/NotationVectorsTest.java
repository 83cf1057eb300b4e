package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every envelope-level case of the notation vectors (expected-results.json, ids {@code ngo-*}) through the verifier
 * API: the real notation-go signatures must give the outcome notation gives.
 */
class NotationVectorsTest {
  @TempDir Path temp;

  @TestFactory
  Stream<DynamicTest> envelopeCasesReproduceNotationOutcomes() {
    return NotationVectors.cases().stream()
        .filter(c -> c.has("envelope"))
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c)));
  }

  private void run(JsonNode c) throws Exception {
    Path store = Files.createDirectories(temp.resolve(c.get("id").asText()));
    NotationVectors.buildTrustStore(c.get("trustStores"), store);
    addCertificateTheBasisRequires(c, store);
    byte[] policyJson = new ObjectMapper().writeValueAsBytes(c.get("trustPolicy"));
    String reference = c.get("artifactReference").asText();
    String repository = reference.substring(0, reference.indexOf('@'));
    PolicyStatement policy =
        PolicyStatement.of(OciTrustPolicyDocument.parse(policyJson).applicablePolicy(repository));
    JsonNode t = c.get("target");
    Descriptor target = Descriptor.of(
        t.get("mediaType").asText(), Digest.parse(t.get("digest").asText()), t.get("size").asLong());
    byte[] envelope = Files.readAllBytes(NotationVectors.root().resolve(c.get("envelope").asText()));
    X509TrustStore trustStore = new X509TrustStore(store);
    EnvelopeVerifier verifier = new EnvelopeVerifier(
        trustStore, Clock.systemUTC(), RevocationChecker.OFFLINE, new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, Clock.systemUTC()));

    SignatureResult result = verifier.verify(
        null, c.get("envelopeMediaType").asText(), envelope, target, policy, Map.of());

    assertExpected(c.get("expected"), result);
  }

  /**
   * Some cases assume an extra signer certificate in the ca store; their basis says so ("unless
   * derived/signer-certs/X.pem is added to the ca store").
   */
  private static void addCertificateTheBasisRequires(JsonNode c, Path store) throws java.io.IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("unless (derived/signer-certs/\\S+\\.pem) is added")
        .matcher(c.path("basis").asText());
    if (m.find()) {
      Path cert = NotationVectors.root().resolve(m.group(1));
      String caStore = c.get("trustPolicy").get("trustPolicies").get(0).get("trustStores").get(0).asText();
      Path dir = Files.createDirectories(store.resolve("x509/ca").resolve(caStore.substring("ca:".length())));
      Files.copy(cert, dir.resolve(cert.getFileName()));
    }
  }

  /** Checks a result against a case's {@code expected} object. */
  static void assertExpected(JsonNode expected, SignatureResult result) {
    String outcome = expected.get("result").asText();
    boolean offlineNetworkCase = expected.has("network");
    if (offlineNetworkCase) {
      // The case needs OCSP/CRL answers from a public TSA's responders; offline, the timestamp check fails.
      assertFalse(result.verified(), "offline verification of a network-dependent case must fail");
      assertEquals("authenticTimestamp", result.failure().name());
      return;
    }
    if (outcome.equals("success")) {
      assertTrue(result.verified(), () -> "expected success, got " + result.failure());
      List<String> logged = result.warnings().stream().map(CheckResult::name).toList();
      if (expected.has("loggedFailures")) {
        expected.get("loggedFailures").forEach(n -> assertTrue(logged.contains(n.asText()), "logged " + logged));
      }
      return;
    }
    assertFalse(result.verified(), "expected failure");
    CheckResult failure = result.failure();
    assertNotNull(failure);
    if (expected.has("failingCheck")) {
      assertEquals(expected.get("failingCheck").asText(), failure.name(), failure.message());
    }
    if (expected.has("messageContains")) {
      String want = expected.get("messageContains").asText();
      assertTrue(failure.message().contains(want), () -> "message \"" + failure.message() + "\" lacks \"" + want + "\"");
    }
  }
}
