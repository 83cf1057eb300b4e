package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every policy of notation's e2e suite parses, or fails with the message notation's e2e tests expect. */
class TrustPolicyVectorsTest {
  static final Path VECTORS = Path.of(System.getProperty("nota.shared"), "vectors/notation");
  static final Path POLICIES = VECTORS.resolve("notation-cli/trustpolicies");

  /** File name to the substring of the expected error, or null when the file is a valid OCI policy. */
  private static final Map<String, String> EXPECTED = new TreeMap<>();

  static {
    for (String valid : new String[] {"any_registry_scope_trust_policy.json", "audit_trustpolicy.json",
        "generate_test_trustpolicy.json", "invalid_registry_scope_trustpolicy.json",
        "invalid_trust_store_trustpolicy.json", "invalid_trusted_identity_trustpolicy.json",
        "multi_statements_with_wildcard_registry_scope_trustpolicy.json", "multiple_registry_scope_trustpolicy.json",
        "multiple_trust_store_trustpolicy.json", "multiple_trusted_identity_trustpolicy.json",
        "overlapped_trust_store_trustpolicy.json", "override_audit_trustpolicy.json",
        "override_permissive_trustpolicy.json", "override_strict_trustpolicy.json", "permissive_trustpolicy.json",
        "quickstart_trustpolicy.json", "registry_scope_trustpolicy.json", "skip_trustpolicy.json",
        "timestamp_after_cert_expiry_trustpolicy.json", "timestamp_trustpolicy.json", "trustpolicy.json",
        "valid_trusted_identity_trustpolicy.json"}) {
      EXPECTED.put(valid, null);
    }
    EXPECTED.put("blob_trust_policy.json",
        "trust policy statement \"wabbit-networks-policy\" has zero registry scopes");
    EXPECTED.put("empty_registry_scope_trustpolicy.json", "trust policy statement \"e2e\" has zero registry scopes");
    EXPECTED.put("empty_trusted_identity_trustpolicy.json",
        "trust policy statement \"e2e\" has an empty trusted identity");
    EXPECTED.put("invalid_format_trustpolicy.json", "malformed trust policy");
    EXPECTED.put("malformed_registry_scope_trustpolicy.json", "registry scope \"localhost:5000\\\\test-repo\" is not"
        + " valid, make sure it is a fully qualified repository without the scheme, protocol or tag. For example"
        + " domain.com/my/repository or a local scope like local/myOCILayout");
    EXPECTED.put("malformed_trust_store_trustpolicy.json", "trust policy statement \"e2e\" uses an unsupported trust"
        + " store name \"\" in trust store value \"ca:\". Named store name needs to follow [a-zA-Z0-9_.-]+ format");
    EXPECTED.put("malformed_trusted_identity_trustpolicy.json", "trust policy statement \"e2e\" has trusted identity"
        + " \"x509.subject CN=e2e,O=Notary,L=Seattle,ST=WA,C=US\" missing separator");
    EXPECTED.put("missing_country_trusted_identity_trustpolicy.json", "distinguished name (DN) \" CN=e2e,O=Notary,"
        + "L=Seattle,ST=WA\" has no mandatory RDN attribute for \"C\", it must contain 'C', 'ST' or 'S', and 'O'"
        + " RDN attributes at a minimum");
    EXPECTED.put("missing_organization_trusted_identity_trustpolicy.json", "distinguished name (DN) \" CN=e2e,"
        + "L=Seattle,ST=WA,C=US\" has no mandatory RDN attribute for \"O\"");
    EXPECTED.put("missing_state_trusted_identity_trustpolicy.json", "distinguished name (DN) \" CN=e2e,O=Notary,"
        + "L=Seattle,C=US\" has no mandatory RDN attribute for \"ST\"");
    EXPECTED.put("multi_statements_with_multi_wildcard_registry_scope_trustpolicy.json", "registry scope \"*\" is"
        + " present in multiple trust policy statements, one registry scope value can only be associated with one"
        + " statement");
    EXPECTED.put("multi_statements_with_the_same_name_trustpolicy.json", "multiple trust policy statements use the"
        + " same name \"e2e\", statement names must be unique");
    EXPECTED.put("multi_statements_with_the_same_registry_scope_trustpolicy.json", "registry scope"
        + " \"localhost:5000/test-repo8\" is present in multiple trust policy statements");
    EXPECTED.put("overlapped_registry_scope_trustpolicy.json", "registry scope \"localhost:5000/test-repo6\" is"
        + " present in multiple trust policy statements");
    EXPECTED.put("overlapped_trusted_identity_trustpolicy.json",
        "trust policy statement \"e2e\" has overlapping x509 trustedIdentities");
    EXPECTED.put("override_integrity_for_permissive_trustpolicy.json",
        "\"integrity\" verification can not be overridden in custom signature verification");
    EXPECTED.put("unset_trust_store_trustpolicy.json", "trust policy statement \"e2e\" is either missing trust stores"
        + " or trusted identities, both must be specified");
    EXPECTED.put("unset_trusted_identity_trustpolicy.json", "trust policy statement \"e2e\" is either missing trust"
        + " stores or trusted identities, both must be specified");
    EXPECTED.put("wildcard_plus_other_registry_scope_trustpolicy.json", "trust policy statement \"e2e\" uses"
        + " wildcard registry scope '*', a wildcard scope cannot be used in conjunction with other scope values");
    EXPECTED.put("wildcard_plus_other_trusted_identity_trustpolicy.json", "trust policy statement \"e2e\" uses a"
        + " wildcard trusted identity '*', a wildcard identity cannot be used in conjunction with other values");
    EXPECTED.put("wildcard_trust_store_trustpolicy.json", "trust policy statement \"e2e\" has malformed trust store"
        + " value \"*\". The required format is <TrustStoreType>:<TrustStoreName>");
  }

