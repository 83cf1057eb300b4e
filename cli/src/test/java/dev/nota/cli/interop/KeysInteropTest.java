package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.cli.NotaProcess;
import dev.nota.cli.SoftHsmToken;
import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.SigningKeys;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.core.x509.TestCertificates.KeySpec;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys on a PKCS#11 token (SoftHSM2) and in PKCS#12 bundles, against the real notation v1.3.2: notation verifies
 * what nota signed with them, and notation loads, lists and rewrites a signingkeys.json holding them without
 * breaking them for nota.
 */
@Tag("interop")
class KeysInteropTest {
  private static final String AREA = "Keys on tokens and in PKCS#12";
  private static final String PIN = "4321";
  private static final String PASSWORD = "p12 password";
  private static Path notation;
  private static TestCertificates.Generated rsa;
  private static TestCertificates.Generated ec;
  private static TestCertificates.Generated bundled;

  @TempDir Path home;
  private SoftHsmToken token;
  private NotaProcess nota;
  private Map<String, String> env;
  private TestRegistry registry;
  private RegistryClient client;
  private String repo;

  @BeforeAll
  static void keys() {
    notation = Peers.require("notation");
    SoftHsmToken.module();
    rsa = TestCertificates.generate("token-rsa", KeySpec.RSA_3072, Duration.ofDays(2), Clock.systemUTC());
    ec = TestCertificates.generate("token-ec", KeySpec.EC_256, Duration.ofDays(2), Clock.systemUTC());
    bundled = TestCertificates.generate("bundled", KeySpec.EC_384, Duration.ofDays(2), Clock.systemUTC());
  }

