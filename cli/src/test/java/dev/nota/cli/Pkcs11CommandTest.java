package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.core.x509.TestCertificates.KeySpec;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys on a PKCS#11 token (SoftHSM2): nota registers them, signs on the token and verifies the result, and refuses
 * bad input (module, token, PIN, key label, missing certificate) with one line, exit code 2 and nothing pushed.
 * nota runs in a process of its own (see {@link NotaProcess}); the registry runs in the test.
 */
class Pkcs11CommandTest {
  private static final String PIN = "1234";
  private static TestCertificates.Generated rsa;
  private static TestCertificates.Generated ec;
  private static TestCertificates.Generated ecOnToken;

  @TempDir Path home;
  private SoftHsmToken token;
  private NotaProcess nota;
  private Cli cli;
  private TestRegistry registry;
  private RegistryClient client;
  private Descriptor image;
  private String ref;

  @BeforeAll
  static void keys() {
    SoftHsmToken.module();
    rsa = TestCertificates.generate("hsm-rsa", KeySpec.RSA_3072, Duration.ofDays(2), Clock.systemUTC());
    ec = TestCertificates.generate("hsm-ec", KeySpec.EC_256, Duration.ofDays(2), Clock.systemUTC());
    ecOnToken = TestCertificates.generate("hsm-ec-token", KeySpec.EC_384, Duration.ofDays(2), Clock.systemUTC());
  }

