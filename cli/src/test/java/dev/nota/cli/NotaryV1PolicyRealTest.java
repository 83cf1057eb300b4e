package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.core.tuf.NotaryFixtures;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code notaryV1} trust source over trust data made by Debian's real notary (notary-v1-fixtures.sh, the
 * "delegations" case). The fixture's tags pin payloads that are not valid manifests (no config), which no registry
 * or layout accepts, so the image under test is a real image the data does not pin: each tag resolves through the
 * source's roles as Docker resolves it and the mismatch names that role and the pin; expired and tampered v1 data
 * fail closed naming the role. {@link NotaryV1PolicyTest} covers passing images.
 */
@Tag("real")
class NotaryV1PolicyRealTest {
  @TempDir static Path fixtures;
  @TempDir Path home;
  private Cli cli;
  private Path layout;
  private JsonNode expected;
  private String gun;
  private Descriptor image;

  @BeforeAll
  static void generate() throws Exception {
    NotaryFixtures.generate(fixtures);
  }


  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    expected = NotaryFixtures.expected(fixtures, "delegations");
    gun = expected.get("gun").asText();
    layout = home.resolve("layout");
    try (Target t = LayoutTarget.open(layout)) {
      image = SampleImage.push(t, "v2.0", "not what v1 signed");
      t.pushManifest(MediaTypes.OCI_MANIFEST, t.fetchManifest("v2.0").bytes(), "alice-dev");
    }
  }

  private void policy(Path trustDir) throws Exception {
    policy(trustDir, "");
  }

  private void policy(Path trustDir, String roles) throws Exception {
    Files.createDirectories(cli.config);
    Files.writeString(cli.config.resolve("trustpolicy.nota.json"), "{\"version\":\"1.0\",\"trustPolicies\":["
        + "{\"name\":\"vendor\",\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:vendor\"],"
        + "\"trustedIdentities\":[\"*\"]}],\"notaryV1\":[{\"name\":\"legacy\",\"trustDir\":\"" + trustDir
        + "\",\"gun\":\"" + gun + "\"" + roles + "}],\"requirements\":[{\"registryScopes\":[\"local/app\"],"
        + "\"atLeast\":1,\"of\":[\"vendor\",\"legacy\"]}]}");
  }

  private Cli.Result verify(String ref, String at) {
    return cli.run("verify", "--oci-layout", "--scope", "local/app", layout + ref, "--at", at);
  }

  private String at(String which) {
    return expected.path("clock").path(which).asText();
  }

  private static void fails(Cli.Result r, String expected) {
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains(expected), () -> "expected \"" + expected + "\" in:\n" + r);
  }

  private String pin(String tag) {
    JsonNode t = expected.path("docker_view").path("tags").path(tag);
    return "sha256:" + t.path("sha256").asText() + " (" + t.path("size").asLong() + " bytes)";
  }

  @Test
  void aTagResolvesThroughTheRolesAsDockerDoesAndAMismatchNamesRoleAndPin() throws Exception {
    policy(fixtures.resolve("delegations/client-cache"));
    String valid = at("verify_at_valid");
    fails(verify(":v2.0", valid), "Notary v1 signature \"legacy\": targets/releases: tag \"v2.0\" of " + gun
        + " pins " + pin("v2.0") + ", the artifact is " + image.digest() + " (" + image.size() + " bytes)");
    fails(verify("@" + image.digest(), valid), "Notary v1 signature \"legacy\": no tag of " + gun
        + " signed in targets/releases, targets pins " + image.digest());
    // alice-dev is signed by targets/alice only: Docker's roles do not count it, a source naming that role does
    fails(verify(":alice-dev", valid), "no trusted signature for tag \"alice-dev\" in " + gun
        + " (looked in targets/releases, then targets)");
    policy(fixtures.resolve("delegations/client-cache"), ",\"roles\":[\"targets/alice\"]");
    fails(verify(":alice-dev", valid), "targets/alice: tag \"alice-dev\" of " + gun + " pins sha256:");
  }

  @Test
  void aRootCertificatePinThatIsNotTheRootKeyFailsClosed() throws Exception {
    policy(fixtures.resolve("delegations/client-cache"), ",\"rootCert\":\"" + fixtures.resolve("tls/ca.crt")
        + "\"");
    fails(verify(":v2.0", at("verify_at_valid")), "Notary v1 signature \"legacy\": the Notary v1 trust data of "
        + gun + " does not verify: root: no root key matches the pinned root certificate");
    policy(fixtures.resolve("delegations/client-cache"), ",\"rootCert\":\"" + home.resolve("missing.pem") + "\"");
    fails(verify(":v2.0", at("verify_at_valid")), "root: cannot read the pinned root certificate "
        + home.resolve("missing.pem") + " (rootCert)");
  }

  @Test
  void expiredOrTamperedRealV1DataFailsClosedNamingTheRole() throws Exception {
    policy(fixtures.resolve("delegations/client-cache"));
    fails(verify(":v2.0", at("verify_at_timestamp_expired")), "Notary v1 signature \"legacy\": the Notary v1"
        + " trust data of " + gun + " does not verify: timestamp: expired at ");
    Path copy = home.resolve("tampered");
    Path from = fixtures.resolve("delegations/client-cache");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path to = copy.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Path releases = copy.resolve("targets/releases.json");
    String text = Files.readString(releases);
    String length = "\"length\":" + expected.path("docker_view").path("tags").path("v2.0").path("size").asLong();
    assertTrue(text.contains(length), text);
    Files.writeString(releases, text.replace(length, length + "0"));
    policy(copy);
    fails(verify(":v2.0", at("verify_at_valid")), "does not verify: targets/releases: ");
  }
}