  @BeforeEach
  void setUp() throws Exception {
    token = SoftHsmToken.create(home.resolve("hsm"), "interop", PIN);
    token.importKey("rsa", 1, rsa.key());
    token.importCertificate("rsa", 1, rsa.chain().get(0));
    token.importCertificate("rsa-root", 0x21, rsa.root());
    token.importKey("ec", 2, ec.key());
    Files.write(home.resolve("ec-chain.pem"), Certificates.toPem(ec.chain()));
    Map<String, String> extra = new HashMap<>(token.env());
    extra.put("HSM_PIN", PIN);
    extra.put("P12_PASSWORD", PASSWORD);
    nota = new NotaProcess(home, extra);
    env = Peers.environment(home, home.resolve("config"));

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("signing", bundled.key(), PASSWORD.toCharArray(), bundled.chain().toArray(Certificate[]::new));
    try (OutputStream out = Files.newOutputStream(home.resolve("bundle.p12"))) {
      store.store(out, PASSWORD.toCharArray());
    }

    String module = SoftHsmToken.module().toString();
    ok(nota.run("", "cert", "generate-test", "pem"));
    ok(nota.run("", "key", "add", "token-rsa", "--pkcs11-module", module, "--token-label", "interop",
        "--key-label", "rsa", "--pin-env", "HSM_PIN"));
    ok(nota.run("", "key", "add", "token-ec", "--pkcs11-module", module, "--token-label", "interop",
        "--key-label", "ec", "--cert-chain", home.resolve("ec-chain.pem").toString(), "--pin-env", "HSM_PIN"));
    ok(nota.run("", "key", "add", "bundle", "--pkcs12", home.resolve("bundle.p12").toString(), "--alias",
        "signing", "--password-env", "P12_PASSWORD"));
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

  private String pushImage(String content) throws Exception {
    if (registry == null) {
      registry = TestRegistry.builder().start();
      client = new RegistryClient(RegistryOptions.defaults());
      repo = registry.host() + "/app";
    }
    try (Target target = client.repository(Reference.parse(repo))) {
      return repo + "@" + CliAccess.pushSampleImage(target, "v1", content).digest();
    }
  }

  private void trust() throws Exception {
    int i = 0;
    for (TestCertificates.Generated g : List.of(rsa, ec, bundled)) {
      Path root = home.resolve("root" + i++ + ".crt");
      Files.write(root, Certificates.toPem(List.of(g.root())));
      ok(nota.run("", "cert", "add", "--type", "ca", "--store", "keys", root.toString()));
    }
    ok(nota.run("", "policy", "init", "--force", "--name", "keys", "--scope", repo, "--trust-store", "ca:keys",
        "--trusted-identity", "*"));
  }

  @Test
  void notationVerifiesWhatNotaSignedOnATokenAndWithABundle() throws Exception {
    String byRsa = pushImage("token rsa");
    String byEc = pushImage("token ec");
    String byBundle = pushImage("bundle");
    trust();
    CrossChecks.check(AREA, "notation verifies a signature nota made on a SoftHSM2 token with RSA-3072 (RSASSA-PSS, "
        + "chain from the token)", () -> {
          ok(nota.run("", "sign", "--key", "token-rsa", "--pin-env", "HSM_PIN", byRsa));
          Peers.Run v = ok(Peers.run(notation, env, "verify", "--insecure-registry", byRsa));
          assertTrue(v.out().contains("Successfully verified signature for " + byRsa), v::toString);
        });
    CrossChecks.check(AREA, "notation verifies a COSE signature nota made on a SoftHSM2 token with EC P-256 "
        + "(chain from --cert-chain)", () -> {
          ok(nota.run(PIN + "\n", "sign", "--key", "token-ec", "--signature-format", "cose", "--pin-stdin", byEc));
          ok(Peers.run(notation, env, "verify", "--insecure-registry", byEc));
        });
    CrossChecks.check(AREA, "notation verifies a signature nota made with a key from a PKCS#12 bundle", () -> {
      ok(nota.run("", "sign", "--key", "bundle", "--key-password-env", "P12_PASSWORD", byBundle));
      ok(Peers.run(notation, env, "verify", "--insecure-registry", byBundle));
    });
  }

  @Test
  void notationLoadsListsAndRewritesSigningKeysHoldingTokenAndBundleKeys() throws Exception {
    Path config = home.resolve("config");
    SigningKeys before = SigningKeys.load(config);
    CrossChecks.check(AREA, "notation key ls loads a signingkeys.json with nota's PKCS#11 and PKCS#12 keys beside "
        + "PEM keys", () -> {
          Peers.Run listed = ok(Peers.run(notation, env, "key", "ls"));
          for (String name : List.of("pem", "token-rsa", "token-ec", "bundle")) {
            assertTrue(listed.out().contains(name), listed::toString);
          }
          assertTrue(listed.out().contains("pkcs11:token=interop;object=rsa;type=private"), listed::toString);
        });
    CrossChecks.check(AREA, "after notation rewrites signingkeys.json (key update --default), nota's token and "
        + "bundle keys still load and sign", () -> {
          ok(Peers.run(notation, env, "key", "update", "--default", "token-rsa"));
          SigningKeys after = SigningKeys.load(config);
          assertEquals("token-rsa", after.defaultKey());
          for (String name : List.of("pem", "token-rsa", "token-ec")) {
            assertEquals(before.get(name), after.get(name));
          }
          KeyEntry bundle = after.get("bundle");
          assertEquals(bundle.keyPath(), bundle.certPath()); // notation drops only the alias
          String ref = pushImage("after rewrite");
          trust();
          ok(nota.run("", "sign", "--pin-env", "HSM_PIN", ref));
          ok(nota.run("", "sign", "--key", "bundle", "--key-password-env", "P12_PASSWORD", ref));
          ok(Peers.run(notation, env, "verify", "--insecure-registry", ref));
        });
    CrossChecks.check(AREA, "notation refuses to sign with a token key (it cannot open a PKCS#11 URI) and pushes "
        + "nothing", () -> {
          String ref = pushImage("notation cannot");
          Peers.Run r = Peers.run(notation, env, "sign", "--insecure-registry", "--key", "token-rsa", ref);
          assertEquals(1, r.code(), r::toString);
          try (Target target = client.repository(Reference.parse(repo))) {
            assertEquals(List.of(), target.referrers(target.resolve(ref.substring(ref.indexOf('@') + 1)), null));
          }
        });
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  private static Peers.Run ok(Peers.Run r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }
}