  @Test
  void everyVectorPolicyHasAnExpectation() throws IOException {
    try (Stream<Path> files = Files.list(POLICIES)) {
      assertEquals(EXPECTED.keySet(), files.map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
    }
  }

  @Test
  void everyVectorPolicyParsesOrFailsAsNotationDoes() throws IOException {
    for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
      byte[] json = Files.readAllBytes(POLICIES.resolve(e.getKey()));
      if (e.getValue() == null) {
        assertDoesNotThrow(() -> OciTrustPolicyDocument.parse(json), e.getKey());
      } else {
        PolicyException thrown = assertThrows(PolicyException.class, () -> OciTrustPolicyDocument.parse(json),
            e.getKey());
        assertTrue(thrown.getMessage().contains(e.getValue()), e.getKey() + ": " + thrown.getMessage());
        assertEquals(1, thrown.getMessage().lines().count(), thrown.getMessage());
      }
    }
  }

  @Test
  void invalidRegistryScopePolicyHasNoStatementForOtherRepositories() throws Exception {
    OciTrustPolicyDocument doc = OciTrustPolicyDocument.parse(
        Files.readAllBytes(POLICIES.resolve("invalid_registry_scope_trustpolicy.json")));
    assertEquals("e2e", doc.applicablePolicy("localhost:5000/invalid-test-repo").name());
    PolicyException e = assertThrows(NoApplicablePolicyException.class,
        () -> doc.applicablePolicy("localhost:5000/e2e@sha256:" + "a".repeat(64)));
    assertTrue(e.getMessage().contains("has no applicable trust policy statement"), e.getMessage());
  }

  @Test
  void overrideStrictPolicyLogsEveryCheckButIntegrity() throws Exception {
    OciTrustPolicy p = OciTrustPolicyDocument.parse(
        Files.readAllBytes(POLICIES.resolve("override_strict_trustpolicy.json"))).applicablePolicy("a.io/b");
    SignatureVerification sv = p.signatureVerification();
    assertEquals(VerificationLevel.STRICT, sv.level());
    assertEquals(ValidationAction.ENFORCE, sv.action(ValidationType.INTEGRITY));
    for (ValidationType t : new ValidationType[] {ValidationType.AUTHENTICITY, ValidationType.AUTHENTIC_TIMESTAMP,
        ValidationType.EXPIRY, ValidationType.REVOCATION}) {
      assertEquals(ValidationAction.LOG, sv.action(t), t.name());
    }
  }

