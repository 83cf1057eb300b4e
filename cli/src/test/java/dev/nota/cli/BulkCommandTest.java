package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Target;
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
 * {@code nota verify} and {@code nota sign} on many references in one process ({@code REF...}, {@code --from-file}),
 * and {@code nota verify --artifact-type} on an artifact's referrers, end to end against the embedded registry.
 */
class BulkCommandTest {
  private static final Pattern DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private Cli cli;
  private TestRegistry registry;
  private RegistryClient client;
  private String repo;

  @BeforeEach
  void keys() {
    cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "mallory")); // in the trust store, in no policy
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

  private static void oneLineError(Cli.Result r, int code, String expected) {
    assertEquals(code, r.code(), r::toString);
    assertTrue(r.err().contains(expected), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertEquals("", r.out(), r::toString);
  }

  private void start(boolean referrersApi) throws Exception {
    registry = TestRegistry.builder().referrersApi(referrersApi).start();
    client = new RegistryClient(RegistryOptions.defaults());
    repo = registry.host() + "/app";
    ok(cli.run("policy", "init", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
  }

  private String image(String content) throws Exception {
    try (Target t = client.repository(registry.host(), "app")) {
      return repo + "@" + SampleImage.push(t, null, content).digest();
    }
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(home.resolve(name), content);
  }

  /** The five kinds of reference, in this order: good, unsigned, untrusted, missing, malformed. */
  private List<String> mixed() throws Exception {
    String good = image("good");
    ok(cli.run("sign", good));
    String untrusted = image("untrusted");
    ok(cli.run("sign", "--key", "mallory", untrusted));
    return List.of(good, image("unsigned"), untrusted, repo + ":missing", "Not A Ref");
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void mixedReferencesGetOneLineEachInInputOrderAndTheWorstExitCode(boolean referrersApi) throws Exception {
    start(referrersApi);
    List<String> refs = mixed();
    Path list = file("refs.txt", "# images to check\n\n" + String.join("\n", refs) + "\n  \n# end\n");

    Cli.Result r = cli.run("verify", "--from-file", list.toString());
    assertEquals(3, r.code(), "the missing tag is a registry error, the highest code: " + r);
    List<String> lines = r.out().lines().toList();
    assertEquals(5, lines.size(), r::toString);
    assertTrue(lines.get(0).startsWith("verified " + refs.get(0) + ": "), r::toString);
    assertTrue(lines.get(0).contains("trust policy \"p\", signed by \"CN=alice"), r::toString);
    assertTrue(lines.get(1).startsWith("no-signature " + refs.get(1) + ": "), r::toString);
    assertTrue(lines.get(2).startsWith("failed " + refs.get(2) + ": "), r::toString);
    assertTrue(lines.get(2).contains("authenticity"), r::toString);
    assertTrue(lines.get(3).startsWith("error " + refs.get(3) + ": "), r::toString);
    assertTrue(lines.get(4).startsWith("error Not A Ref: "), r::toString);
    assertTrue(r.err().strip().endsWith("Error: 4 of 5 references not verified (2 failed, 2 errors)"), r::toString);

    // Without the registry error, the malformed reference (2) is the worst; without both, the failed ones (1).
    List<String> noMissing = new ArrayList<>(refs);
    noMissing.remove(3);
    assertEquals(2, cli.run(prepend(noMissing, "verify")).code());
    assertEquals(1, cli.run("verify", refs.get(0), refs.get(1), refs.get(2)).code());
    Cli.Result allGood = ok(cli.run("verify", refs.get(0), refs.get(0)));
    assertEquals(2, allGood.out().lines().count(), allGood::toString);
    assertEquals("", allGood.err(), allGood::toString);
  }

  private static String[] prepend(List<String> refs, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(refs);
    return all.toArray(String[]::new);
  }

  @Test
  void standardInputAFileAndAnyConcurrencyGiveTheSameReport() throws Exception {
    start(true);
    List<String> refs = new ArrayList<>(mixed());
    for (int i = 0; i < 6; i++) {
      String extra = image("extra " + i);
      if (i % 2 == 0) {
        ok(cli.run("sign", extra));
      }
      refs.add(extra);
    }
    String text = String.join("\n", refs) + "\n";
    Cli.Result fromFile = cli.run("verify", "--concurrency", "1", "--from-file", file("refs", text).toString());
    Cli.Result fromStdin = cli.stdin(text).run("verify", "--concurrency", "4", "--from-file", "-");
    Cli.Result wide = cli.stdin("").run(prepend(refs, "verify", "--concurrency", "64"));
    assertEquals(3, fromFile.code(), fromFile::toString);
    for (Cli.Result other : List.of(fromStdin, wide)) {
      assertEquals(fromFile.code(), other.code());
      assertEquals(fromFile.out(), other.out());
      assertEquals(fromFile.err(), other.err());
    }
    assertEquals(refs.size(), fromFile.out().lines().count(), fromFile::toString);
  }

  @Test
  void jsonLinesCarryEachReferenceAndParse() throws Exception {
    start(false);
    List<String> refs = mixed();
    Cli.Result r = cli.run(prepend(refs, "verify", "-o", "json"));
    assertEquals(3, r.code(), r::toString);
    List<String> lines = r.out().lines().toList();
    assertEquals(5, lines.size(), r::toString);
    List<JsonNode> docs = new ArrayList<>();
    for (String line : lines) {
      docs.add(JSON.readTree(line));
    }
    for (int i = 0; i < refs.size(); i++) {
      assertEquals(refs.get(i), docs.get(i).get("input").asText());
    }
    assertEquals("verified", docs.get(0).get("result").asText());
    assertEquals(refs.get(0), docs.get(0).get("reference").asText());
    assertEquals("p", docs.get(0).get("trustPolicy").asText());
    assertTrue(docs.get(0).get("signatures").get(0).get("verified").asBoolean());
    assertEquals("no-signature", docs.get(1).get("result").asText());
    assertEquals("failed", docs.get(2).get("result").asText());
    assertEquals("error", docs.get(3).get("result").asText());
    assertEquals(3, docs.get(3).get("exitCode").asInt());
    assertEquals("error", docs.get(4).get("result").asText());
    assertEquals(2, docs.get(4).get("exitCode").asInt());
    assertFalse(docs.get(4).get("error").asText().isBlank());
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void bulkSignThenBulkVerify(boolean referrersApi) throws Exception {
    start(referrersApi);
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      refs.add(image("to sign " + i));
    }
    List<String> withBad = new ArrayList<>(refs);
    withBad.add(2, "Not A Ref");
    Path list = file("sign.txt", String.join("\n", withBad));
    Cli.Result signed = cli.run("sign", "--signature-format", "cose", "--from-file", list.toString());
    assertEquals(2, signed.code(), signed::toString);
    List<String> lines = signed.out().lines().toList();
    assertEquals(11, lines.size(), "two lines per signed reference, one for the bad one: " + signed);
    assertEquals("Successfully signed " + refs.get(0), lines.get(0));
    assertTrue(lines.get(4).startsWith("error Not A Ref: "), signed::toString);
    assertEquals("Successfully signed " + refs.get(4), lines.get(9));
    assertTrue(signed.err().contains("Error: 1 of 6 references not signed (0 failed, 1 errors)"), signed::toString);

    Cli.Result verified = ok(cli.run(prepend(refs, "verify")));
    assertEquals(5, verified.out().lines().filter(l -> l.startsWith("verified ")).count(), verified::toString);
    try (Target t = client.repository(registry.host(), "app")) {
      for (String ref : refs) {
        Descriptor d = t.resolve(ref.substring(ref.indexOf('@') + 1));
        assertEquals(1, t.referrers(d, MediaTypes.NOTARY_SIGNATURE).size(), "signed once: " + ref);
      }
    }
    // Positional references sign too; the single-reference output stays as it was.
    String one = image("one more");
    String two = image("and another");
    Cli.Result both = ok(cli.run("sign", one, two));
    assertEquals(4, both.out().lines().count(), both::toString);
    ok(cli.run("verify", "--concurrency", "1", one, two));
  }

  private String attach(String subject, String type, String name, String content) throws Exception {
    Cli.Result r = ok(cli.run("attach", "--artifact-type", type, subject, file(name, content).toString()));
    Matcher m = DIGEST.matcher(r.out());
    assertTrue(m.find(), r::toString);
    return repo + "@" + m.group(1);
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void artifactTypeVerifiesReferrersOfThatType(boolean referrersApi) throws Exception {
    start(referrersApi);
    String image = image("with referrers");
    ok(cli.run("sign", image));
    String sbom = attach(image, "application/spdx+json", "sbom.json", "{\"spdxVersion\":\"SPDX-2.3\"}");
    ok(cli.run("sign", sbom));
    String scan = attach(image, "application/sarif+json", "scan.sarif", "{\"runs\":[]}");

    Cli.Result pass = ok(cli.run("verify", "--artifact-type", "application/spdx+json", image));
    assertEquals(List.of("Successfully verified signature for " + image, "",
        "The artifact was signed with no user metadata.",
        "Successfully verified signature for referrer application/spdx+json " + sbom), pass.out().lines().toList());

    Cli.Result unsigned = cli.run("verify", "--artifact-type", "application/spdx+json", "--artifact-type",
        "application/sarif+json", image);
    assertEquals(1, unsigned.code(), unsigned::toString);
    assertTrue(unsigned.out().contains("referrer application/spdx+json " + sbom), unsigned::toString);
    assertTrue(unsigned.err().contains("Error: referrer application/sarif+json " + scan
        + ": no signature is associated with it"), unsigned::toString);

    Cli.Result none = cli.run("verify", "--artifact-type", "application/vnd.cyclonedx+json", image);
    assertEquals(1, none.code(), none::toString);
    assertTrue(none.err().contains("Error: no referrer of type application/vnd.cyclonedx+json is associated with "
        + image), none::toString);

    JsonNode doc = JSON.readTree(cli.run("verify", "-o", "json", "--artifact-type", "application/spdx+json",
        "--artifact-type", "application/sarif+json", "--artifact-type", "application/vnd.cyclonedx+json", image)
        .out());
    assertEquals("verified", doc.get("result").asText(), "the image's own result: " + doc);
    JsonNode referrers = doc.get("referrers");
    assertEquals(3, referrers.size(), doc::toPrettyString);
    assertEquals(sbom, referrers.get(0).get("reference").asText());
    assertEquals("verified", referrers.get(0).get("result").asText());
    assertEquals("application/sarif+json", referrers.get(1).get("artifactType").asText());
    assertEquals("no-signature", referrers.get(1).get("result").asText());
    assertEquals("failed", referrers.get(2).get("result").asText());
    assertTrue(referrers.get(2).get("error").asText().contains("no referrer of type"), doc::toPrettyString);
    assertFalse(JSON.readTree(ok(cli.run("verify", "-o", "json", image)).out()).has("referrers"),
        "no referrers field unless asked for");

    // In bulk mode: the image line says failed, each referrer has its own line under it.
    Cli.Result bulk = cli.run("verify", "--artifact-type", "application/sarif+json", image, sbom);
    assertEquals(1, bulk.code(), bulk::toString);
    List<String> lines = bulk.out().lines().toList();
    assertEquals(4, lines.size(), bulk::toString);
    assertTrue(lines.get(0).startsWith("failed " + image + ": "), bulk::toString);
    assertTrue(lines.get(0).endsWith("not every referrer of type application/sarif+json verified"), bulk::toString);
    assertTrue(lines.get(1).startsWith("  no-signature referrer application/sarif+json " + scan), bulk::toString);
    assertTrue(lines.get(2).startsWith("failed " + sbom + ": "), "the SBOM has no scan: " + bulk);
    assertEquals("  failed referrer application/sarif+json: no referrer of type application/sarif+json is associated"
        + " with " + sbom, lines.get(3));
  }

  @Test
  void artifactTypeUnderARequirementUsesItsReferrerRule() throws Exception {
    start(true);
    String image = image("required");
    ok(cli.run("sign", image));
    String sbom = attach(image, "application/spdx+json", "sbom.json", "{}");
    ok(cli.run("sign", "--key", "mallory", sbom));
    Files.writeString(cli.config.resolve("trustpolicy.nota.json"), """
        {"version": "1.0",
         "trustPolicies": [
           {"name": "alice", "signatureVerification": {"level": "strict"},
            "trustStores": ["ca:alice"], "trustedIdentities": ["*"]},
           {"name": "mallory", "signatureVerification": {"level": "strict"},
            "trustStores": ["ca:mallory"], "trustedIdentities": ["*"]}],
         "requirements": [
           {"registryScopes": ["*"], "allOf": ["alice"],
            "referrers": [{"artifactType": "application/spdx+json", "allOf": ["mallory"]}]}]}
        """);
    Cli.Result r = ok(cli.run("verify", "--artifact-type", "application/spdx+json", image));
    assertTrue(r.out().contains("Successfully verified every requirement for referrer application/spdx+json "
        + sbom), r::toString);
    // Verified directly, the SBOM must meet the image's requirement (alice, and an SBOM of its own): it does not.
    assertEquals(1, cli.run("verify", sbom).code());
  }

  @Test
  void badInputGetsOneLineErrors() throws Exception {
    start(true);
    String good = image("bad input");
    ok(cli.run("sign", good));
    oneLineError(cli.run("verify", "--from-file", home.resolve("absent").toString()), 2,
        "--from-file " + home.resolve("absent") + ": no such file");
    oneLineError(cli.run("verify", "--from-file", home.toString()), 2, "is a directory");
    oneLineError(cli.run("verify", "--from-file", file("empty", "# nothing\n\n").toString()), 2, "lists no reference");
    Files.write(home.resolve("latin1"), new byte[] {'a', (byte) 0xe9, '\n'});
    oneLineError(cli.run("verify", "--from-file", home.resolve("latin1").toString()), 2, "not UTF-8 text");
    oneLineError(cli.run("verify", "--concurrency", "0", good, good), 2, "--concurrency must be between 1 and 64");
    oneLineError(cli.run("verify", "--concurrency", "65", good), 2, "--concurrency must be between 1 and 64");
    oneLineError(cli.stdin("pw\n").run("verify", "-u", "me", "--password-stdin", "--from-file", "-"), 2,
        "--from-file - and --password-stdin both read standard input");
    oneLineError(cli.run("sign", "--key-password-stdin", "--from-file", "-"), 2,
        "--from-file - and --key-password-stdin both read standard input");
    oneLineError(cli.run("verify", "--oci-layout", "--scope", "local/x", "a@sha256:" + "0".repeat(64),
        "b@sha256:" + "0".repeat(64)), 2, "--oci-layout takes one reference");
    oneLineError(cli.run("verify", "--artifact-type", "not-a-type", good), 2, "invalid --artifact-type \"not-a-type\"");
    // credentials and --plain-http given on the command line never reach a second registry of the list
    String elsewhere = "127.0.0.1:1/app@sha256:" + "0".repeat(64);
    for (String[] flags : new String[][] {{"--plain-http"}, {"--insecure-registry"}, {"-u", "me", "--password-stdin"}}) {
      for (String command : List.of("verify", "sign")) {
        List<String> args = new java.util.ArrayList<>(List.of(command));
        args.addAll(List.of(flags));
        args.addAll(List.of(good, elsewhere));
        oneLineError(cli.stdin("pw\n").run(args.toArray(String[]::new)), 2, "--username/--password-stdin, "
            + "--plain-http and --insecure-registry apply to one registry, but the references name "
            + registry.host() + " and 127.0.0.1:1; run one command per registry");
      }
    }
    try (Target t = client.repository(registry.host(), "app")) {
      Descriptor d = t.resolve(good.substring(good.indexOf('@') + 1));
      assertEquals(1, t.referrers(d, MediaTypes.NOTARY_SIGNATURE).size(), "the refused sign signed nothing");
    }
    Cli.Result unknown = cli.run("verify", good, "--no-such-flag");
    assertEquals(2, unknown.code(), unknown::toString);
    assertTrue(unknown.err().startsWith("Error: Unknown option: '--no-such-flag'"), unknown::toString);
    Cli.Result none = cli.run("verify");
    assertEquals(2, none.code(), none::toString);
    assertTrue(none.err().startsWith("Error: Missing required parameter: 'REFERENCE'"), none::toString);
    assertTrue(ok(cli.run("verify", "--help")).out().contains("--from-file"));
    assertTrue(ok(cli.run("sign", "--help")).out().contains("--concurrency"));
  }
}
