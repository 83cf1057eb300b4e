package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import dev.nota.testregistry.TestTls;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nota sign and verify against an HTTPS registry on loopback whose certificate comes from a private CA. */
class TlsCommandTest {
  @TempDir Path home;
  private TestRegistry registry;
  private Path caFile;
  private String ref;

  @BeforeEach
  void start() throws Exception {
    TestTls tls = TestTls.generate();
    caFile = tls.writeCaPem(home.resolve("ca.pem"));
    registry = TestRegistry.builder().tls(tls.serverContext()).start();
    Descriptor image;
    try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withCaFile(caFile));
        Target target = client.repository(Reference.parse(registry.host() + "/app"))) {
      image = SampleImage.push(target, "v1", "over https");
    }
    ref = registry.host() + "/app@" + image.digest();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private Cli trustingCli() {
    Cli cli = new Cli(home);
    assertEquals(0, cli.run("cert", "generate-test", "--default", "alice").code());
    assertEquals(0, cli.run("policy", "init", "--force", "--name", "p", "--scope", registry.host() + "/app",
        "--trust-store", "ca:alice", "--trusted-identity", "*").code());
    return cli;
  }

  @Test
  void signsAndVerifiesOverHttpsWithTheCaFile() {
    Cli cli = trustingCli();
    Cli.Result signed = cli.run("sign", "--ca-file", caFile.toString(), ref);
    assertEquals(0, signed.code(), signed::toString);
    assertTrue(signed.out().contains("Successfully signed " + ref), signed::toString);
    Cli.Result verified = cli.run("verify", "--ca-file", caFile.toString(), ref);
    assertEquals(0, verified.code(), verified::toString);
    assertTrue(verified.out().contains("Successfully verified signature for " + ref), verified::toString);
    assertTrue(registry.requestLog().stream().anyMatch(l -> l.startsWith("PUT /v2/app/manifests/")),
        registry.requestLog().toString());
  }

  @Test
  void withoutTheCaFileSignAndVerifyFailWithOneLineAndExitCode3() {
    Cli cli = trustingCli();
    int requests = registry.requestLog().size();
    for (String command : new String[] {"sign", "verify"}) {
      Cli.Result r = cli.run(command, ref);
      assertEquals(3, r.code(), r::toString);
      String err = r.err().strip();
      assertFalse(err.contains("\n"), r::toString);
      assertTrue(err.contains("the TLS certificate of " + registry.host() + " is not trusted"), r::toString);
      assertTrue(err.contains("--ca-file"), r::toString);
      assertFalse(err.contains("Exception"), r::toString);
    }
    assertEquals(requests, registry.requestLog().size(), registry.requestLog().toString());
  }
}