  @BeforeEach
  void setUp() throws Exception {
    token = SoftHsmToken.create(home.resolve("hsm"), "nota-ci", PIN);
    token.importKey("rsa", 1, rsa.key());
    token.importCertificate("rsa", 1, rsa.chain().get(0));
    token.importCertificate("rsa-root", 0x11, rsa.root());
    token.importKey("ec", 2, ec.key()); // no certificate on the token
    token.importKey("ec-token", 3, ecOnToken.key());
    token.importCertificate("ec-token", 3, ecOnToken.chain().get(0));
    token.importCertificate("ec-token-root", 0x13, ecOnToken.root());
    Files.write(home.resolve("ec-chain.pem"), Certificates.toPem(ec.chain()));
    Map<String, String> env = new HashMap<>(token.env());
    env.put("HSM_PIN", PIN);
    env.put("WRONG_PIN", "9999");
    nota = new NotaProcess(home, env);
    cli = new Cli(home);
    registry = TestRegistry.builder().start();
    client = new RegistryClient(RegistryOptions.defaults());
    try (Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      image = SampleImage.push(target, "v1", "token signed");
    }
    ref = registry.host() + "/app@" + image.digest();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private String[] add(String name, String keyLabel, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("key", "add", name, "--pkcs11-module",
        SoftHsmToken.module().toString(), "--token-label", "nota-ci", "--key-label", keyLabel));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static void ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  private void trustAll() throws Exception {
    int i = 0;
    for (TestCertificates.Generated g : List.of(rsa, ec, ecOnToken)) {
      Path root = home.resolve("root" + i++ + ".crt");
      Files.write(root, Certificates.toPem(List.of(g.root())));
      ok(cli.run("cert", "add", "--type", "ca", "--store", "hsm", root.toString()));
    }
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", registry.host() + "/app", "--trust-store",
        "ca:hsm", "--trusted-identity", "*"));
  }

  private List<Descriptor> referrers() throws Exception {
    try (Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      return target.referrers(image, null);
    }
  }

  /** Exit 2, exactly one line on stderr containing {@code expected}, nothing on the registry. */
  private void refused(CliAccess.Result r, String expected) throws Exception {
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains(expected), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertEquals(List.of(), referrers());
  }

  @Test
  void signsOnTheTokenWithRsaPssAndEcdsaKeysAndVerifies() throws Exception {
    ok(nota.run("", add("hsm-rsa", "rsa", "--pin-env", "HSM_PIN", "--default")));
    ok(nota.run(PIN + "\n", add("hsm-ec", "ec", "--cert-chain", home.resolve("ec-chain.pem").toString(),
        "--pin-stdin")));
    ok(nota.run("", add("hsm-ec-token", "ec-token", "--pin-env", "HSM_PIN")));
    String json = Files.readString(home.resolve("config/signingkeys.json"));
    assertTrue(json.contains("\"keyPath\": \"pkcs11:token=nota-ci;object=rsa;type=private?module-path="), json);
    assertTrue(!json.contains(PIN), json);
    CliAccess.Result listed = nota.run("", "key", "ls");
    ok(listed);
    assertTrue(listed.out().contains("(on the token)"), listed::toString);
    trustAll();

    ok(nota.run("", "sign", "--pin-env", "HSM_PIN", ref));
    ok(nota.run(PIN + "\n", "sign", "--key", "hsm-ec", "--signature-format", "cose", "--pin-stdin", ref));
    ok(nota.run("", "sign", "--key", "hsm-ec-token", "--key-password-env", "HSM_PIN", ref));
    assertEquals(3, referrers().size());
    Cli.Result verified = cli.run("verify", "--output", "json", ref);
    ok(verified);
    for (String cn : List.of("CN=hsm-rsa,", "CN=hsm-ec,", "CN=hsm-ec-token,")) {
      assertTrue(verified.out().contains(cn), verified::toString);
    }
  }

  @Test
  void refusesAModuleThatDoesNotExist() throws Exception {
    CliAccess.Result r = nota.run("", "key", "add", "k", "--pkcs11-module", home.resolve("none.so").toString(),
        "--token-label", "nota-ci", "--key-label", "rsa", "--pin-env", "HSM_PIN");
    refused(r, "PKCS#11 module " + home.resolve("none.so") + " does not exist");
  }

  @Test
  void refusesAFileThatIsNotAPkcs11Module() throws Exception {
    Path notALibrary = Files.writeString(home.resolve("not-a-module.so"), "just text\n");
    CliAccess.Result r = nota.run("", "key", "add", "k", "--pkcs11-module", notALibrary.toString(),
        "--token-label", "nota-ci", "--key-label", "rsa", "--pin-env", "HSM_PIN");
    refused(r, "cannot load PKCS#11 module " + notALibrary);
  }

  @Test
  void refusesATokenLabelThatIsNotThere() throws Exception {
    CliAccess.Result r = nota.run("", "key", "add", "k", "--pkcs11-module", SoftHsmToken.module().toString(),
        "--token-label", "other", "--key-label", "rsa", "--pin-env", "HSM_PIN");
    refused(r, "no token labelled \"other\"");
  }

  @Test
  void refusesAWrongPinWhenAddingAndWhenSigning() throws Exception {
    refused(nota.run("", add("k", "rsa", "--pin-env", "WRONG_PIN")), "wrong PIN for token \"nota-ci\"");
    ok(nota.run("", add("k", "rsa", "--pin-env", "HSM_PIN")));
    refused(nota.run("", "sign", "--key", "k", "--pin-env", "WRONG_PIN", ref), "wrong PIN for token \"nota-ci\"");
    refused(nota.run("0000\n", "sign", "--key", "k", "--pin-stdin", ref), "wrong PIN");
  }

  @Test
  void refusesAKeyLabelThatIsNotThere() throws Exception {
    refused(nota.run("", add("k", "nope", "--pin-env", "HSM_PIN")),
        "no private key labelled \"nope\" on token \"nota-ci\"");
  }

  @Test
  void refusesAKeyWithoutCertificateWhenNoChainIsGiven() throws Exception {
    refused(nota.run("", add("k", "ec", "--pin-env", "HSM_PIN")),
        "key \"ec\" on token \"nota-ci\" has no certificate on the token; give its chain with --cert-chain");
  }

  @Test
  void refusesToSignWithoutAPinWhenThereIsNoTerminal() throws Exception {
    ok(nota.run("", add("k", "rsa", "--pin-env", "HSM_PIN")));
    refused(nota.run("", "sign", "--key", "k", ref), "no terminal to ask for it");
    refused(nota.run("", "sign", "--key", "k", "--pin-env", "UNSET_VARIABLE", ref),
        "environment variable UNSET_VARIABLE");
  }

  @Test
  void refusesToSignWhenTheTokenIsGone() throws Exception {
    ok(nota.run("", add("k", "rsa", "--pin-env", "HSM_PIN")));
    SoftHsmToken empty = SoftHsmToken.create(home.resolve("other-hsm"), "unrelated", PIN);
    Map<String, String> env = new HashMap<>(empty.env());
    env.put("HSM_PIN", PIN);
    NotaProcess elsewhere = new NotaProcess(home, env);
    refused(elsewhere.run("", "sign", "--key", "k", "--pin-env", "HSM_PIN", ref),
        "no token labelled \"nota-ci\" in PKCS#11 module");
  }

  @Test
  void refusesAKeyWhoseChainIsForAnotherKey() throws Exception {
    refused(nota.run("", add("k", "rsa", "--cert-chain", home.resolve("ec-chain.pem").toString(), "--pin-env",
        "HSM_PIN")), "does not match the certificate");
  }
}
