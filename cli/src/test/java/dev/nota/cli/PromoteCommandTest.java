package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nota promote}: verify at the vendor, copy with both vendor signatures, add the organisation's, verify. */
class PromoteCommandTest {
  @TempDir Path home;
  private Cli cli;
  private TestRegistry vendor;
  private TestRegistry mirror;
  private RegistryClient client;
  private Descriptor image;

  @BeforeEach
  void setUp() throws Exception {
    vendor = TestRegistry.builder().referrersApi(true).start();
    mirror = TestRegistry.builder().referrersApi(false).start();
    client = new RegistryClient(RegistryOptions.defaults());
    try (Target t = client.repository(vendor.host(), "vendor/app")) {
      image = SampleImage.push(t, "v1", "to promote");
    }
    cli = new Cli(home);
    for (String k : new String[] {"alice", "bob", "carol", "mallory"}) {
      ok(cli.run("cert", "generate-test", "--key-type", "ec-256", k));
    }
    Files.writeString(cli.config.resolve("trustpolicy.json"), """
        {"version":"1.0","trustPolicies":[
          {"name":"vendor","registryScopes":["%s/vendor/app"],"signatureVerification":{"level":"strict"},
           "trustStores":["ca:alice"],"trustedIdentities":["*"]},
          {"name":"org","registryScopes":["%s/team/app"],"signatureVerification":{"level":"strict"},
           "trustStores":["ca:carol"],"trustedIdentities":["*"]}]}
        """.formatted(vendor.host(), mirror.host()));
  }

  @AfterEach
  void stop() {
    client.close();
    vendor.close();
    mirror.close();
  }

  @Test
  void verifiesCopiesSignsAndVerifiesAgain() throws Exception {
    String src = vendor.host() + "/vendor/app@" + image.digest();
    ok(cli.run("sign", "--key", "alice", src));
    ok(cli.run("sign", "--key", "bob", src));

    Cli.Result promoted = ok(cli.run("promote", "--key", "carol", vendor.host() + "/vendor/app:v1",
        mirror.host() + "/team/app"));
    assertTrue(promoted.out().contains("Verified " + src + " at the source (trust policy \"vendor\")"),
        promoted::toString);
    assertTrue(promoted.out().contains("at the destination (trust policy \"org\")"), promoted::toString);

    String dest = mirror.host() + "/team/app@" + image.digest();
    Cli.Result listed = ok(cli.run("ls", dest));
    assertEquals(3, listed.out().lines().filter(l -> l.contains("sha256:") && l.contains("──")).count(),
        listed::toString);
    try (Target t = client.repository(mirror.host(), "team/app")) {
      assertEquals(image.digest(), t.resolve("v1").digest(), "tagged like the source, after signing");
    }
    // Downstream can require both: the vendor's signatures came along.
    Files.writeString(cli.config.resolve("trustpolicy.json"), """
        {"version":"1.0","trustPolicies":[{"name":"downstream","registryScopes":["%s/team/app"],
          "signatureVerification":{"level":"strict"},"trustStores":["ca:bob"],"trustedIdentities":["*"]}]}
        """.formatted(mirror.host()));
    ok(cli.run("verify", dest));
  }