  @Test
  void timestampPoliciesCarryVerifyTimestampAndTsaStore() throws Exception {
    OciTrustPolicy after = OciTrustPolicyDocument.parse(Files.readAllBytes(
        POLICIES.resolve("timestamp_after_cert_expiry_trustpolicy.json"))).trustPolicies().get(0);
    assertEquals(VerifyTimestamp.AFTER_CERT_EXPIRY, after.signatureVerification().verifyTimestamp());
    assertEquals(java.util.List.of(new TrustStoreRef(TrustStoreType.CA, "e2e"),
        new TrustStoreRef(TrustStoreType.TSA, "e2e")), after.trustStores());
    OciTrustPolicy always = OciTrustPolicyDocument.parse(Files.readAllBytes(
        POLICIES.resolve("timestamp_trustpolicy.json"))).trustPolicies().get(0);
    assertEquals(VerifyTimestamp.ALWAYS, always.signatureVerification().verifyTimestamp());
  }

  @Test
  void skipPolicyHasNoStoresOrIdentities() throws Exception {
    OciTrustPolicy p = OciTrustPolicyDocument.parse(
        Files.readAllBytes(POLICIES.resolve("skip_trustpolicy.json"))).trustPolicies().get(0);
    assertEquals(VerificationLevel.SKIP, p.signatureVerification().level());
    assertTrue(p.trustStores().isEmpty());
    assertTrue(p.trustedIdentities().isEmpty());
  }

  @Test
  void validTrustedIdentityPolicyMatchesTheE2eSigner() throws Exception {
    OciTrustPolicy p = OciTrustPolicyDocument.parse(
        Files.readAllBytes(POLICIES.resolve("valid_trusted_identity_trustpolicy.json"))).trustPolicies().get(0);
    var subject = new javax.security.auth.x500.X500Principal("CN=e2e,O=Notary,L=Seattle,ST=WA,C=US");
    assertTrue(p.trustedIdentities().get(0).matches(subject));
    OciTrustPolicy wrong = OciTrustPolicyDocument.parse(
        Files.readAllBytes(POLICIES.resolve("invalid_trusted_identity_trustpolicy.json"))).trustPolicies().get(0);
    assertTrue(!wrong.trustedIdentities().get(0).matches(subject));
  }

  @Test
  void expectedResultsPoliciesAllParse() throws Exception {
    String results = Files.readString(VECTORS.resolve("expected-results.json"));
    var m = java.util.regex.Pattern.compile("\"trustPolicyFile\": \"([^\"]+)\"").matcher(results);
    int count = 0;
    while (m.find()) {
      byte[] json = Files.readAllBytes(VECTORS.resolve(m.group(1)));
      assertDoesNotThrow(() -> OciTrustPolicyDocument.parse(json), m.group(1));
      count++;
    }
    assertTrue(count > 5);
  }

  @Test
  void invalidTrustStorePolicyNamesAStoreThatDoesNotExist() throws Exception {
    OciTrustPolicy p = OciTrustPolicyDocument.parse(
        Files.readAllBytes(POLICIES.resolve("invalid_trust_store_trustpolicy.json"))).trustPolicies().get(0);
    TrustStoreRef ref = p.trustStores().get(0);
    X509TrustStore store = new X509TrustStore(VECTORS.resolve("notation-go/truststore"));
    PolicyException e = assertThrows(PolicyException.class, () -> store.certificates(ref.type(), ref.name()));
    assertTrue(e.getMessage().startsWith("the trust store \"invalid_store\" of type \"ca\" does not exist"));
  }
}
