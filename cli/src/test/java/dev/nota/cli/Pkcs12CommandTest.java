package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nota key add --pkcs12}: register a PKCS#12 bundle, sign with it (password asked again), refuse bad input. */
class Pkcs12CommandTest {
  private static final String PASSWORD = "bundle password";
  private static TestCertificates.Generated rsa;
  private static TestCertificates.Generated ec;

  @TempDir Path home;
  private Cli cli;
  private TestRegistry registry;
  private RegistryClient client;
  private Descriptor image;
  private String ref;

  @BeforeAll
  static void keys() {
    rsa = TestCertificates.generate("p12-rsa", KeySpec.RSA_2048, Duration.ofDays(2), Clock.systemUTC());
    ec = TestCertificates.generate("p12-ec", KeySpec.EC_384, Duration.ofDays(2), Clock.systemUTC());
  }

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    registry = TestRegistry.builder().start();
    client = new RegistryClient(RegistryOptions.defaults());
    try (Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      image = SampleImage.push(target, "v1", "p12 signed");
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

  private Path bundle(String name, TestCertificates.Generated... keys) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (TestCertificates.Generated g : keys) {
      store.setKeyEntry("key" + i++, g.key(), PASSWORD.toCharArray(), g.chain().toArray(Certificate[]::new));
    }
    Path p12 = home.resolve(name + ".p12");
    try (OutputStream out = Files.newOutputStream(p12)) {
      store.store(out, PASSWORD.toCharArray());
    }
    return p12;
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  private List<Descriptor> referrers() throws Exception {
    try (Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      return target.referrers(image, null);
    }
  }

  private void refused(Cli.Result r, String expected) throws Exception {
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains(expected), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertEquals(List.of(), referrers());
  }

  @Test
  void signsWithABundleWhosePasswordIsGivenAgainAtSigningAndVerifies() throws Exception {
    Path p12 = bundle("release", rsa, ec);
    ok(cli.stdin(PASSWORD + "\n").run("key", "add", "release", "--pkcs12", p12.toString(), "--alias", "key1",
        "--password-stdin", "--default"));
    String json = Files.readString(cli.config.resolve("signingkeys.json"));
    assertFalse(json.contains(PASSWORD), json);
    assertTrue(json.contains("\"pkcs12Alias\": \"key1\""), json);
    Path root = home.resolve("root.crt");
    Files.write(root, Certificates.toPem(List.of(ec.root())));
    ok(cli.run("cert", "add", "--type", "ca", "--store", "p12", root.toString()));
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", registry.host() + "/app", "--trust-store",
        "ca:p12", "--trusted-identity", "*"));

    ok(cli.stdin(PASSWORD + "\n").run("sign", "--key-password-stdin", ref));
    Cli.Result verified = cli.run("verify", ref);
    ok(verified);
    assertEquals(1, referrers().size());
  }

  @Test
  void refusesAWrongPasswordWhenAddingAndWhenSigningAndPushesNothing() throws Exception {
    Path p12 = bundle("release", rsa);
    refused(cli.stdin("wrong\n").run("key", "add", "k", "--pkcs12", p12.toString(), "--password-stdin"),
        "wrong password for PKCS#12 file " + p12);
    assertFalse(Files.exists(cli.config.resolve("signingkeys.json")));
    ok(cli.stdin(PASSWORD + "\n").run("key", "add", "k", "--pkcs12", p12.toString(), "--password-stdin"));
    refused(cli.stdin("wrong\n").run("sign", "--key", "k", "--key-password-stdin", ref), "wrong password");
    refused(cli.stdin("").run("sign", "--key", "k", ref), "no terminal to ask for it");
  }

  @Test
  void takesThePasswordFromAnEnvironmentVariableTheUserNames() throws Exception {
    Path p12 = bundle("release", ec);
    NotaProcess process = new NotaProcess(home, java.util.Map.of("MY_P12_PASSWORD", PASSWORD));
    CliAccess.Result added = process.run("", "key", "add", "k", "--pkcs12", p12.toString(), "--password-env",
        "MY_P12_PASSWORD");
    assertEquals(0, added.code(), added::toString);
    CliAccess.Result unset = process.run("", "key", "add", "k2", "--pkcs12", p12.toString(), "--password-env",
        "OTHER");
    assertEquals(2, unset.code(), unset::toString);
    assertTrue(unset.err().contains("environment variable OTHER (named for the password of PKCS#12 file "),
        unset::toString);
  }

  @Test
  void refusesAMissingFileAndABundleWithSeveralKeysButNoAlias() throws Exception {
    refused(cli.stdin(PASSWORD + "\n").run("key", "add", "k", "--pkcs12", home.resolve("none.p12").toString(),
        "--password-stdin"), "PKCS#12 file " + home.resolve("none.p12") + " does not exist");
    Path two = bundle("two", rsa, ec);
    refused(cli.stdin(PASSWORD + "\n").run("key", "add", "k", "--pkcs12", two.toString(), "--password-stdin"),
        "holds 2 keys");
  }

  @Test
  void refusesMixedKindsAndSecretsForTheWrongKind() throws Exception {
    refused(cli.run("key", "add", "k", "--pkcs12", "a.p12", "--key", "a.key", "--cert", "a.crt"),
        "give exactly one kind of key");
    refused(cli.run("key", "add", "k", "--key", "a.key", "--cert", "a.crt", "--password-stdin"),
        "--alias, --password-stdin and --password-env are for --pkcs12 keys");
    refused(cli.run("key", "add", "k", "--pkcs12", "a.p12", "--pin-stdin"),
        "--cert-chain, --pin-stdin and --pin-env are for --pkcs11-module keys");
    refused(cli.run("key", "add", "k", "--token-label", "t"),
        "a token key needs --pkcs11-module, --token-label and --key-label");
    refused(cli.run("key", "add", "k", "--pkcs12", "a.p12", "--password-stdin", "--password-env", "X"),
        "either on standard input or in an environment variable, not both");
  }
}
