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
 * Signing more than images: an SBOM and a scan report attached to an image, each signed by two signers, shown by
 * {@code discover}, verified, and signatures removed again with {@code signature delete}.
 */
class SupplyChainCommandTest {
  private static final Pattern DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private Cli cli;
  private TestRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void keys() {
    cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "alice"));
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "bob"));
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
    assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("Warning:")).count(), r::toString);
  }

  private String registryRepo(boolean referrersApi, boolean deletes) throws Exception {
    registry = TestRegistry.builder().referrersApi(referrersApi).deleteEnabled(deletes).start();
    client = new RegistryClient(RegistryOptions.defaults());
    return registry.host() + "/app";
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(home.resolve(name), content);
  }

  private String attach(String flagsRef, String type, String... files) {
    List<String> args = new ArrayList<>(List.of("attach"));
    if (flagsRef.startsWith("--oci-layout ")) {
      args.add("--oci-layout");
      flagsRef = flagsRef.substring("--oci-layout ".length());
    }
    args.addAll(List.of("--artifact-type", type, flagsRef));
    args.addAll(List.of(files));
    Cli.Result r = ok(cli.run(args.toArray(String[]::new)));
    Matcher m = DIGEST.matcher(r.out());
    assertTrue(m.find(), r::toString);
    return m.group(1);
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void sbomAndScanAttachedSignedByTwoAndShownAsATree(boolean referrersApi) throws Exception {
    String repo = registryRepo(referrersApi, true);
    Descriptor image;
    try (Target t = client.repository(registry.host(), "app")) {
      image = SampleImage.push(t, "v1", "supply chain");
    }
    String imageRef = repo + "@" + image.digest();
    String sbom = attach(imageRef, "application/spdx+json",
        file("sbom.spdx.json", "{\"spdxVersion\":\"SPDX-2.3\"}") + ":application/spdx+json");
    String scan = attach(imageRef, "application/sarif+json", file("scan.sarif", "{\"runs\":[]}").toString());
    for (String subject : List.of(imageRef, repo + "@" + sbom, repo + "@" + scan)) {
      ok(cli.run("sign", "--key", "alice", subject));
      ok(cli.run("sign", "--key", "bob", "--signature-format", "cose", subject));
    }

    Cli.Result tree = ok(cli.run("discover", imageRef));
    assertTrue(tree.out().contains("application/spdx+json"), tree::toString);
    assertTrue(tree.out().contains("application/sarif+json"), tree::toString);
    assertEquals(6, tree.out().lines().filter(l -> l.contains("(signer certificate sha256 ")).count(),
        tree::toString);

    JsonNode doc = JSON.readTree(ok(cli.run("discover", "-o", "json", imageRef)).out());
    assertEquals(4, doc.get("referrers").size(), doc::toPrettyString);
    for (JsonNode r : doc.get("referrers")) {
      if (!MediaTypes.NOTARY_SIGNATURE.equals(r.get("artifactType").asText())) {
        assertEquals(2, r.get("referrers").size(), "each attachment is signed twice: " + r.toPrettyString());
      }
    }
    JsonNode onlySboms = JSON.readTree(ok(cli.run("discover", "-o", "json", "--artifact-type",
        "application/spdx+json", imageRef)).out());
    assertEquals(1, onlySboms.get("referrers").size());
    assertEquals(sbom, onlySboms.get("referrers").get(0).get("digest").asText());

    ok(cli.run("policy", "init", "--name", "p", "--scope", repo, "--trust-store", "ca:alice", "--trust-store",
        "ca:bob", "--trusted-identity", "*"));
    ok(cli.run("verify", repo + "@" + sbom));
    ok(cli.run("verify", repo + "@" + scan));
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void deletingOneSignatureLeavesTheOthersVerifiable(boolean referrersApi) throws Exception {
    String repo = registryRepo(referrersApi, true);
    Descriptor image;
    try (Target t = client.repository(registry.host(), "app")) {
      image = SampleImage.push(t, "v1", "delete");
    }
    String ref = repo + "@" + image.digest();
    String aliceSig = ok(cli.run("sign", "--key", "alice", ref)).out().replaceAll("(?s).*@(sha256:[0-9a-f]{64}).*",
        "$1");
    ok(cli.run("sign", "--key", "bob", ref));
    ok(cli.run("policy", "init", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    ok(cli.run("verify", ref));

    Cli.Result deleted = ok(cli.run("signature", "delete", "--signature", aliceSig, ref));
    assertTrue(deleted.out().contains("Deleted signature " + aliceSig), deleted::toString);
    assertFalse(ok(cli.run("ls", ref)).out().contains(aliceSig));
    assertEquals(1, cli.run("verify", ref).code(), "alice's signature is gone, bob's is not trusted");
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", repo, "--trust-store", "ca:bob",
        "--trusted-identity", "*"));
    ok(cli.run("verify", ref));

    oneLineError(cli.run("signature", "delete", "--signature", aliceSig, ref), 1, "no signature " + aliceSig);
    String bobPrint = JSON.readTree(ok(cli.run("discover", "-o", "json", ref)).out())
        .get("referrers").get(0).get("signerThumbprint").asText();
    ok(cli.run("signature", "delete", "--signed-by", bobPrint.toUpperCase(), ref));
    assertTrue(ok(cli.run("ls", ref)).out().contains("has no associated signature"));
  }

  /**
   * A registry that indexes subjects only from the day it gained the Referrers API (or olareg after notation's tag
   * write) lists older signatures only in the referrers tag index: nota reads both sources and finds them.
   */
  @Test
  void aSignatureOnlyInTheTagIndexIsFoundWhenTheApiListsOnlyNewerOnes() throws Exception {
    String repo = registryRepo(true, true);
    Descriptor image;
    try (Target t = client.repository(registry.host(), "app")) {
      image = SampleImage.push(t, "v1", "older signature");
    }
    String ref = repo + "@" + image.digest();
    registry.faults().unindexedSubjects(true);
    String aliceSig = ok(cli.run("sign", "--key", "alice", ref)).out().replaceAll("(?s).*@(sha256:[0-9a-f]{64}).*",
        "$1");
    registry.faults().unindexedSubjects(false);
    String bobSig = ok(cli.run("sign", "--key", "bob", ref)).out().replaceAll("(?s).*@(sha256:[0-9a-f]{64}).*",
        "$1");

    java.net.http.HttpResponse<String> api = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + registry.host() + "/v2/app/referrers/"
            + image.digest())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertTrue(api.body().contains(bobSig) && !api.body().contains(aliceSig), "the API lists only bob's: "
        + api.body());
    ok(cli.run("policy", "init", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    ok(cli.run("verify", ref));
    Cli.Result listed = ok(cli.run("ls", ref));
    assertTrue(listed.out().contains(aliceSig) && listed.out().contains(bobSig), listed::toString);
  }

  @Test
  void aRegistryThatForbidsDeletesGetsAClearErrorAndKeepsTheSignature() throws Exception {
    String repo = registryRepo(false, false);
    Descriptor image;
    try (Target t = client.repository(registry.host(), "app")) {
      image = SampleImage.push(t, "v1", "no deletes");
    }
    String ref = repo + "@" + image.digest();
    String sig = ok(cli.run("sign", "--key", "alice", ref)).out().replaceAll("(?s).*@(sha256:[0-9a-f]{64}).*", "$1");

    oneLineError(cli.run("signature", "delete", "--signature", sig, ref), 3, "does not allow deleting manifests");
    assertTrue(ok(cli.run("ls", ref)).out().contains(sig), "the signature is still listed");
  }

  @Test
  void worksInAnOciLayoutToo() throws Exception {
    Path layout = home.resolve("layout");
    Descriptor image;
    try (LayoutTarget t = LayoutTarget.open(layout)) {
      image = SampleImage.push(t, "v1", "layout");
    }
    String ref = layout + "@" + image.digest();
    String sbom = attach("--oci-layout " + ref, "application/spdx+json", file("s.json", "{}").toString());
    ok(cli.run("sign", "--oci-layout", "--key", "alice", layout + "@" + sbom));
    JsonNode doc = JSON.readTree(ok(cli.run("discover", "--oci-layout", "-o", "json", ref)).out());
    assertEquals(sbom, doc.get("referrers").get(0).get("digest").asText());
    assertEquals(1, doc.get("referrers").get(0).get("referrers").size());

    // verify --artifact-type offline: the image and its signed SBOM pass; an unsigned scan fails
    ok(cli.run("sign", "--oci-layout", "--key", "alice", ref));
    ok(cli.run("policy", "init", "--force", "--name", "local", "--scope", "local/app", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    Cli.Result pass = ok(cli.run("verify", "--oci-layout", "--scope", "local/app", "--artifact-type",
        "application/spdx+json", ref));
    assertTrue(pass.out().contains("referrer application/spdx+json"), pass::toString);
    attach("--oci-layout " + ref, "application/sarif+json", file("scan.sarif", "{\"runs\":[]}").toString());
    Cli.Result scan = cli.run("verify", "--oci-layout", "--scope", "local/app", "--artifact-type",
        "application/sarif+json", ref);
    assertEquals(1, scan.code(), scan::toString);
    assertTrue(scan.err().contains("no signature is associated"), scan::toString);
  }

  @Test
  void badInputGetsOneLineErrorsAndPushesNothing() throws Exception {
    String repo = registryRepo(true, true);
    Descriptor image;
    try (Target t = client.repository(registry.host(), "app")) {
      image = SampleImage.push(t, "v1", "bad input");
    }
    String ref = repo + "@" + image.digest();
    Path sbom = file("sbom.json", "{}");
    oneLineError(cli.run("attach", "--artifact-type", "application/spdx+json", ref, home.resolve("absent").toString()),
        2, "does not exist");
    oneLineError(cli.run("attach", "--artifact-type", "not-a-type", ref, sbom.toString()), 2,
        "invalid --artifact-type \"not-a-type\"");
    oneLineError(cli.run("attach", "--artifact-type", "application/spdx+json", repo + ":missing", sbom.toString()),
        3, "missing");
    oneLineError(cli.run("attach", "--artifact-type", "application/spdx+json", "Not A Ref", sbom.toString()), 2, "");
    oneLineError(cli.run("signature", "delete", "--signature", "sha256:nothex", ref), 2, "--signature:");
    oneLineError(cli.run("signature", "delete", "--signed-by", "abc", ref), 2, "64 hex characters");
    try (Target t = client.repository(registry.host(), "app")) {
      assertEquals(List.of(), t.referrers(image, null), "nothing was attached");
    }
  }
}
