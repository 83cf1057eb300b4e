package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.core.revocation.OnlineRevocationChecker;
import dev.nota.core.revocation.RevocationOptions;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every envelope-level case of the notation vectors (expected-results.json, ids {@code ngo-*}) through the verifier
 * API: the real notation-go signatures must give the outcome notation gives. The clock is pinned inside the vectors'
 * validity; revocation is checked online, as {@code nota verify} does. The cases marked {@code network} need the
 * public TSA's (GlobalSign's) OCSP/CRL services for the TSA chain: where those are reachable they must give
 * notation's outcome, and where they are not, the offline outcome the vectors document (authenticTimestamp fails with
 * an unknown revocation status).
 */
class NotationVectorsTest {
  private static final Clock PINNED = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
  private static final boolean GLOBALSIGN_REACHABLE = reachable("ocsp.globalsign.com")
      && reachable("crl.globalsign.com");

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
    addAnchorTheCaseNeeds(c, store);
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
    // Revocation answers are fetched now, so the checker judges their freshness by the real clock.
    OnlineRevocationChecker revocation =
        new OnlineRevocationChecker(RevocationOptions.defaults().withCacheDir(temp.resolve("revocation-cache")));
    EnvelopeVerifier verifier = new EnvelopeVerifier(
        trustStore, PINNED, revocation, new Rfc3161TimestampVerifier(revocation, PINNED));

    SignatureResult result = verifier.verify(
        null, c.get("envelopeMediaType").asText(), envelope, target, policy, Map.of());

    assertExpected(c.get("expected"), result);
  }

  /**
   * Signer anchors that some timestamp cases need in their ca store for a full run (upstream tested only the
   * timestamp step); the vectors README names them in its "Anchor" notes.
   */
  private static final Map<String, String> EXTRA_ANCHORS = Map.of(
      "ngo-ts-expired-leaf-no-tsa-store", "derived/signer-certs/testTSA-expired-20240618.pem",
      "ngo-ts-after-notafter", "derived/signer-certs/testTSA-2000-2001.pem");

  private static void addAnchorTheCaseNeeds(JsonNode c, Path store) throws java.io.IOException {
    String anchor = EXTRA_ANCHORS.get(c.get("id").asText());
    if (anchor != null) {
      Path cert = NotationVectors.root().resolve(anchor);
      String caStore = c.get("trustPolicy").get("trustPolicies").get(0).get("trustStores").get(0).asText();
      Path dir = Files.createDirectories(store.resolve("x509/ca").resolve(caStore.substring("ca:".length())));
      Files.copy(cert, dir.resolve(cert.getFileName()));
    }
  }

  /** Checks a result against a case's {@code expected} object. */
  static void assertExpected(JsonNode expected, SignatureResult result) {
    String outcome = expected.get("result").asText();
    boolean offlineNetworkCase = expected.has("network") && !GLOBALSIGN_REACHABLE;
    if (offlineNetworkCase) {
      // The case needs OCSP/CRL answers from a public TSA's responders, which cannot be reached from here: the
      // online checker cannot decide, so the timestamp check fails closed, as the vectors document.
      assertFalse(result.verified(), "verification of a network-dependent case without the network must fail");
      assertEquals("authenticTimestamp", result.failure().name());
      assertTrue(result.failure().message().contains("revocation status is unknown"), result.failure().message());
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

  private static boolean reachable(String host) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, 80), 2000);
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
