package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotaTrustPolicyDocumentTest {
  private static final String VENDOR = statement("vendor", "ca:vendor");
  private static final String ORG = statement("org", "ca:org");
  private static final String SCANNER = statement("scanner", "ca:scanner");

  static String statement(String name, String store) {
    return "{\"name\":\"" + name + "\",\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\""
        + store + "\"],\"trustedIdentities\":[\"*\"]}";
  }

  static String doc(String requirements) {
    return "{\"version\":\"1.0\",\"trustPolicies\":[" + VENDOR + "," + ORG + "," + SCANNER + "],"
        + "\"requirements\":" + requirements + "}";
  }

  static NotaTrustPolicyDocument parse(String json) throws PolicyException {
    return NotaTrustPolicyDocument.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Parsing fails with one line that starts with the file name and contains {@code expected}. */
  static void fails(String json, String expected) {
    PolicyException e = assertThrows(PolicyException.class, () -> parse(json));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith("trustpolicy.nota.json: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), () -> "expected \"" + expected + "\" in: " + e.getMessage());
  }

  @Test
  void theIssueExampleParsesIntoStatementsRulesAndReferrerRules() throws Exception {
    NotaTrustPolicyDocument d = parse(doc("[{\"registryScopes\":[\"registry.example/app\",\"*\"],"
        + "\"allOf\":[\"vendor\",\"org\"],"
        + "\"referrers\":[{\"artifactType\":\"application/sarif+json\",\"allOf\":[\"scanner\"]}]}]"));
    assertEquals(List.of("vendor", "org", "scanner"), d.trustPolicies().stream().map(OciTrustPolicy::name).toList());
    Requirement r = d.requirements().get(0);
    assertEquals(List.of("vendor", "org"), r.rule().allOf());
    assertEquals(0, r.rule().atLeast());
    assertEquals("application/sarif+json", r.referrers().get(0).artifactType());
    assertEquals(List.of("scanner"), r.referrers().get(0).rule().allOf());
    assertEquals(List.of("ca:org"), d.statement("org").trustStores().stream()
        .map(s -> s.type().value() + ":" + s.name()).toList());
  }

  @Test
  void atLeastOfAndNestedReferrersParse() throws Exception {
    NotaTrustPolicyDocument d = parse(doc("[{\"registryScopes\":[\"*\"],\"atLeast\":2,"
        + "\"of\":[\"vendor\",\"org\",\"scanner\"],\"referrers\":[{\"artifactType\":\"application/spdx+json\","
        + "\"allOf\":[\"org\"],\"referrers\":[{\"artifactType\":\"application/sarif+json\","
        + "\"atLeast\":1,\"of\":[\"scanner\"]}]}]}]"));
    SignatureRule rule = d.requirements().get(0).rule();
    assertEquals(2, rule.atLeast());
    assertEquals(List.of("vendor", "org", "scanner"), rule.statements());
    ReferrerRequirement nested = d.requirements().get(0).referrers().get(0).referrers().get(0);
    assertEquals("application/sarif+json", nested.artifactType());
    assertEquals(1, nested.rule().atLeast());
  }

  @Test
  void theMostSpecificScopeWinsExactThenLongestNamespaceThenWildcard() throws Exception {
    NotaTrustPolicyDocument d = parse(doc("["
        + "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"]},"
        + "{\"registryScopes\":[\"reg.example/*\"],\"allOf\":[\"org\"]},"
        + "{\"registryScopes\":[\"reg.example/team/*\"],\"allOf\":[\"scanner\"]},"
        + "{\"registryScopes\":[\"reg.example/team/app\"],\"allOf\":[\"vendor\",\"org\"]}]"));
    assertEquals("reg.example/team/app", d.requirementFor("reg.example/team/app").orElseThrow().scope());
    assertEquals("reg.example/team/app",
        d.requirementFor("reg.example/team/app@sha256:" + "a".repeat(64)).orElseThrow().scope());
    assertEquals("reg.example/team/*", d.requirementFor("reg.example/team/other").orElseThrow().scope());
    assertEquals("reg.example/team/*", d.requirementFor("reg.example/team/deep/er").orElseThrow().scope());
    assertEquals("reg.example/*", d.requirementFor("reg.example/team").orElseThrow().scope());
    assertEquals("reg.example/*", d.requirementFor("reg.example/teamster/app").orElseThrow().scope());
    assertEquals("*", d.requirementFor("other.example/app").orElseThrow().scope());
    assertEquals(List.of("scanner"),
        d.requirementFor("reg.example/team/x").orElseThrow().requirement().rule().allOf());
  }

  @Test
  void anArtifactOutsideEveryScopeHasNoRequirement() throws Exception {
    NotaTrustPolicyDocument d = parse(doc("[{\"registryScopes\":[\"reg.example/team/*\"],\"allOf\":[\"org\"]}]"));
    assertEquals(Optional.empty(), d.requirementFor("reg.example/app"));
    assertEquals(Optional.empty(), d.requirementFor("reg.example/team"));
    assertThrows(PolicyException.class, () -> d.requirementFor("Not A Repo"));
  }

  @Test
  void statementScopesMayOverlapAndBeLeftOut() throws Exception {
    String a = "{\"name\":\"a\",\"registryScopes\":[\"reg.example/app\",\"reg.example/team/*\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:a\"],\"trustedIdentities\":[\"*\"]}";
    String b = "{\"name\":\"b\",\"registryScopes\":[\"reg.example/app\",\"*\"],"
        + "\"signatureVerification\":{\"level\":\"audit\"},\"trustStores\":[\"ca:b\"],\"trustedIdentities\":[\"*\"]}";
    NotaTrustPolicyDocument d = parse("{\"version\":\"1.0\",\"trustPolicies\":[" + a + "," + b + ","
        + statement("c", "ca:c") + "],\"requirements\":[{\"registryScopes\":[\"*\"],\"allOf\":[\"a\",\"b\",\"c\"]}]}");
    assertEquals(List.of(), d.statement("c").registryScopes());
    assertEquals(VerificationLevel.AUDIT, d.statement("b").signatureVerification().level());
  }

  @Test
  void aMissingFileMeansNoNotaPolicyAndAPresentOneIsLoaded(@TempDir Path dir) throws Exception {
    assertEquals(Optional.empty(), NotaTrustPolicyDocument.load(dir));
    Files.writeString(dir.resolve("trustpolicy.nota.json"), doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"]}]"));
    assertEquals(1, NotaTrustPolicyDocument.load(dir).orElseThrow().requirements().size());
  }

  @Test
  void aSymlinkedOrDirectoryPolicyIsRefused(@TempDir Path dir) throws Exception {
    Path real = Files.writeString(dir.resolve("real.json"), doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"]}]"));
    Files.createSymbolicLink(dir.resolve("trustpolicy.nota.json"), real);
    PolicyException e = assertThrows(PolicyException.class, () -> NotaTrustPolicyDocument.load(dir));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  // ---- validation: one test per rule ----

  @Test
  void anUnknownStatementNameInAllOfIsNamedWithItsField() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"scaner\"]}]"),
        "requirements[0].allOf: unknown trust policy statement \"scaner\"");
  }

  @Test
  void anUnknownStatementNameInANestedReferrerRuleIsNamedWithItsPath() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"],\"referrers\":[{\"artifactType\":\"a/b\","
        + "\"allOf\":[\"org\"]},{\"artifactType\":\"a/c\",\"atLeast\":1,\"of\":[\"nobody\"]}]}]"),
        "requirements[0].referrers[1].of: unknown trust policy statement \"nobody\"");
  }

  @Test
  void anEmptyAllOfIsRefused() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[]}]"), "requirements[0].allOf: is empty");
  }

  @Test
  void aRuleNamingNoStatementIsRefused() {
    fails(doc("[{\"registryScopes\":[\"*\"]}]"), "requirements[0]: names no statement");
  }

  @Test
  void atLeastOutOfRangeIsRefused() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"atLeast\":3,\"of\":[\"vendor\",\"org\"]}]"),
        "requirements[0].atLeast: 3 is out of range, it must be between 1 and 2");
    fails(doc("[{\"registryScopes\":[\"*\"],\"atLeast\":0,\"of\":[\"vendor\"]}]"),
        "requirements[0].atLeast: 0 is out of range");
    fails(doc("[{\"registryScopes\":[\"*\"],\"atLeast\":1.5,\"of\":[\"vendor\"]}]"),
        "requirements[0].atLeast: must be a whole number");
  }

  @Test
  void atLeastAndOfComeTogether() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"of\":[\"vendor\"]}]"), "requirements[0].atLeast: missing");
    fails(doc("[{\"registryScopes\":[\"*\"],\"atLeast\":1}]"), "requirements[0].of: missing");
  }

  @Test
  void aStatementNamedTwiceInOneListIsRefused() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\",\"org\"]}]"),
        "requirements[0].allOf: statement \"org\" is named twice");
  }

  @Test
  void duplicateStatementNamesAreRefused() {
    fails("{\"version\":\"1.0\",\"trustPolicies\":[" + VENDOR + "," + statement("vendor", "ca:other")
        + "],\"requirements\":[{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\"]}]}",
        "trustPolicies[1].name: statement name \"vendor\" is used twice");
  }

  @Test
  void aMalformedRequirementScopeIsRefused() {
    fails(doc("[{\"registryScopes\":[\"reg.example/te*m\"],\"allOf\":[\"org\"]}]"),
        "requirements[0].registryScopes: registry scope \"reg.example/te*m\" is not valid");
    fails(doc("[{\"registryScopes\":[\"/*\"],\"allOf\":[\"org\"]}]"), "registry scope \"/*\" is not valid");
    fails(doc("[{\"registryScopes\":[\"https://reg.example/app\"],\"allOf\":[\"org\"]}]"), "is not valid");
    fails(doc("[{\"registryScopes\":[\"reg.example/Team/*\"],\"allOf\":[\"org\"]}]"), "is not valid");
  }

  @Test
  void aMalformedStatementScopeIsRefused() {
    fails("{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"a\",\"registryScopes\":[\"bad scope\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:a\"],\"trustedIdentities\":"
        + "[\"*\"]}],\"requirements\":[{\"registryScopes\":[\"*\"],\"allOf\":[\"a\"]}]}",
        "trustPolicies[0].registryScopes: registry scope \"bad scope\" is not valid");
  }

  @Test
  void aScopeInTwoRequirementsIsRefused() {
    fails(doc("[{\"registryScopes\":[\"reg.example/app\"],\"allOf\":[\"org\"]},"
        + "{\"registryScopes\":[\"*\",\"reg.example/app\"],\"allOf\":[\"vendor\"]}]"),
        "requirements[1].registryScopes: registry scope \"reg.example/app\" is also in requirements[0]");
  }

  @Test
  void aRequirementWithoutScopesIsRefused() {
    fails(doc("[{\"allOf\":[\"org\"]}]"), "requirements[0].registryScopes: missing");
    fails(doc("[{\"registryScopes\":[],\"allOf\":[\"org\"]}]"), "requirements[0].registryScopes: is empty");
  }

  @Test
  void noRequirementsAtAllIsRefused() {
    fails("{\"version\":\"1.0\",\"trustPolicies\":[" + VENDOR + "]}", "requirements: missing");
    fails(doc("[]"), "requirements: must be a non-empty array");
  }

  @Test
  void anUnknownFieldIsNamed() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allof\":[\"org\"]}]"), "requirements[0].allof: unknown field");
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"],\"referrers\":[{\"artifactType\":\"a/b\","
        + "\"allOf\":[\"org\"],\"registryScopes\":[\"*\"]}]}]"),
        "requirements[0].referrers[0].registryScopes: unknown field");
    fails("{\"version\":\"1.0\",\"trustPolicies\":[" + VENDOR + "],\"requirement\":[]}", "requirement: unknown field");
  }

  @Test
  void aReferrerRuleNeedsAMediaTypeArtifactType() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"],\"referrers\":[{\"allOf\":[\"org\"]}]}]"),
        "requirements[0].referrers[0].artifactType: missing");
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"],\"referrers\":[{\"artifactType\":\"sarif\","
        + "\"allOf\":[\"org\"]}]}]"), "requirements[0].referrers[0].artifactType: \"sarif\" is not a media type");
  }

  @Test
  void referrersNestingBeyondTheLimitIsRefused() {
    String rule = "{\"artifactType\":\"a/b\",\"allOf\":[\"org\"]}";
    for (int i = 0; i < NotaTrustPolicyDocument.MAX_REFERRER_DEPTH; i++) {
      rule = "{\"artifactType\":\"a/b\",\"allOf\":[\"org\"],\"referrers\":[" + rule + "]}";
    }
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"],\"referrers\":[" + rule + "]}]"),
        "referrers nest deeper than 4 levels");
  }

  @Test
  void notationsStatementRulesStillApplyAndNameTheStatement() {
    fails("{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"a\",\"signatureVerification\":{\"level\":\"strict\"},"
        + "\"trustStores\":[\"ca:a\"]}],\"requirements\":[{\"registryScopes\":[\"*\"],\"allOf\":[\"a\"]}]}",
        "trustPolicies[0]: trust policy statement \"a\" is either missing trust stores or trusted identities");
  }

  @Test
  void theVersionMustBeOnePointZero() {
    fails(doc("[{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"]}]").replace("\"1.0\"", "\"2.0\""),
        "version: unsupported version \"2.0\"");
  }

  @Test
  void malformedJsonIsOneLine() {
    fails("{\"version\":\"1.0\",", "malformed trust policy");
    fails("[1]", "malformed trust policy");
  }
}
