package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobTrustPolicyDocumentTest {
  static final Path VECTORS = Path.of(System.getProperty("nota.shared"), "vectors/notation/notation-cli");

  static BlobTrustPolicyDocument parse(String json) throws PolicyException {
    return BlobTrustPolicyDocument.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static String statement(String name, String level, boolean global) {
    String body = level.equals("skip") ? "" : ",\"trustStores\":[\"ca:s\"],\"trustedIdentities\":[\"*\"]";
    return "{\"name\":\"" + name + "\",\"signatureVerification\":{\"level\":\"" + level + "\"}" + body
        + (global ? ",\"globalPolicy\":true" : "") + "}";
  }

  static String doc(String... statements) {
    return "{\"version\":\"1.0\",\"trustPolicies\":[" + String.join(",", statements) + "]}";
  }

  @Test
  void parsesTheE2eBlobPolicy() throws Exception {
    BlobTrustPolicyDocument d = BlobTrustPolicyDocument.parse(
        Files.readAllBytes(VECTORS.resolve("blob-trustpolicy/trustpolicy.blob.json")));
    assertEquals(List.of("test-blob-statement", "test-blob-global-statement", "test-blob-with-timestamping"),
        d.trustPolicies().stream().map(BlobTrustPolicy::name).toList());
    assertEquals("test-blob-global-statement", d.policy(null).name());
    BlobTrustPolicy ts = d.policy("test-blob-with-timestamping");
    assertFalse(ts.globalPolicy());
    assertEquals(new TrustStoreRef(TrustStoreType.TSA, "e2e"), ts.trustStores().get(1));
  }

  @Test
  void parsesTheExampleBlobPolicyThatIsNotAnOciPolicy() throws Exception {
    byte[] json = Files.readAllBytes(VECTORS.resolve("trustpolicies/blob_trust_policy.json"));
    BlobTrustPolicyDocument d = BlobTrustPolicyDocument.parse(json);
    assertEquals("global-verification-policy", d.policy(null).name());
    assertEquals(VerificationLevel.SKIP, d.policy("skip-verification-policy").signatureVerification().level());
    assertThrows(PolicyException.class, () -> OciTrustPolicyDocument.parse(json));
  }

  @Test
  void ignoresRegistryScopesInBlobStatements() throws Exception {
    parse(doc("{\"name\":\"p\",\"registryScopes\":[\"not a scope\"],\"signatureVerification\":{\"level\":\"skip\"}}"));
  }

  @Test
  void rejectsTwoGlobalStatements() {
    PolicyException e = assertThrows(PolicyException.class,
        () -> parse(doc(statement("a", "strict", true), statement("b", "audit", true))));
    assertTrue(e.getMessage().startsWith("multiple blob trust policy statements have globalPolicy set to true"));
  }

  @Test
  void rejectsAGlobalSkipStatementAsTheSpecRequires() {
    PolicyException e = assertThrows(PolicyException.class, () -> parse(doc(statement("a", "skip", true))));
    assertEquals("global blob trust policy statement \"a\" cannot have verification level set to skip",
        e.getMessage());
  }

  @Test
  void appliesTheSharedStatementRules() {
    assertEquals("blob trust policy: trust policy statement \"a\" is either missing trust stores or trusted"
        + " identities, both must be specified", assertThrows(PolicyException.class,
            () -> parse(doc("{\"name\":\"a\",\"signatureVerification\":{\"level\":\"strict\"}}"))).getMessage());
    assertTrue(assertThrows(PolicyException.class, () -> parse(doc(statement("a", "strict", false),
        statement("a", "audit", false)))).getMessage().startsWith("multiple blob trust policy statements use the same"
            + " name \"a\""));
    assertTrue(assertThrows(PolicyException.class, () -> parse("{\"version\":\"1.1\",\"trustPolicies\":[]}"))
        .getMessage().equals("blob trust policy document uses unsupported version \"1.1\""));
    assertTrue(assertThrows(PolicyException.class, () -> parse("{\"version\":\"1.0\",\"trustPolicies\":[]}"))
        .getMessage().contains("can not have zero trust policy statements"));
  }

  @Test
  void selectsByExactName() throws Exception {
    BlobTrustPolicyDocument d = parse(doc(statement("a", "strict", false), statement("b", "audit", false)));
    assertEquals("b", d.policy("b").name());
    assertEquals("no applicable blob trust policy with name \"B\"",
        assertThrows(NoApplicablePolicyException.class, () -> d.policy("B")).getMessage());
    assertTrue(assertThrows(NoApplicablePolicyException.class, () -> d.policy(null)).getMessage()
        .startsWith("no global blob trust policy"));
    PolicyException blank = assertThrows(PolicyException.class, () -> d.policy(" "));
    assertEquals("policy name cannot be empty", blank.getMessage());
  }

  @Test
  void loadsTheBlobPolicyFile(@TempDir Path dir) throws Exception {
    PolicyException missing = assertThrows(PolicyException.class, () -> BlobTrustPolicyDocument.load(dir));
    assertTrue(missing.getMessage().startsWith("trust policy is not present: "), missing.getMessage());
    Files.writeString(dir.resolve("trustpolicy.blob.json"), doc(statement("a", "strict", true)));
    assertEquals("a", BlobTrustPolicyDocument.load(dir).policy(null).name());
  }
}
