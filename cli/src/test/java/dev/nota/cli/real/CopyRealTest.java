package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nota copy} between the testregistry (Referrers API) and Debian's distribution 2.8 (tag schema only), both
 * ways: an image signed by two signers with a signed SBOM arrives whole and verifies for each signer.
 */
@Tag("real")
class CopyRealTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  @Test
  void copiesWithEverySignatureToDistributionAndBack() throws Exception {
    try (TestRegistry vendor = TestRegistry.builder().referrersApi(true).start();
        Distribution mirror = Distribution.start(Files.createDirectories(home.resolve("distribution")));
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      Descriptor image;
      try (Target t = client.repository(vendor.host(), "vendor/app")) {
        image = CliAccess.pushSampleImage(t, "v1", "copied to distribution");
      }
      CliAccess nota = new CliAccess(home);
      ok(nota.run("cert", "generate-test", "--key-type", "ec-256", "alice"));
      ok(nota.run("cert", "generate-test", "--key-type", "ec-256", "bob"));
      String src = vendor.host() + "/vendor/app@" + image.digest();
      ok(nota.run("sign", "--key", "alice", src));
      ok(nota.run("sign", "--key", "bob", "--signature-format", "cose", src));
      Path sbomFile = Files.writeString(home.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
      String sbom = ok(nota.run("attach", "--artifact-type", "application/spdx+json", src, sbomFile.toString()))
          .out().replaceAll("(?s).*Digest: (sha256:[0-9a-f]{64}).*", "$1");
      ok(nota.run("sign", "--key", "alice", vendor.host() + "/vendor/app@" + sbom));

      ok(nota.run("copy", vendor.host() + "/vendor/app:v1", mirror.host() + "/team/app"));
      ok(nota.run("copy", mirror.host() + "/team/app:v1", vendor.host() + "/back/app"));

      for (String repo : new String[] {mirror.host() + "/team/app", vendor.host() + "/back/app"}) {
        JsonNode tree = JSON.readTree(ok(nota.run("discover", "-o", "json", repo + "@" + image.digest())).out());
        assertEquals(3, tree.get("referrers").size(), tree::toPrettyString);
        for (String store : new String[] {"alice", "bob"}) {
          ok(nota.run("policy", "init", "--force", "--name", "p", "--scope", repo, "--trust-store", "ca:" + store,
              "--trusted-identity", "*"));
          CliAccess.Result v = ok(nota.run("verify", repo + "@" + image.digest()));
          assertTrue(v.out().contains("Successfully verified"), v::toString);
        }
        ok(nota.run("policy", "init", "--force", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
            "--trusted-identity", "*"));
        ok(nota.run("verify", repo + "@" + sbom));
      }
    }
  }
}
