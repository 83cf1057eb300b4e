package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.core.tuf.StaticTufServer;
import dev.nota.core.tuf.TestRepo;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code notaryV1} trust source in {@code trustpolicy.nota.json} during a v1 to v2 migration: an image with only
 * its Notary v1 signature passes a requirement that accepts a v2 or a v1 signature, from a trust directory and from
 * a notary server; a digest the v1 data does not pin, and v1 data that is expired or tampered with, fail naming the
 * role and reason; {@code allOf} a v2 statement and a v1 source needs both. The v1 data is written in notary's
 * format by {@link TestRepo}; {@link NotaryV1PolicyRealTest} uses data made by the real notary.
 */
class NotaryV1PolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VENDOR = "{\"name\":\"vendor\",\"signatureVerification\":{\"level\":\"strict\"},"
      + "\"trustStores\":[\"ca:vendor\"],\"trustedIdentities\":[\"*\"]}";

  @TempDir Path home;
  private Cli cli;
  private TestRegistry registry;
  private RegistryClient client;
  private String gun;
  private Descriptor v1;
  private Descriptor v2;
  private Descriptor unsigned;
  private Path trust;
  private byte[] v1Manifest;

  @BeforeEach
  void start() throws Exception {
    cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "vendor"));
    registry = TestRegistry.builder().start();
    client = new RegistryClient(RegistryOptions.defaults());
    gun = registry.host() + "/app";
    try (Target target = client.repository(Reference.parse(gun))) {
      v1 = SampleImage.push(target, "v1", "signed with v1");
      v2 = SampleImage.push(target, "v2", "pushed over after v1 signing");
      unsigned = SampleImage.push(target, null, "never signed");
      v1Manifest = target.fetchManifest("v1").bytes();
    }
    trust = new TestRepo(gun, Instant.now())
        .target("v1", v1Manifest)
        .target("v2", "the manifest v1 signed for v2".getBytes(StandardCharsets.UTF_8))
        .publishAll().writeTo(home.resolve("trust"));
  }

  @AfterEach
  void stop() {
    client.close();
    registry.close();
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

  private void policy(String source, String rule) throws Exception {
    Files.createDirectories(cli.config);
    Files.writeString(cli.config.resolve("trustpolicy.nota.json"), "{\"version\":\"1.0\",\"trustPolicies\":["
        + VENDOR + "],\"notaryV1\":[" + source + "],\"requirements\":[{\"registryScopes\":[\"*\"]," + rule + "}]}");
  }

  private String trustDir() {
    return "{\"name\":\"legacy\",\"trustDir\":\"" + trust + "\"}";
  }

  private static final String EITHER = "\"atLeast\":1,\"of\":[\"vendor\",\"legacy\"]";

  @Test
  void aV1OnlySignedImagePassesThroughTheV1SourceByTagAndByDigest() throws Exception {
    policy(trustDir(), EITHER);
    Cli.Result r = ok(cli.run("verify", gun + ":v1"));
    assertTrue(r.out().contains("[ok]      Notary v1 signature \"legacy\": tag v1, role targets, gun " + gun),
        r::toString);
    assertTrue(r.out().contains("[missing] statement \"vendor\": the artifact has no signature"), r::toString);
    assertTrue(r.out().contains("Successfully verified every requirement for " + gun + "@" + v1.digest()),
        r::toString);

    JsonNode doc = JSON.readTree(ok(cli.run("verify", "-o", "json", gun + "@" + v1.digest())).out());
    assertEquals("verified", doc.get("result").asText(), doc::toPrettyString);
    JsonNode legacy = doc.get("requirements").get(0).get("statements").get(1);
    assertEquals("notaryV1", legacy.get("kind").asText(), doc::toPrettyString);
    assertEquals("legacy", legacy.get("name").asText());
    assertEquals(gun, legacy.get("notaryV1").get("gun").asText());
    assertEquals("v1", legacy.get("notaryV1").get("tag").asText());
    assertEquals("targets", legacy.get("notaryV1").get("role").asText());
    assertEquals(1, legacy.get("notaryV1").get("signers").size());
  }

  @Test
  void aDigestTheV1DataDoesNotPinFailsWithTheReason() throws Exception {
    policy(trustDir(), EITHER);
    fails(cli.run("verify", gun + ":v2"), "Notary v1 signature \"legacy\": targets: tag \"v2\" of " + gun
        + " pins sha256:", "the artifact is " + v2.digest() + " (" + v2.size() + " bytes)");
    fails(cli.run("verify", gun + "@" + unsigned.digest()), "Notary v1 signature \"legacy\": no tag of " + gun
        + " signed in targets/releases, targets pins " + unsigned.digest());
    // a tag the v1 data does not sign at all, and a role list that leaves out the role that signs v1
    try (Target target = client.repository(Reference.parse(gun))) {
      target.pushManifest(MediaTypes.OCI_MANIFEST, v1Manifest, "v9");
    }
    fails(cli.run("verify", gun + ":v9"), "no trusted signature for tag \"v9\" in " + gun
        + " (looked in targets/releases, then targets)");
    policy("{\"name\":\"legacy\",\"trustDir\":\"" + trust + "\",\"roles\":[\"targets/releases\"]}", EITHER);
    fails(cli.run("verify", gun + ":v1"), "no trusted signature for tag \"v1\" in " + gun
        + " (looked in targets/releases)");
  }

  @Test
  void expiredOrTamperedV1DataFailsClosedNamingTheRole() throws Exception {
    policy(trustDir(), EITHER);
    String later = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    fails(cli.run("verify", gun + ":v1", "--at", later), "Notary v1 signature \"legacy\": the Notary v1 trust data"
        + " of " + gun + " does not verify: timestamp: expired at ");
    Path targets = trust.resolve("targets.json");
    String text = Files.readString(targets);
    String length = "\"length\":" + v1.size();
    assertTrue(text.contains(length), text);
    Files.writeString(targets, text.replace(length, "\"length\":" + (v1.size() + 1)));
    fails(cli.run("verify", gun + ":v1"), "the Notary v1 trust data of " + gun + " does not verify: targets: ");
  }

  @Test
  void allOfAV2StatementAndTheV1SourceNeedsBoth() throws Exception {
    policy(trustDir(), "\"allOf\":[\"vendor\",\"legacy\"]");
    fails(cli.run("verify", gun + ":v1"), "statement \"vendor\": the artifact has no signature");
    ok(cli.run("sign", "--key", "vendor", gun + "@" + v1.digest()));
    Cli.Result r = ok(cli.run("verify", gun + ":v1"));
    assertTrue(r.out().contains("[ok]      statement \"vendor\": signature "), r::toString);
    assertTrue(r.out().contains("[ok]      Notary v1 signature \"legacy\": tag v1, role targets"), r::toString);
    // signed in v2 but not pinned in v1: the v1 half is missing
    ok(cli.run("sign", "--key", "vendor", gun + "@" + unsigned.digest()));
    fails(cli.run("verify", gun + "@" + unsigned.digest()), "Notary v1 signature \"legacy\": no tag of " + gun);
    // either one is enough under atLeast 1
    policy(trustDir(), EITHER);
    ok(cli.run("verify", gun + "@" + unsigned.digest()));
  }

  @Test
  void aNotaryServerSourceDerivesTheGunFromTheRepositoryAndCachesTheVerifiedData() throws Exception {
    try (StaticTufServer server = StaticTufServer.start(gun, trust)) {
      policy("{\"name\":\"legacy\",\"server\":\"" + server.uri() + "\"}", EITHER);
      Cli.Result r = ok(cli.run("verify", gun + ":v1"));
      assertTrue(r.out().contains("[ok]      Notary v1 signature \"legacy\": tag v1, role targets, gun " + gun),
          r::toString);
      assertTrue(server.requests().contains("GET /v2/" + gun + "/_trust/tuf/timestamp.json"),
          server.requests().toString());
    }
    assertTrue(Files.isRegularFile(cli.config.resolve("tuf").resolve(gun).resolve("metadata/targets.json")));
    Cli.Result shown = ok(cli.run("policy", "show", "--for", gun));
    assertTrue(shown.out().contains("legacy: Notary v1 signature, server http://"), shown::toString);
    assertFalse(shown.err().contains("Exception"), shown::toString);
  }

  @Test
  void promoteAcceptsAV1OnlySignedSourceThroughTheV1SourceAndRefusesADigestItDoesNotPin() throws Exception {
    policy(trustDir(), EITHER);
    String mirror = registry.host() + "/mirror";
    Cli.Result promoted = ok(cli.run("promote", "--key", "vendor", gun + ":v1", mirror + ":v1"));
    assertTrue(promoted.out().contains("Verified " + gun + "@" + v1.digest() + " at the source"), promoted::toString);
    // the mirror holds the v1-pinned manifest, now with the promoter's v2 signature, which the policy accepts
    ok(cli.run("verify", mirror + "@" + v1.digest()));

    Cli.Result refused = cli.run("promote", "--key", "vendor", gun + "@" + unsigned.digest(), mirror + ":u");
    assertEquals(1, refused.code(), refused::toString);
    assertTrue(refused.err().contains("Notary v1 signature \"legacy\""), refused::toString);
    assertTrue(refused.err().contains("nothing was copied"), refused::toString);
    try (Target target = client.repository(Reference.parse(mirror))) {
      assertFalse(target.tags().contains("u"), "nothing may reach the mirror");
      assertThrows(dev.nota.oci.NotFoundException.class, () -> target.resolve(unsigned.digest().toString()));
    }
  }
}
