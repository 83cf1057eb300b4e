package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.key.LocalKey;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.TimestampVerifier;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.policy.NotaTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirements evaluated on an OCI layout with signatures made by {@link Signer}: every statement by its own
 * signer, N of M, signed referrers (nested), and each envelope downloaded once.
 */
class RequirementVerifierTest {
  private static final Map<String, TestCertificates.Generated> KEYS = new HashMap<>();
  @TempDir Path temp;
  private CountingTarget target;
  private Descriptor image;
  private RequirementVerifier verifier;

  @BeforeAll
  static void keys() {
    for (String name : List.of("vendor", "org", "scanner", "mallory")) {
      KEYS.put(name, TestCertificates.generate(name, TestCertificates.KeySpec.EC_256, Duration.ofDays(2),
          Clock.systemUTC()));
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    for (String name : List.of("vendor", "org", "scanner")) {
      Path dir = Files.createDirectories(temp.resolve("store/x509/ca/" + name));
      Files.write(dir.resolve("root.pem"), Certificates.toPem(List.of(KEYS.get(name).chain().get(1))));
    }
    verifier = new RequirementVerifier(new EnvelopeVerifier(new X509TrustStore(temp.resolve("store")),
        Clock.systemUTC(), RevocationChecker.OFFLINE, TimestampVerifier.UNSUPPORTED), 4, 100);
    target = new CountingTarget(LayoutTarget.open(temp.resolve("layout")));
    image = push(null, "image", null);
  }

  @AfterEach
  void close() throws Exception {
    target.close();
  }

  private Descriptor push(String artifactType, String content, Descriptor subject) throws Exception {
    byte[] layer = content.getBytes(StandardCharsets.UTF_8);
    Descriptor layerDescriptor = Descriptor.of(MediaTypes.OCI_LAYER, layer);
    target.pushBlob(layerDescriptor, new ByteArrayInputStream(layer));
    Descriptor config = Descriptor.EMPTY_JSON;
    target.pushBlob(config, new ByteArrayInputStream(MediaTypes.EMPTY_JSON));
    byte[] manifest = OciJson.write(Manifest.of(artifactType, config, List.of(layerDescriptor), subject, null));
    return target.pushManifest(MediaTypes.OCI_MANIFEST, manifest, null);
  }

  private Descriptor sign(Descriptor subject, String key) throws Exception {
    TestCertificates.Generated g = KEYS.get(key);
    return Signer.sign(target, subject, LocalKey.of(g.key(), g.chain()), Signer.Options.defaults(MediaTypes.JWS))
        .signatureManifest();
  }

  private static String statement(String name, String stores, String identities) {
    return "{\"name\":\"" + name + "\",\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":" + stores
        + ",\"trustedIdentities\":" + identities + "}";
  }

  private static String subject(String cn) {
    return "\"x509.subject:CN=" + cn + ",O=Notary,L=Seattle,ST=WA,C=US\"";
  }

  private static NotaTrustPolicyDocument policy(String statements, String requirement) throws Exception {
    return NotaTrustPolicyDocument.parse(("{\"version\":\"1.0\",\"trustPolicies\":[" + statements
        + "],\"requirements\":[" + requirement + "]}").getBytes(StandardCharsets.UTF_8));
  }

  private static final String THREE = statement("vendor", "[\"ca:vendor\"]", "[\"*\"]") + ","
      + statement("org", "[\"ca:org\"]", "[\"*\"]") + "," + statement("scanner", "[\"ca:scanner\"]", "[\"*\"]");

  private RequirementOutcome verify(NotaTrustPolicyDocument policy) throws Exception {
    return verifier.verify(target, image, "local/app", policy, Map.of()).orElseThrow();
  }

  @Test
  void vendorOrgAndASignedScanSatisfyTheRequirementAndNameTheirSignatures() throws Exception {
    Descriptor vendorSig = sign(image, "vendor");
    Descriptor orgSig = sign(image, "org");
    Descriptor scan = push("application/sarif+json", "scan", image);
    Descriptor scanSig = sign(scan, "scanner");
    RequirementOutcome outcome = verify(policy(THREE, "{\"registryScopes\":[\"local/app\"],"
        + "\"allOf\":[\"vendor\",\"org\"],\"referrers\":[{\"artifactType\":\"application/sarif+json\","
        + "\"allOf\":[\"scanner\"]}]}"));
    assertTrue(outcome.satisfied(), outcome::toString);
    assertEquals("local/app", outcome.scope());
    assertEquals(vendorSig.digest(), outcome.checks().get(0).signature().digest());
    assertEquals("CN=vendor,O=Notary,L=Seattle,ST=WA,C=US", outcome.checks().get(0).signer());
    assertEquals(orgSig.digest(), outcome.checks().get(1).signature().digest());
    RequirementOutcome.Check referrer = outcome.checks().get(2);
    assertEquals(scan.digest(), referrer.referrer().digest());
    assertEquals(scanSig.digest(), referrer.nested().get(0).signature().digest());
  }

  @Test
  void aMissingOrgSignatureIsNamedAndTheVendorOneStillReported() throws Exception {
    sign(image, "vendor");
    RequirementOutcome outcome = verify(policy(THREE, "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"org\"]}"));
    assertFalse(outcome.satisfied());
    assertTrue(outcome.checks().get(0).satisfied());
    assertEquals(1, outcome.missing().size(), outcome.missing()::toString);
    assertTrue(outcome.missing().get(0).startsWith("statement \"org\": no signature satisfies it"),
        outcome.missing()::toString);
    assertTrue(outcome.missing().get(0).contains("none of the trust stores [ca:org]"), outcome.missing()::toString);
  }

  @Test
  void anUnsignedArtifactMissesEveryStatement() throws Exception {
    RequirementOutcome outcome = verify(policy(THREE, "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"org\"]}"));
    assertEquals(List.of("statement \"vendor\": the artifact has no signature",
        "statement \"org\": the artifact has no signature"), outcome.missing());
  }

  @Test
  void atLeastTwoOfThreeCountsSatisfiedStatements() throws Exception {
    String rule = "{\"registryScopes\":[\"*\"],\"atLeast\":2,\"of\":[\"vendor\",\"org\",\"scanner\"]}";
    sign(image, "scanner");
    RequirementOutcome one = verify(policy(THREE, rule));
    assertFalse(one.satisfied());
    assertTrue(one.missing().get(0).startsWith("atLeast 2 of [vendor, org, scanner]: 1 of 3 satisfied, 2 needed"),
        one.missing()::toString);
    assertEquals(3, one.checks().get(0).nested().size());
    sign(image, "org");
    assertTrue(verify(policy(THREE, rule)).satisfied());
  }

  @Test
  void aSignedSbomOfASignedImageWithASignedScanOfTheSbomNests() throws Exception {
    sign(image, "vendor");
    Descriptor sbom = push("application/spdx+json", "sbom", image);
    sign(sbom, "org");
    Descriptor scan = push("application/sarif+json", "scan of sbom", sbom);
    String rule = "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"],\"referrers\":[{\"artifactType\":"
        + "\"application/spdx+json\",\"allOf\":[\"org\"],\"referrers\":[{\"artifactType\":\"application/sarif+json\","
        + "\"allOf\":[\"scanner\"]}]}]}";
    RequirementOutcome unsignedScan = verify(policy(THREE, rule));
    assertFalse(unsignedScan.satisfied());
    String missing = unsignedScan.missing().get(0);
    assertTrue(missing.startsWith("referrer application/spdx+json: its only referrer of that type does not satisfy"
        + " it: " + sbom.digest() + ": referrer application/sarif+json: its only referrer"), missing);
    assertTrue(missing.contains("statement \"scanner\": the artifact has no signature"), missing);
    sign(scan, "scanner");
    assertTrue(verify(policy(THREE, rule)).satisfied());
  }

