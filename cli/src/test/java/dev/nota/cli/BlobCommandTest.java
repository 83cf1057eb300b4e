package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code nota blob}: detached file signatures and the blob trust policy, end to end through the CLI. */
class BlobCommandTest {
  @TempDir Path home;
  private Cli cli;
  private Path sbom;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    sbom = Files.writeString(home.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"app\"}");
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    ok(cli.run("cert", "generate-test", "bob"));
  }

  private static void oneLineError(Cli.Result r, int code, String expected) {
    assertEquals(code, r.code(), r::toString);
    assertTrue(r.err().startsWith("Error: "), r::toString);
    assertTrue(r.err().contains(expected), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jws", "cose"})
  void signsAFileBesideItAndVerifiesItUnderTheGlobalBlobPolicy(String format) throws Exception {
    ok(cli.run("blob", "policy", "init", "--name", "files", "--global", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    Cli.Result signed = ok(cli.run("blob", "sign", "--signature-format", format, "--media-type",
        "application/spdx+json", "-m", "build=42", sbom.toString()));
    Path sig = home.resolve("sbom.spdx.json." + format + ".sig");
    assertTrue(signed.out().contains("Signature file written to " + sig), signed::toString);
    assertTrue(Files.isRegularFile(sig));

    Cli.Result verified = ok(cli.run("blob", "verify", "--signature", sig.toString(), "-m", "build=42",
        sbom.toString()));
    assertTrue(verified.out().contains("Successfully verified signature " + sig), verified::toString);
    ok(cli.run("blob", "verify", "-s", sig.toString(), "--media-type", "application/spdx+json", sbom.toString()));

    Cli.Result inspected = ok(cli.run("blob", "inspect", "-o", "json", sig.toString()));
    assertTrue(inspected.out().contains("\"mediaType\" : \"application/spdx+json\""), inspected::toString);
    assertTrue(inspected.out().contains("\"build\" : \"42\""), inspected::toString);
  }

  @Test
  void oneChangedByteFailsVerificationWithExitCode1() throws Exception {
    ok(cli.run("blob", "policy", "init", "--name", "files", "--global", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    ok(cli.run("blob", "sign", sbom.toString()));
    Files.writeString(sbom, Files.readString(sbom).replace("app", "apq"));
    Cli.Result r = cli.run("blob", "verify", "-s", home.resolve("sbom.spdx.json.jws.sig").toString(),
        sbom.toString());
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("the signature is for sha384:"), r::toString); // RSA-3072 default key
  }

  @Test
  void namedPoliciesSelectTheirTrustStore() throws Exception {
    Files.writeString(home.resolve("policy.json"), """
        {"version":"1.0","trustPolicies":[
          {"name":"alice-only","signatureVerification":{"level":"strict"},
           "trustStores":["ca:alice"],"trustedIdentities":["*"]},
          {"name":"bob-only","signatureVerification":{"level":"strict"},
           "trustStores":["ca:bob"],"trustedIdentities":["*"]}]}
        """);
    ok(cli.run("blob", "policy", "import", home.resolve("policy.json").toString()));
    ok(cli.run("blob", "sign", "--key", "bob", sbom.toString()));
    String sig = home.resolve("sbom.spdx.json.jws.sig").toString();

    ok(cli.run("blob", "verify", "--policy-name", "bob-only", "-s", sig, sbom.toString()));
    Cli.Result alice = cli.run("blob", "verify", "--policy-name", "alice-only", "-s", sig, sbom.toString());
    assertEquals(1, alice.code(), alice::toString);
    oneLineError(cli.run("blob", "verify", "-s", sig, sbom.toString()), 2, "no global blob trust policy");
    oneLineError(cli.run("blob", "verify", "--policy-name", "carol", "-s", sig, sbom.toString()), 2,
        "no applicable blob trust policy with name \"carol\"");
  }

  @Test
  void badInputGetsOneLineErrorsAndWritesNothing() throws Exception {
    oneLineError(cli.run("blob", "sign", home.resolve("absent").toString()), 2, "does not exist");
    oneLineError(cli.run("blob", "sign", "--media-type", "no type", sbom.toString()), 2,
        "invalid media type \"no type\"");
    oneLineError(cli.run("blob", "sign", "--signature-format", "pgp", sbom.toString()), 2,
        "--signature-format must be jws or cose");
    oneLineError(cli.run("blob", "sign", "--signature-directory", home.resolve("nodir").toString(),
        sbom.toString()), 2, "does not exist");
    try (var files = Files.list(home)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".sig")), "no signature file written");
    }
    ok(cli.run("blob", "sign", sbom.toString()));
    oneLineError(cli.run("blob", "sign", sbom.toString()), 2, "already exists; use --force");
    ok(cli.run("blob", "sign", "--force", sbom.toString()));

    Path garbage = Files.writeString(home.resolve("x.jws.sig"), "not an envelope");
    ok(cli.run("blob", "policy", "init", "--name", "g", "--global", "--trust-store", "ca:alice",
        "--trusted-identity", "*"));
    Cli.Result r = cli.run("blob", "verify", "-s", garbage.toString(), sbom.toString());
    assertEquals(1, r.code(), r::toString);
    oneLineError(cli.run("blob", "verify", "-s", home.resolve("x.sig").toString(), sbom.toString()), 2,
        "must be named <file>.jws.sig or <file>.cose.sig");
    oneLineError(cli.run("blob", "inspect", garbage.toString()), 2, "");
    oneLineError(cli.run("blob", "policy", "import", home.resolve("absent.json").toString()), 2, "does not exist");
  }
}
