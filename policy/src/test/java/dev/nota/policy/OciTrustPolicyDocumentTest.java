package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciTrustPolicyDocumentTest {
  static final String GOOD_VERIFICATION = "{\"level\":\"strict\"}";

  static String statement(String name, String scopes, String verification, String stores, String identities) {
    StringBuilder b = new StringBuilder("{\"name\":").append(name);
    if (scopes != null) {
      b.append(",\"registryScopes\":").append(scopes);
    }
    b.append(",\"signatureVerification\":").append(verification);
    if (stores != null) {
      b.append(",\"trustStores\":").append(stores);
    }
    if (identities != null) {
      b.append(",\"trustedIdentities\":").append(identities);
    }
    return b.append('}').toString();
  }

  static String good(String name, String scope) {
    return statement("\"" + name + "\"", "[\"" + scope + "\"]", GOOD_VERIFICATION, "[\"ca:s\"]", "[\"*\"]");
  }

  static OciTrustPolicyDocument parse(String json) throws PolicyException {
    return OciTrustPolicyDocument.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static String doc(String... statements) {
    return "{\"version\":\"1.0\",\"trustPolicies\":[" + String.join(",", statements) + "]}";
  }

  static String fails(String json) {
    PolicyException e = assertThrows(PolicyException.class, () -> parse(json));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  static String failsWithVerification(String verification) {
    return fails(doc(statement("\"p\"", "[\"*\"]", verification, "[\"ca:s\"]", "[\"*\"]")));
  }

  static String failsWithStores(String stores) {
    return fails(doc(statement("\"p\"", "[\"*\"]", GOOD_VERIFICATION, stores, "[\"*\"]")));
  }

  static String failsWithIdentities(String identities) {
    return fails(doc(statement("\"p\"", "[\"*\"]", GOOD_VERIFICATION, "[\"ca:s\"]", identities)));
  }

  static String failsWithScopes(String scopes) {
    return fails(doc(statement("\"p\"", scopes, GOOD_VERIFICATION, "[\"ca:s\"]", "[\"*\"]")));
  }

  @Test
  void parsesAFullStatement() throws Exception {
    OciTrustPolicyDocument d = parse(doc(statement("\"wabbit\"", "[\"registry.acme-rockets.io/software/net-monitor\"]",
        "{\"level\":\"strict\",\"override\":{\"expiry\":\"log\",\"revocation\":\"skip\"},"
            + "\"verifyTimestamp\":\"afterCertExpiry\"}",
        "[\"ca:acme-rockets\",\"tsa:publicly-trusted-tsa\"]",
        "[\"x509.subject: C=US, ST=WA, L=Seattle, O=wabbit-networks.io, OU=Security Tools\"]")));
    assertEquals("1.0", d.version());
    OciTrustPolicy p = d.trustPolicies().get(0);
    assertEquals("wabbit", p.name());
    assertEquals(List.of("registry.acme-rockets.io/software/net-monitor"), p.registryScopes());
    assertEquals(ValidationAction.LOG, p.signatureVerification().action(ValidationType.EXPIRY));
    assertEquals(ValidationAction.SKIP, p.signatureVerification().action(ValidationType.REVOCATION));
    assertEquals(ValidationAction.ENFORCE, p.signatureVerification().action(ValidationType.AUTHENTICITY));
    assertEquals(VerifyTimestamp.AFTER_CERT_EXPIRY, p.signatureVerification().verifyTimestamp());
    assertEquals(List.of(new TrustStoreRef(TrustStoreType.CA, "acme-rockets"),
        new TrustStoreRef(TrustStoreType.TSA, "publicly-trusted-tsa")), p.trustStores());
    X509SubjectIdentity id = (X509SubjectIdentity) p.trustedIdentities().get(0);
    assertEquals("wabbit-networks.io", id.attributes().get("O"));
    assertEquals("Security Tools", id.attributes().get("OU"));
  }

  // ---- document ----

  @Test
  void rejectsMissingVersion() {
    assertTrue(fails("{\"trustPolicies\":[" + good("p", "*") + "]}").contains("has empty version"));
  }

  @Test
  void rejectsUnsupportedVersion() {
    assertTrue(fails("{\"version\":\"2.0\",\"trustPolicies\":[" + good("p", "*") + "]}")
        .contains("uses unsupported version \"2.0\""));
  }

  @Test
  void rejectsZeroStatements() {
    assertTrue(fails(doc()).contains("can not have zero trust policy statements"));
    assertTrue(fails("{\"version\":\"1.0\"}").contains("can not have zero trust policy statements"));
  }

  @Test
  void rejectsNullDocumentAsMissingVersion() {
    assertTrue(fails("null").contains("has empty version"));
  }

  @Test
  void rejectsStatementWithoutName() {
    assertTrue(fails(doc(statement("\"\"", "[\"*\"]", GOOD_VERIFICATION, "[\"ca:s\"]", "[\"*\"]")))
        .contains("a trust policy statement is missing a name"));
  }

  @Test
  void rejectsDuplicateStatementNames() {
    assertTrue(fails(doc(good("p", "a.io/x"), good("p", "a.io/y")))
        .contains("multiple trust policy statements use the same name \"p\""));
  }

  // ---- signatureVerification ----

  @Test
  void rejectsMissingLevel() {
    assertTrue(failsWithVerification("{}").contains("has invalid signatureVerification: signature verification"
        + " level is empty or missing"));
    assertTrue(fails(doc("{\"name\":\"p\",\"registryScopes\":[\"*\"],\"trustStores\":[\"ca:s\"],"
        + "\"trustedIdentities\":[\"*\"]}")).contains("level is empty or missing"));
  }

  @Test
  void rejectsUnknownLevel() {
    assertTrue(failsWithVerification("{\"level\":\"Strict\"}")
        .contains("trust policy statement \"p\" has invalid signatureVerification: invalid signature verification"
            + " level \"Strict\""));
  }

  @Test
  void rejectsOverrideAtSkipLevel() {
    assertTrue(fails(doc(statement("\"p\"", "[\"*\"]", "{\"level\":\"skip\",\"override\":{\"revocation\":\"log\"}}",
        null, null))).contains("signature verification level \"skip\" can't be used to customize"));
  }

  @Test
  void acceptsEmptyOverrideAtSkipLevel() throws Exception {
    parse(doc(statement("\"p\"", "[\"*\"]", "{\"level\":\"skip\",\"override\":{}}", null, null)));
  }

  @Test
  void rejectsUnknownOverrideType() {
    assertTrue(failsWithVerification("{\"level\":\"strict\",\"override\":{\"Expiry\":\"log\"}}")
        .contains("verification type \"Expiry\" in custom signature verification is not supported, supported values"
            + " are [\"integrity\" \"authenticity\" \"authenticTimestamp\" \"expiry\" \"revocation\"]"));
  }

  @Test
  void rejectsUnknownOverrideAction() {
    assertTrue(failsWithVerification("{\"level\":\"strict\",\"override\":{\"expiry\":\"warn\"}}")
        .contains("verification action \"warn\" in custom signature verification is not supported, supported values"
            + " are [\"enforce\" \"log\" \"skip\"]"));
  }

  @Test
  void rejectsNullOverrideActionAsEmptyAction() {
    assertTrue(failsWithVerification("{\"level\":\"strict\",\"override\":{\"expiry\":null}}")
        .contains("verification action \"\" in custom signature verification is not supported"));
  }

  @Test
  void rejectsIntegrityOverrideEvenToEnforce() {
    assertTrue(failsWithVerification("{\"level\":\"audit\",\"override\":{\"integrity\":\"enforce\"}}")
        .contains("\"integrity\" verification can not be overridden in custom signature verification"));
  }

  @Test
  void rejectsSkippingAnythingButRevocation() {
    for (String type : List.of("authenticity", "authenticTimestamp", "expiry")) {
      assertTrue(failsWithVerification("{\"level\":\"strict\",\"override\":{\"" + type + "\":\"skip\"}}")
          .contains("\"" + type + "\" verification can not be skipped in custom signature verification"), type);
    }
  }

  @Test
  void rejectsUnknownVerifyTimestamp() {
    assertTrue(failsWithVerification("{\"level\":\"strict\",\"verifyTimestamp\":\"never\"}")
        .contains("verifyTimestamp must be \"always\" or \"afterCertExpiry\", but got \"never\""));
  }

  @Test
  void defaultsVerifyTimestampToAlways() throws Exception {
    assertEquals(VerifyTimestamp.ALWAYS,
        parse(doc(good("p", "*"))).trustPolicies().get(0).signatureVerification().verifyTimestamp());
  }

  // ---- trust stores and identities by level ----

  @Test
  void rejectsSkipLevelWithTrustStores() {
    assertTrue(fails(doc(statement("\"p\"", "[\"*\"]", "{\"level\":\"skip\"}", "[\"ca:s\"]", null)))
        .contains("is set to skip signature verification but configured with trust stores and/or trusted"
            + " identities"));
  }

  @Test
  void rejectsSkipLevelWithTrustedIdentities() {
    assertTrue(fails(doc(statement("\"p\"", "[\"*\"]", "{\"level\":\"skip\"}", null, "[\"*\"]")))
        .contains("is set to skip signature verification"));
  }

  @Test
  void rejectsMissingTrustStoresOutsideSkip() {
    assertTrue(fails(doc(statement("\"p\"", "[\"*\"]", "{\"level\":\"audit\"}", null, "[\"*\"]")))
        .contains("trust policy statement \"p\" is either missing trust stores or trusted identities"));
  }

  @Test
  void rejectsMissingTrustedIdentitiesOutsideSkip() {
    assertTrue(fails(doc(statement("\"p\"", "[\"*\"]", "{\"level\":\"permissive\"}", "[\"ca:s\"]", "null")))
        .contains("is either missing trust stores or trusted identities"));
  }

  @Test
  void rejectsTrustStoreWithoutSeparator() {
    assertTrue(failsWithStores("[\"ca\"]").contains("has malformed trust store value \"ca\""));
  }

  @Test
  void rejectsUnknownTrustStoreType() {
    assertTrue(failsWithStores("[\"CA:s\"]").contains("uses an unsupported trust store type \"CA\" in trust store"
        + " value \"CA:s\""));
    assertTrue(failsWithStores("[\"x509:s\"]").contains("unsupported trust store type \"x509\""));
  }

  @Test
  void rejectsInvalidTrustStoreName() {
    assertTrue(failsWithStores("[\"ca:a/b\"]").contains("uses an unsupported trust store name \"a/b\""));
    assertTrue(failsWithStores("[\"ca:a:b\"]").contains("uses an unsupported trust store name \"a:b\""));
  }

  @Test
  void acceptsEveryTrustStoreType() throws Exception {
    OciTrustPolicy p = parse(doc(statement("\"p\"", "[\"*\"]", GOOD_VERIFICATION,
        "[\"ca:a\",\"signingAuthority:b\",\"tsa:c.d_e-f\"]", "[\"*\"]"))).trustPolicies().get(0);
    assertEquals(List.of(TrustStoreType.CA, TrustStoreType.SIGNING_AUTHORITY, TrustStoreType.TSA),
        p.trustStores().stream().map(TrustStoreRef::type).toList());
  }

  @Test
  void rejectsWildcardIdentityWithOthers() {
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST=WA,O=x\",\"*\"]")
        .contains("uses a wildcard trusted identity '*'"));
  }

  @Test
  void rejectsEmptyIdentity() {
    assertTrue(failsWithIdentities("[\"\"]").contains("has an empty trusted identity"));
  }

  @Test
  void rejectsIdentityWithoutSeparator() {
    assertTrue(failsWithIdentities("[\"CN=x\"]").contains("has trusted identity \"CN=x\" missing separator"));
  }

  @Test
  void rejectsX509SubjectWithoutValue() {
    assertTrue(failsWithIdentities("[\"x509.subject:\"]").contains("has trusted identity \"x509.subject:\" without an"
        + " identity value"));
  }

  @Test
  void rejectsX509SubjectMissingMandatoryAttributes() {
    String m = failsWithIdentities("[\"x509.subject:CN=Foo\"]");
    assertTrue(m.contains("has trusted identity \"x509.subject:CN=Foo\" with invalid identity value: distinguished"
        + " name (DN) \"CN=Foo\" has no mandatory RDN attribute for \"C\""), m);
  }

  @Test
  void rejectsX509SubjectWithDuplicateAttribute() {
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST=WA,O=a,O=b\"]")
        .contains("has duplicate RDN attribute for \"O\""));
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST=WA,S=OR,O=a\"]")
        .contains("has duplicate RDN attribute for \"ST\""));
  }

  @Test
  void rejectsX509SubjectWithMultiValuedRdn() {
    assertTrue(failsWithIdentities("[\"x509.subject:C=US+ST=WA,O=a\"]").contains("has multi-valued RDN attributes"));
  }

  @Test
  void rejectsX509SubjectWithHexValue() {
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST=WA,O=#0403414243\"]")
        .contains("notation does not support x509.subject identities containing \"=#\""));
  }

  @Test
  void rejectsX509SubjectThatIsNotADn() {
    assertTrue(failsWithIdentities("[\"x509.subject:invalid\"]")
        .contains("failed with err: DN ended with incomplete type, value pair"));
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST,O=a\"]")
        .contains("failed with err: incomplete type, value pair"));
  }

  @Test
  void rejectsTheSameDnTwice() {
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST=WA,O=a\",\"x509.subject: O=a, ST=WA, C=US\"]")
        .contains("has overlapping x509 trustedIdentities, \"x509.subject:C=US,ST=WA,O=a\" overlaps with"
            + " \"x509.subject: O=a, ST=WA, C=US\""));
  }

  @Test
  void rejectsOverlappingDns() {
    assertTrue(failsWithIdentities("[\"x509.subject:C=US,ST=WA,O=a,CN=b\",\"x509.subject:C=US,ST=WA,O=a\"]")
        .contains("has overlapping x509 trustedIdentities"));
  }

  @Test
  void acceptsDisjointDns() throws Exception {
    OciTrustPolicy p = parse(doc(statement("\"p\"", "[\"*\"]", GOOD_VERIFICATION, "[\"ca:s\"]",
        "[\"x509.subject:C=US,ST=WA,O=a\",\"x509.subject:C=US,ST=WA,O=b\"]"))).trustPolicies().get(0);
    assertEquals(2, p.trustedIdentities().size());
  }

  @Test
  void keepsIdentitiesWithOtherPrefixesButNeverMatchesThem() throws Exception {
    OciTrustPolicy p = parse(doc(statement("\"p\"", "[\"*\"]", GOOD_VERIFICATION, "[\"ca:s\"]",
        "[\"plugin.id:anything\"]"))).trustPolicies().get(0);
    OtherIdentity other = assertInstanceOf(OtherIdentity.class, p.trustedIdentities().get(0));
    assertEquals("plugin.id", other.prefix());
    assertFalse(other.matches(new javax.security.auth.x500.X500Principal("CN=x,O=a,ST=WA,C=US")));
  }

  // ---- registry scopes ----

  @Test
  void rejectsMissingRegistryScopes() {
    assertTrue(failsWithScopes(null).contains("trust policy statement \"p\" has zero registry scopes"));
    assertTrue(failsWithScopes("[]").contains("has zero registry scopes"));
  }

  @Test
  void rejectsWildcardScopeWithOthers() {
    assertTrue(failsWithScopes("[\"a.io/b\",\"*\"]").contains("uses wildcard registry scope '*'"));
  }

  @Test
  void rejectsPartialWildcardScope() {
    assertTrue(failsWithScopes("[\"a.io/*\"]").contains("registry scope \"a.io/*\" with wild card(s) is not valid"));
  }

  @Test
  void rejectsScopesThatAreNotRepositories() {
    for (String bad : List.of("a.io", "a.io/", "/repo", "https://a.io/b", "a.io/B", "a.io/b:v1", "a.io/b@sha256:00",
        "a.io/b//c", "a.io/b/", "-a.io/b", "a_b.io/c", "a.io:port/b", "a.io/b___c", "a.io/b._c")) {
      assertTrue(failsWithScopes("[\"" + bad + "\"]").contains("registry scope \"" + bad + "\" is not valid"), bad);
    }
  }

  @Test
  void acceptsRepositoryPathsOfTheDistributionGrammar() throws Exception {
    for (String ok : List.of("a.io/b", "localhost:5000/test-repo", "local/my-layout", "a.io/b/c/d", "a/b__c",
        "127.0.0.1:5000/x.y", "a-b.c-d.io/e---f", "A.IO/b")) {
      parse(doc(good("p", ok)));
    }
  }

  @Test
  void rejectsLongInvalidRepositoryQuickly() {
    String scope = "a.io/" + "a".repeat(5000) + "_";
    long start = System.nanoTime();
    assertTrue(failsWithScopes("[\"" + scope + "\"]").contains("is not valid"));
    assertTrue(System.nanoTime() - start < 2_000_000_000L);
  }

  @Test
  void rejectsAScopeUsedTwice() {
    assertTrue(fails(doc(good("p", "a.io/b"), good("q", "a.io/b")))
        .contains("registry scope \"a.io/b\" is present in multiple trust policy statements"));
  }

  @Test
  void rejectsTwoWildcardStatements() {
    assertTrue(fails(doc(good("p", "*"), good("q", "*"))).contains("registry scope \"*\" is present in multiple"));
  }

  @Test
  void checksStatementsBeforeScopes() {
    String m = fails(doc(statement("\"p\"", "[]", "{\"level\":\"bogus\"}", "[\"ca:s\"]", "[\"*\"]")));
    assertTrue(m.startsWith("trust policy: trust policy statement \"p\" has invalid signatureVerification"), m);
  }

  // ---- selection ----

  @Test
  void selectsExactScopeBeforeWildcard() throws Exception {
    OciTrustPolicyDocument d = parse(doc(good("any", "*"), good("exact", "a.io/b"), good("other", "a.io/c")));
    assertEquals("exact", d.applicablePolicy("a.io/b").name());
    assertEquals("exact", d.applicablePolicy("a.io/b@sha256:" + "0".repeat(64)).name());
    assertEquals("any", d.applicablePolicy("a.io/b/c").name());
    assertEquals("any", d.applicablePolicy("docker.io/library/b").name());
  }

  @Test
  void doesNotExpandOrPrefixMatchScopes() throws Exception {
    OciTrustPolicyDocument d = parse(doc(good("p", "docker.io/library/alpine"), good("q", "a.io/b")));
    assertThrows(NoApplicablePolicyException.class, () -> d.applicablePolicy("index.docker.io/library/alpine"));
    assertThrows(NoApplicablePolicyException.class, () -> d.applicablePolicy("a.io/b/c"));
    PolicyException e = assertThrows(NoApplicablePolicyException.class, () -> d.applicablePolicy("a.io/x"));
    assertTrue(e.getMessage().startsWith("artifact \"a.io/x\" has no applicable trust policy statement"));
  }

  @Test
  void rejectsMalformedArtifactRepository() throws Exception {
    OciTrustPolicyDocument d = parse(doc(good("p", "*")));
    PolicyException e = assertThrows(PolicyException.class, () -> d.applicablePolicy("A.io/Upper"));
    assertFalse(e instanceof NoApplicablePolicyException);
    assertTrue(e.getMessage().contains("registry scope \"A.io/Upper\" is not valid"));
  }

  // ---- loading ----

  @Test
  void loadsOciFileBeforeLegacyFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("trustpolicy.json"), doc(good("legacy", "*")));
    assertEquals("legacy", OciTrustPolicyDocument.load(dir).trustPolicies().get(0).name());
    Files.writeString(dir.resolve("trustpolicy.oci.json"), doc(good("oci", "*")));
    assertEquals("oci", OciTrustPolicyDocument.load(dir).trustPolicies().get(0).name());
  }

  @Test
  void reportsMissingPolicyFiles(@TempDir Path dir) {
    PolicyException e = assertThrows(PolicyException.class, () -> OciTrustPolicyDocument.load(dir));
    assertTrue(e.getMessage().startsWith("trust policy is not present: neither "), e.getMessage());
    assertTrue(e.getMessage().contains("trustpolicy.oci.json") && e.getMessage().contains("trustpolicy.json"));
  }

  @Test
  void rejectsSymlinkedPolicyFile(@TempDir Path dir) throws Exception {
    Path real = Files.writeString(dir.resolve("real.json"), doc(good("p", "*")));
    Files.createSymbolicLink(dir.resolve("trustpolicy.json"), real);
    PolicyException e = assertThrows(PolicyException.class, () -> OciTrustPolicyDocument.load(dir));
    assertTrue(e.getMessage().contains("is not a regular file (symlinks are not supported)"), e.getMessage());
  }

  @Test
  void rejectsPolicyDirectory(@TempDir Path dir) throws Exception {
    Files.createDirectory(dir.resolve("trustpolicy.oci.json"));
    Files.writeString(dir.resolve("trustpolicy.json"), doc(good("p", "*")));
    PolicyException e = assertThrows(PolicyException.class, () -> OciTrustPolicyDocument.load(dir));
    assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
  }
}