  @Test
  void refusesAndCopiesNothingWhenTheSourceDoesNotVerify() throws Exception {
    ok(cli.run("sign", "--key", "mallory", vendor.host() + "/vendor/app@" + image.digest()));

    Cli.Result r = cli.run("promote", "--key", "carol", vendor.host() + "/vendor/app:v1",
        mirror.host() + "/team/app");

    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("does not verify at the source under trust policy \"vendor\""), r::toString);
    assertTrue(r.err().contains("nothing was copied"), r::toString);
    try (Target t = client.repository(mirror.host(), "team/app")) {
      assertThrows(NotFoundException.class, t::tags, "nothing reached the destination");
    }
  }

  @Test
  void theRequirementsOfTrustpolicyNotaJsonMustHoldAtTheSource() throws Exception {
    String src = vendor.host() + "/vendor/app@" + image.digest();
    ok(cli.run("sign", "--key", "alice", src));
    Files.writeString(cli.config.resolve("trustpolicy.nota.json"), """
        {"version":"1.0",
         "trustPolicies":[
           {"name":"vendor","signatureVerification":{"level":"strict"},"trustStores":["ca:alice"],
            "trustedIdentities":["*"]},
           {"name":"scanner","signatureVerification":{"level":"strict"},"trustStores":["ca:bob"],
            "trustedIdentities":["*"]}],
         "requirements":[{"registryScopes":["%s/vendor/app"],"allOf":["vendor"],
           "referrers":[{"artifactType":"application/sarif+json","allOf":["scanner"]}]}]}
        """.formatted(vendor.host()));

    Cli.Result refused = cli.run("promote", "--key", "carol", vendor.host() + "/vendor/app:v1",
        mirror.host() + "/team/app");
    assertEquals(1, refused.code(), refused::toString);
    assertTrue(refused.err().contains("does not meet the requirements of trustpolicy.nota.json"), refused::toString);
    assertTrue(refused.err().contains("application/sarif+json"), refused::toString);

    Path scan = Files.writeString(home.resolve("scan.sarif"), "{\"runs\":[]}");
    String scanDigest = ok(cli.run("attach", "--artifact-type", "application/sarif+json", src, scan.toString()))
        .out().replaceAll("(?s).*Digest: (sha256:[0-9a-f]{64}).*", "$1");
    ok(cli.run("sign", "--key", "bob", vendor.host() + "/vendor/app@" + scanDigest));
    Cli.Result promoted = ok(cli.run("promote", "--key", "carol", vendor.host() + "/vendor/app:v1",
        mirror.host() + "/team/app"));
    assertTrue(promoted.out().contains("at the source (requirements of trustpolicy.nota.json)"), promoted::toString);
  }

  @Test
  void requireAddsStatementsOfTrustpolicyNotaJsonAtTheSource() throws Exception {
    String src = vendor.host() + "/vendor/app@" + image.digest();
    ok(cli.run("sign", "--key", "alice", src));
    Files.writeString(cli.config.resolve("trustpolicy.nota.json"), """
        {"version":"1.0",
         "trustPolicies":[
           {"name":"vendor","signatureVerification":{"level":"strict"},"trustStores":["ca:alice"],
            "trustedIdentities":["*"]},
           {"name":"qa","signatureVerification":{"level":"strict"},"trustStores":["ca:bob"],
            "trustedIdentities":["*"]}],
         "requirements":[{"registryScopes":["example.com/elsewhere"],"allOf":["qa"]}]}
        """);
    String from = vendor.host() + "/vendor/app:v1";
    String to = mirror.host() + "/team/app";

    Cli.Result refused = cli.run("promote", "--key", "carol", "--require", "vendor,qa", from, to);
    assertEquals(1, refused.code(), refused::toString);
    assertTrue(refused.err().contains("does not meet --require vendor,qa at the source"), refused::toString);
    assertTrue(refused.err().contains("qa"), refused::toString);
    try (Target t = client.repository(mirror.host(), "team/app")) {
      assertThrows(NotFoundException.class, t::tags, "nothing copied: the repository does not even exist");
    }
    Cli.Result unknown = cli.run("promote", "--key", "carol", "--require", "nobody", from, to);
    assertEquals(2, unknown.code(), unknown::toString);
    assertEquals("Error: --require nobody: trustpolicy.nota.json has no statement or Notary v1 source of that name",
        unknown.err().strip(), unknown::toString);

    ok(cli.run("sign", "--key", "bob", src));
    Cli.Result promoted = ok(cli.run("promote", "--key", "carol", "--require", "vendor", "--require", "qa", from, to));
    assertTrue(promoted.out().contains("at the source (--require vendor,qa)"), promoted::toString);
  }

  @Test
  void aMissingKeyFailsBeforeAnythingIsRead() throws Exception {
    int before = vendor.requestLog().size();
    Cli.Result r = cli.run("promote", "--key", "nobody", vendor.host() + "/vendor/app:v1",
        mirror.host() + "/team/app");
    assertEquals(2, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertEquals(before, vendor.requestLog().size(), "no registry request");
  }

  @Test
  void promotesIntoAnOciLayoutForAnAirGap() throws Exception {
    ok(cli.run("sign", "--key", "alice", vendor.host() + "/vendor/app@" + image.digest()));
    Path tar = home.resolve("site.tar");
    Cli.Result r = ok(cli.run("promote", "--key", "carol", "--to-oci-layout", "--to-scope", "local/site",
        vendor.host() + "/vendor/app:v1", tar.toString()));
    assertTrue(r.err().contains("no trust policy applies to local/site"), r::toString);
    Files.writeString(cli.config.resolve("trustpolicy.json"), """
        {"version":"1.0","trustPolicies":[{"name":"site","registryScopes":["local/site"],
          "signatureVerification":{"level":"strict"},"trustStores":["ca:carol"],"trustedIdentities":["*"]}]}
        """);
    ok(cli.run("verify", "--oci-layout", "--scope", "local/site", tar + ":v1"));
    assertTrue(new ObjectMapper().readTree(ok(cli.run("discover", "--oci-layout", "-o", "json", tar + ":v1")).out())
        .get("referrers").size() == 2);
  }
}
