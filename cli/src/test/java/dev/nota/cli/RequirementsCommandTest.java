package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code trustpolicy.nota.json} in {@code nota verify}: an image needs its vendor's and its organisation's
 * signatures and a scan report signed by the scanner, in a registry with and without the Referrers API and in an
 * OCI layout; each missing piece fails naming what is missing; N of M; namespace scopes; notation's policy when no
 * requirement applies; and {@code nota policy show --for}.
 */
class RequirementsCommandTest {
  private static final Pattern DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");
  private static final Pattern SIGNATURE = Pattern.compile("@(sha256:[0-9a-f]{64})");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SARIF = "application/sarif+json";

  @TempDir Path home;
  private Cli cli;
  private TestRegistry registry;
  private RegistryClient client;
  /** "api", "tags" (a registry without the Referrers API) or "layout". */
  private String kind;
  private Path layout;

  @BeforeEach
  void keys() {
    cli = new Cli(home);
    for (String name : List.of("vendor", "org", "scanner", "mallory")) {
      ok(cli.run("cert", "generate-test", "--key-type", "ec-256", name));
    }
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static Cli.Result fails(Cli.Result r, String... expected) {
    assertEquals(1, r.code(), r::toString);
    List<String> errors = r.err().lines().filter(l -> !l.startsWith("Warning:")).toList();
    assertEquals(1, errors.size(), r::toString);
    for (String e : expected) {
      assertTrue(errors.get(0).contains(e), () -> "expected \"" + e + "\" in the error:\n" + r);
    }
    return r;
  }

  private static String subject(String cn) {
    return "x509.subject:CN=" + cn + ",O=Notary,L=Seattle,ST=WA,C=US";
  }

  private static String statement(String name, String stores, String identity) {
    return "{\"name\":\"" + name + "\",\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":" + stores
        + ",\"trustedIdentities\":[\"" + identity + "\"]}";
  }

  /** vendor (only the vendor's own subject), org and scanner, each trusting its own store. */
  private static final String STATEMENTS = statement("vendor", "[\"ca:vendor\"]", subject("vendor")) + ","
      + statement("org", "[\"ca:org\"]", "*") + "," + statement("scanner", "[\"ca:scanner\"]", "*");

  private void policy(String statements, String requirements) throws Exception {
    Files.createDirectories(cli.config);
    Files.writeString(cli.config.resolve("trustpolicy.nota.json"), "{\"version\":\"1.0\",\"trustPolicies\":["
        + statements + "],\"requirements\":[" + requirements + "]}");
  }

  private void start(String kind) throws Exception {
    this.kind = kind;
    if (kind.equals("layout")) {
      layout = home.resolve("layout");
    } else {
      registry = TestRegistry.builder().referrersApi(kind.equals("api")).start();
      client = new RegistryClient(RegistryOptions.defaults());
    }
  }

  /** The scope verify uses for the sample repository {@code repo}. */
  private String scope(String repo) {
    return kind.equals("layout") ? "local/" + repo : registry.host() + "/" + repo;
  }

  /** Pushes a fresh image to {@code repo} and returns its reference by digest. */
  private String image(String repo, String content) throws Exception {
    if (kind.equals("layout")) {
      try (Target t = LayoutTarget.open(layout)) {
        return layout + "@" + SampleImage.push(t, null, content).digest();
      }
    }
    try (Target t = client.repository(registry.host(), repo)) {
      Descriptor d = SampleImage.push(t, null, content);
      return registry.host() + "/" + repo + "@" + d.digest();
    }
  }

  /** nota {@code args} with the layout flags when the test runs on a layout (verify also gets --scope). */
  private Cli.Result nota(String repo, String... args) {
    List<String> all = new ArrayList<>(List.of(args[0]));
    if (kind.equals("layout")) {
      all.add("--oci-layout");
      if (args[0].equals("verify")) {
        all.addAll(List.of("--scope", scope(repo)));
      }
    }
    all.addAll(List.of(args).subList(1, args.length));
    return cli.run(all.toArray(String[]::new));
  }

  private String sign(String ref, String key) {
    Matcher m = SIGNATURE.matcher(ok(nota("app", "sign", "--key", key, ref)).out());
    String last = null;
    while (m.find()) {
      last = m.group(1); // the signature's digest follows the artifact's
    }
    assertTrue(last != null);
    return last;
  }

  /** Attaches a scan report to {@code ref}, returning the scan's reference by digest. */
  private String attachScan(String ref, String content) throws Exception {
    Path file = Files.writeString(home.resolve("scan-" + Math.abs(content.hashCode()) + ".sarif"), content);
    Matcher m = DIGEST.matcher(ok(nota("app", "attach", "--artifact-type", SARIF, ref, file.toString())).out());
    assertTrue(m.find());
    return ref.substring(0, ref.lastIndexOf('@') + 1) + m.group(1);
  }

  private static String digest(String ref) {
    return ref.substring(ref.lastIndexOf('@') + 1);
  }

  private static final String VENDOR_ORG_SCAN = "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"org\"],"
      + "\"referrers\":[{\"artifactType\":\"" + SARIF + "\",\"allOf\":[\"scanner\"]}]}";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"api", "tags", "layout"})
  void vendorOrgAndASignedScanPassAndEachIsReportedWithItsSignature(String kind) throws Exception {
    start(kind);
    policy(STATEMENTS, VENDOR_ORG_SCAN);
    String ref = image("app", "all present");
    String vendorSig = sign(ref, "vendor");
    String orgSig = sign(ref, "org");
    String scan = attachScan(ref, "{\"runs\":[]}");
    String scanSig = sign(scan, "scanner");

    Cli.Result r = ok(nota("app", "verify", ref));
    assertTrue(r.out().contains("[ok]      statement \"vendor\": signature " + vendorSig + " by \""
        + subject("vendor").substring("x509.subject:".length()) + "\""), r::toString);
    assertTrue(r.out().contains("[ok]      statement \"org\": signature " + orgSig), r::toString);
    assertTrue(r.out().contains("[ok]      referrer " + SARIF + ": " + digest(scan)), r::toString);
    assertTrue(r.out().contains("    [ok]      statement \"scanner\": signature " + scanSig), r::toString);
    assertTrue(r.out().contains("Successfully verified every requirement for "), r::toString);

    JsonNode doc = JSON.readTree(ok(nota("app", "verify", "-o", "json", ref)).out());
    assertEquals("verified", doc.get("result").asText(), doc::toPrettyString);
    assertEquals("*", doc.get("registryScope").asText());
    JsonNode checks = doc.get("requirements");
    assertEquals(vendorSig, checks.get(0).get("signature").asText());
    assertEquals(orgSig, checks.get(1).get("signature").asText());
    assertEquals(digest(scan), checks.get(2).get("referrer").asText());
    assertEquals(scanSig, checks.get(2).get("requirements").get(0).get("signature").asText());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"api", "tags", "layout"})
  void eachMissingPieceFailsNamingWhatIsMissing(String kind) throws Exception {
    start(kind);
    policy(STATEMENTS, VENDOR_ORG_SCAN);
    // mallory's certificate is in the vendor's store, but mallory is not the vendor's identity.
    ok(cli.run("cert", "add", "--type", "ca", "--store", "vendor",
        cli.config.resolve("truststore/x509/ca/mallory/mallory.crt").toString()));

    String noOrg = image("app", "no org");
    sign(noOrg, "vendor");
    sign(attachScan(noOrg, "scan 1"), "scanner");
    Cli.Result r = fails(nota("app", "verify", noOrg), "statement \"org\": no signature satisfies it",
        "none of the trust stores [ca:org]");
    assertFalse(r.err().contains("statement \"vendor\""), r::toString);
    assertTrue(r.out().contains("[missing] statement \"org\""), r::toString);

    String wrongVendor = image("app", "wrong vendor identity");
    sign(wrongVendor, "mallory");
    sign(wrongVendor, "org");
    sign(attachScan(wrongVendor, "scan 2"), "scanner");
    fails(nota("app", "verify", wrongVendor), "statement \"vendor\": no signature satisfies it",
        "authenticity: signing certificate from the digital signature does not match the X.509 trusted identities",
        "CN=mallory");

    String unsignedScan = image("app", "unsigned scan");
    sign(unsignedScan, "vendor");
    sign(unsignedScan, "org");
    String scan3 = attachScan(unsignedScan, "scan 3");
    fails(nota("app", "verify", unsignedScan), "referrer " + SARIF + ": its only referrer of that type does not"
        + " satisfy it: " + digest(scan3) + ": statement \"scanner\": the artifact has no signature");

    String wrongScanKey = image("app", "scan signed by the wrong key");
    sign(wrongScanKey, "vendor");
    sign(wrongScanKey, "org");
    sign(attachScan(wrongScanKey, "scan 4"), "org");
    fails(nota("app", "verify", wrongScanKey), "referrer " + SARIF,
        "statement \"scanner\": no signature satisfies it", "none of the trust stores [ca:scanner]");

    String noScan = image("app", "no scan");
    sign(noScan, "vendor");
    sign(noScan, "org");
    fails(nota("app", "verify", noScan), "referrer " + SARIF + ": the artifact has no referrer of type " + SARIF);
    Cli.Result json = nota("app", "verify", "-o", "json", noScan);
    assertEquals(1, json.code(), json::toString);
    JsonNode doc = JSON.readTree(json.out());
    assertEquals("failed", doc.get("result").asText());
    assertEquals(List.of("referrer " + SARIF + ": the artifact has no referrer of type " + SARIF),
        JSON.convertValue(doc.get("missing"), List.class));
    assertTrue(doc.get("requirements").get(0).get("satisfied").asBoolean());
  }

  @Test
  void atLeastTwoOfThreeSigners() throws Exception {
    start("api");
    policy(STATEMENTS.replace(subject("vendor"), "*"),
        "{\"registryScopes\":[\"*\"],\"atLeast\":2,\"of\":[\"vendor\",\"org\",\"scanner\"]}");
    String ref = image("app", "two of three");
    sign(ref, "org");
    fails(nota("app", "verify", ref), "atLeast 2 of [vendor, org, scanner]: 1 of 3 satisfied, 2 needed");
    sign(ref, "mallory");
    fails(nota("app", "verify", ref), "1 of 3 satisfied");
    sign(ref, "scanner");
    Cli.Result r = ok(nota("app", "verify", ref));
    assertTrue(r.out().contains("[ok]      atLeast 2 of [vendor, org, scanner]"), r::toString);
    assertTrue(r.out().contains("    [missing] statement \"vendor\""), r::toString);
  }

  @Test
  void theExactScopeBeatsTheNamespaceWhichBeatsTheWildcard() throws Exception {
    start("api");
    String host = registry.host();
    policy(STATEMENTS, "{\"registryScopes\":[\"" + host + "/team/app\"],\"allOf\":[\"org\",\"scanner\"]},"
        + "{\"registryScopes\":[\"" + host + "/team/*\"],\"allOf\":[\"org\"]},"
        + "{\"registryScopes\":[\"*\"],\"allOf\":[\"scanner\"]}");
    String exact = image("team/app", "exact");
    String namespaced = image("team/tools/other", "namespace");
    String elsewhere = image("other", "wildcard");
    for (String ref : List.of(exact, namespaced, elsewhere)) {
      sign(ref, "org");
    }
    Cli.Result r = fails(cli.run("verify", exact), "statement \"scanner\"");
    assertTrue(r.out().contains("(registry scope \"" + host + "/team/app\")"), r::toString);
    r = ok(cli.run("verify", namespaced));
    assertTrue(r.out().contains("(registry scope \"" + host + "/team/*\")"), r::toString);
    r = fails(cli.run("verify", elsewhere), "statement \"scanner\"");
    assertTrue(r.out().contains("(registry scope \"*\")"), r::toString);
    sign(exact, "scanner");
    ok(cli.run("verify", exact));
  }

  @Test
  void aSignerTrustedByBothStatementsSatisfiesBothOnlyWhenThePolicySaysSo() throws Exception {
    start("tags");
    String requirement = "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"org\"]}";
    policy(STATEMENTS, requirement);
    String ref = image("app", "one signer");
    String vendorSig = sign(ref, "vendor");
    fails(cli.run("verify", ref), "statement \"org\"");
    policy(STATEMENTS.replace("[\"ca:org\"]", "[\"ca:org\",\"ca:vendor\"]"), requirement);
    JsonNode doc = JSON.readTree(ok(cli.run("verify", "-o", "json", ref)).out());
    assertEquals(vendorSig, doc.get("requirements").get(0).get("signature").asText());
    assertEquals(vendorSig, doc.get("requirements").get(1).get("signature").asText());
  }

  @Test
  void userMetadataIsRequiredOfTheArtifactsSignatures() throws Exception {
    start("api");
    policy(STATEMENTS, "{\"registryScopes\":[\"*\"],\"allOf\":[\"org\"]}");
    String ref = image("app", "metadata");
    ok(cli.run("sign", "--key", "org", "-m", "stage=prod", ref));
    ok(cli.run("verify", "-m", "stage=prod", ref));
    fails(cli.run("verify", "-m", "stage=dev", ref), "stage=dev");
  }

  @Test
  void withoutAMatchingRequirementNotationsPolicyDecidesAsBefore() throws Exception {
    start("api");
    policy(STATEMENTS, "{\"registryScopes\":[\"" + registry.host() + "/elsewhere\"],\"allOf\":[\"vendor\"]}");
    String ref = image("app", "notation semantics");
    sign(ref, "org");
    Cli.Result missing = cli.run("verify", ref);
    assertEquals(2, missing.code(), missing::toString);
    assertTrue(missing.err().contains("trust policy is not present"), missing::toString);
    ok(cli.run("policy", "init", "--name", "p", "--scope", registry.host() + "/app", "--trust-store", "ca:org",
        "--trusted-identity", "*"));
    Cli.Result r = ok(cli.run("verify", ref));
    assertTrue(r.out().contains("Successfully verified signature for "), r::toString);
    JsonNode doc = JSON.readTree(ok(cli.run("verify", "-o", "json", ref)).out());
    assertEquals("p", doc.get("trustPolicy").asText());
  }

  @Test
  void anInvalidNotaPolicyIsAOneLineUsageError() throws Exception {
    start("api");
    String ref = image("app", "bad policy");
    policy(STATEMENTS, "{\"registryScopes\":[\"*\"],\"allOf\":[\"vendor\",\"scaner\"]}");
    Cli.Result r = cli.run("verify", ref);
    assertEquals(2, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains("trustpolicy.nota.json: requirements[0].allOf: unknown trust policy statement"
        + " \"scaner\""), r::toString);
  }

  @Test
  void policyShowForAReferencePrintsTheEffectiveRules() throws Exception {
    policy(STATEMENTS, "{\"registryScopes\":[\"registry.example/team/*\"],\"allOf\":[\"vendor\",\"org\"],"
        + "\"referrers\":[{\"artifactType\":\"" + SARIF + "\",\"allOf\":[\"scanner\"]}]}");
    Cli.Result r = ok(cli.run("policy", "show", "--for", "registry.example/team/app:v1"));
    assertTrue(r.out().contains("Requirement of trustpolicy.nota.json (registry scope \"registry.example/team/*\")"),
        r::toString);
    assertTrue(r.out().contains("  all of: vendor, org"), r::toString);
    assertTrue(r.out().contains("  a referrer of type " + SARIF + " with:\n    all of: scanner"), r::toString);
    assertTrue(r.out().contains("  vendor: level strict, trust stores [ca:vendor], trusted identities ["
        + subject("vendor") + "]"), r::toString);
    JsonNode doc = JSON.readTree(ok(cli.run("policy", "show", "--for", "registry.example/team/app@sha256:"
        + "a".repeat(64), "-o", "json")).out());
    assertEquals("registry.example/team/*", doc.get("registryScope").asText());
    assertEquals(3, doc.get("statements").size());

    ok(cli.run("policy", "init", "--name", "fallback", "--scope", "*", "--trust-store", "ca:org",
        "--trusted-identity", "*"));
    r = ok(cli.run("policy", "show", "--scope", "local/app"));
    assertTrue(r.out().contains("No requirement of trustpolicy.nota.json applies; notation's trustpolicy.json does"),
        r::toString);
    assertTrue(r.out().contains("  fallback: level strict, trust stores [ca:org]"), r::toString);
    Cli.Result both = cli.run("policy", "show", "--for", "a.example/b:1", "--scope", "local/app");
    assertEquals(2, both.code(), both::toString);
  }
}