  @Test
  void oneReferrerOfSeveralSufficesAndAnAbsentTypeIsNamed() throws Exception {
    sign(image, "vendor");
    push("application/sarif+json", "unsigned scan", image);
    Descriptor signed = push("application/sarif+json", "signed scan", image);
    sign(signed, "scanner");
    String rule = "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"],\"referrers\":["
        + "{\"artifactType\":\"application/sarif+json\",\"allOf\":[\"scanner\"]},"
        + "{\"artifactType\":\"application/spdx+json\",\"allOf\":[\"scanner\"]}]}";
    RequirementOutcome outcome = verify(policy(THREE, rule));
    assertTrue(outcome.checks().get(1).satisfied(), outcome::toString);
    assertEquals(signed.digest(), outcome.checks().get(1).referrer().digest());
    assertEquals(List.of("referrer application/spdx+json: the artifact has no referrer of type application/spdx+json"),
        outcome.missing());
  }

  @Test
  void eachEnvelopeIsDownloadedOnceAndAnUntrustedOneNever() throws Exception {
    // Both statements trust both stores, so each statement may evaluate both signatures.
    String both = "[\"ca:vendor\",\"ca:org\"]";
    String statements = statement("vendor", both, "[" + subject("vendor") + "]") + ","
        + statement("org", both, "[" + subject("org") + "]");
    sign(image, "vendor");
    sign(image, "org");
    sign(image, "mallory");
    RequirementOutcome outcome =
        verify(policy(statements, "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"org\"]}"));
    assertTrue(outcome.satisfied(), outcome::toString);
    List<Descriptor> signatures = target.referrers(image, MediaTypes.NOTARY_SIGNATURE);
    int envelopes = 0;
    for (Descriptor s : signatures) {
      Manifest m = OciJson.parseManifest(target.fetchManifest(s.digest().toString()).bytes());
      Integer n = target.blobFetches.get(m.layers().get(0).digest().toString());
      if (n != null) {
        assertEquals(1, n, "envelope of " + s.digest() + " fetched once");
        envelopes++;
      }
    }
    assertEquals(2, envelopes, "mallory's envelope is never downloaded: " + target.blobFetches);
  }

  @Test
  void aSignerTrustedByBothStatementsSatisfiesBothOnlyWhenBothTrustIt() throws Exception {
    Descriptor vendorSig = sign(image, "vendor");
    String requirement = "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"org\"]}";
    assertFalse(verify(policy(THREE, requirement)).satisfied());
    String orgTrustsVendor = statement("vendor", "[\"ca:vendor\"]", "[\"*\"]") + ","
        + statement("org", "[\"ca:org\",\"ca:vendor\"]", "[\"*\"]");
    RequirementOutcome both = verify(policy(orgTrustsVendor, requirement));
    assertTrue(both.satisfied(), both::toString);
    assertEquals(vendorSig.digest(), both.checks().get(1).signature().digest());
  }

  @Test
  void noMatchingRequirementLeavesTheDecisionToNotationsPolicy() throws Exception {
    Optional<RequirementOutcome> none = verifier.verify(target, image, "local/other",
        policy(THREE, "{\"registryScopes\":[\"local/app\"],\"allOf\":[\"vendor\"]}"), Map.of());
    assertEquals(Optional.empty(), none);
  }

  @Test
  void userMetadataIsRequiredOfTheArtifactsOwnSignatures() throws Exception {
    sign(image, "vendor");
    NotaTrustPolicyDocument p = policy(THREE, "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"]}");
    RequirementOutcome outcome = verifier.verify(target, image, "local/app", p, Map.of("stage", "prod"))
        .orElseThrow();
    assertFalse(outcome.satisfied());
    assertTrue(outcome.missing().get(0).contains("stage=prod"), outcome.missing()::toString);
    assertNotNull(outcome.checks().get(0).detail());
  }

  @Test
  void aSkipStatementIsSatisfiedWithoutASignature() throws Exception {
    String skip = "{\"name\":\"vendor\",\"signatureVerification\":{\"level\":\"skip\"}}";
    RequirementOutcome outcome = verify(policy(skip, "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"]}"));
    assertTrue(outcome.satisfied());
    assertTrue(outcome.checks().get(0).detail().contains("level skip"));
  }
}
