package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration commands (cert, key, policy) and the signature manifest forms, in-process. */
class ConfigCommandsTest {
  @TempDir Path home;

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  @Test
  void certAddListShowDelete() throws Exception {
    Cli cli = new Cli(home);
    TestCertificates.Generated g =
        TestCertificates.generate("acme", TestCertificates.KeySpec.EC_256, Duration.ofDays(1), Clock.systemUTC());
    Path root = Files.write(home.resolve("acme-root.pem"), Certificates.toPem(List.of(g.chain().get(1))));

    ok(cli.run("cert", "add", "--type", "ca", "--store", "acme", root.toString()));
    assertTrue(Files.exists(cli.config.resolve("truststore/x509/ca/acme/acme-root.pem")));
    Cli.Result again = cli.run("cert", "add", "-t", "ca", "-s", "acme", root.toString());
    assertEquals(2, again.code(), again::toString);

    Cli.Result list = cli.run("cert", "ls");
    ok(list);
    assertTrue(list.out().contains("ca/acme/acme-root.pem"), list::toString);
    Cli.Result show = cli.run("cert", "show", "-t", "ca", "-s", "acme", "acme-root.pem");
    ok(show);
    assertTrue(show.out().contains("SHA256 Thumbprint: " + Certificates.sha256Thumbprint(g.chain().get(1))));

    Path garbage = Files.writeString(home.resolve("garbage.pem"), "nope");
    Cli.Result bad = cli.run("cert", "add", "-t", "ca", "-s", "acme", garbage.toString());
    assertEquals(2, bad.code(), bad::toString);
    assertFalse(Files.exists(cli.config.resolve("truststore/x509/ca/acme/garbage.pem")));
    Cli.Result badType = cli.run("cert", "add", "-t", "nope", "-s", "acme", root.toString());
    assertEquals(2, badType.code(), badType::toString);
    Cli.Result traversal = cli.run("cert", "show", "-t", "ca", "-s", "acme", "../../../../signingkeys.json");
    assertEquals(2, traversal.code(), traversal::toString);

    ok(cli.run("cert", "delete", "-t", "ca", "-s", "acme", "-y", "acme-root.pem"));
    assertFalse(Files.exists(cli.config.resolve("truststore/x509/ca/acme/acme-root.pem")));
  }

  @Test
  void keyAddListUpdateDelete() throws Exception {
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "alice"));
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "bob"));
    Path key = cli.config.resolve("localkeys/bob.key");
    Path cert = cli.config.resolve("localkeys/bob.crt");
    ok(cli.run("key", "add", "bob2", "--key", key.toString(), "--cert", cert.toString()));
    ok(cli.run("key", "update", "--default", "bob2"));
    Cli.Result list = cli.run("key", "ls");
    ok(list);
    assertTrue(list.out().contains("* bob2"), list::toString);
    assertTrue(list.out().contains("alice"), list::toString);
    ok(cli.run("key", "delete", "bob2"));
    Cli.Result missing = cli.run("key", "delete", "bob2");
    assertEquals(2, missing.code(), missing::toString);
    Cli.Result dup = cli.run("cert", "generate-test", "alice");
    assertEquals(2, dup.code(), dup::toString);
  }

  @Test
  void policyImportValidatesAndShowPrints() throws Exception {
    Cli cli = new Cli(home);
    Path bad = Files.writeString(home.resolve("bad.json"),
        "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"a\",\"registryScopes\":[\"*\"],"
            + "\"signatureVerification\":{\"level\":\"strict\"}}]}");
    Cli.Result rejected = cli.run("policy", "import", bad.toString());
    assertEquals(2, rejected.code(), rejected::toString);
    assertTrue(rejected.err().contains("trust stores or trusted identities"), rejected::toString);
    assertFalse(Files.exists(cli.config.resolve("trustpolicy.json")));

    Path good = Files.writeString(home.resolve("good.json"),
        "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"a\",\"registryScopes\":[\"*\"],"
            + "\"signatureVerification\":{\"level\":\"skip\"}}]}");
    ok(cli.run("policy", "import", good.toString()));
    Cli.Result again = cli.run("policy", "import", good.toString());
    assertEquals(2, again.code(), again::toString);
    ok(cli.run("policy", "import", "--force", good.toString()));
    Cli.Result show = cli.run("policy", "show");
    ok(show);
    assertTrue(show.out().contains("\"skip\""), show::toString);
  }

  @Test
  void legacySignatureManifestFormIsWrittenOnRequestAndBothFormsVerify() throws Exception {
    Path layout = home.resolve("layout");
    Descriptor image;
    try (Target target = LayoutTarget.open(layout)) {
      image = SampleImage.push(target, "v1", "forms");
    }
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    ok(cli.run("policy", "init", "--name", "p", "--scope", "local/app", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    ok(cli.run("sign", "--oci-layout", "--signature-manifest", "legacy", layout + "@" + image.digest()));
    try (Target target = LayoutTarget.open(layout)) {
      Descriptor sig = target.referrers(image, MediaTypes.NOTARY_SIGNATURE).get(0);
      Manifest m = OciJson.parseManifest(target.fetchManifest(sig.digest().toString()).bytes());
      assertEquals(MediaTypes.NOTARY_SIGNATURE, m.config().mediaType());
      assertEquals(null, m.artifactType());
    }
    ok(cli.run("verify", "--oci-layout", "--scope", "local/app", layout + "@" + image.digest()));
    ok(cli.run("sign", "--oci-layout", layout + "@" + image.digest()));
    Cli.Result json = cli.run("verify", "--oci-layout", "--scope", "local/app", "-o", "json",
        layout + "@" + image.digest());
    ok(json);
    assertEquals(2, json.out().split("\"signatureEnvelopeType\"").length - 1, json::toString);
    Cli.Result inspect = cli.run("inspect", "--oci-layout", "-o", "json", layout + "@" + image.digest());
    ok(inspect);
    assertTrue(inspect.out().contains("\"signingScheme\" : \"notary.x509\""), inspect::toString);
  }

  @Test
  void versionHelpAndCompletionWork() {
    Cli cli = new Cli(home);
    Cli.Result version = cli.run("--version");
    ok(version);
    assertTrue(version.out().startsWith("nota "), version::toString);
    Cli.Result help = cli.run("--help");
    ok(help);
    assertTrue(help.out().contains("Exit codes"), help::toString);
    Cli.Result completion = cli.run("generate-completion");
    ok(completion);
    assertTrue(completion.out().contains("complete -F"), completion::toString);
    Cli.Result unknown = cli.run("frobnicate");
    assertEquals(2, unknown.code(), unknown::toString);
  }
}
