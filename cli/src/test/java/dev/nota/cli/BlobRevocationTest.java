package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.revocation.OpensslPki;
import dev.nota.core.x509.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code nota blob verify} checks revocation online, as {@code verify} and notation's {@code blob verify} do: a real
 * openssl CA with an OCSP responder and CRLs on 127.0.0.1, a file signed with a key the CA issued.
 */
class BlobRevocationTest {
  @TempDir Path home;
  private OpensslPki pki;
  private Cli cli;
  private Path file;
  private Path signature;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    pki = OpensslPki.start(home.resolve("pki"));
    cli = new Cli(home).env("XDG_CACHE_HOME", home.resolve("cache").toString());
    file = Files.writeString(home.resolve("sbom.json"), "{\"packages\":[]}");
    signature = home.resolve("sbom.json.jws.sig");
    Cli.ok(cli.run("cert", "add", "-t", "ca", "-s", "pki", pki.root().pem().toString()));
  }

  @AfterEach
  void tearDown() {
    if (pki != null) {
      pki.close();
    }
  }

  private OpensslPki.Issued signWith(String name, String level) throws Exception {
    OpensslPki.Issued leaf = pki.leaf(name, true, true, true);
    Cli.ok(cli.run("key", "add", name, "--key", leaf.key().toString(), "--cert", pki.chainPem(leaf).toString(),
        "--default"));
    Cli.ok(cli.run("blob", "sign", file.toString()));
    Cli.ok(cli.run("blob", "policy", "init", "--force", "--name", "files", "--global", "--trust-store", "ca:pki",
        "--trusted-identity", "*", "--level", level));
    return leaf;
  }

  @Test
  void aGoodChainIsAskedAboutAndVerifies() throws Exception {
    signWith("good", "strict");
    Cli.Result r = cli.run("blob", "verify", "-s", signature.toString(), file.toString());
    Cli.ok(r);
    assertTrue(r.out().contains("Successfully verified signature " + signature), r::toString);
    assertTrue(pki.ocspRequests() >= 2, "leaf and intermediate asked");
  }

  @ParameterizedTest(name = "revoked leaf at {0}: exit {1}")
  @CsvSource({"strict, 1", "permissive, 0"})
  void aRevokedLeafFailsAtStrictAndIsLoggedAtPermissive(String level, int exit) throws Exception {
    OpensslPki.Issued leaf = signWith("revoked", level);
    pki.revoke("inter", leaf);
    Cli.Result r = cli.run("blob", "verify", "-s", signature.toString(), file.toString());
    assertEquals(exit, r.code(), r::toString);
    assertTrue(r.err().contains("certificate with subject \"CN=revoked,O=nota tests,ST=WA,C=US\" is revoked"),
        r::toString);
    if (exit == 1) {
      assertTrue(r.err().startsWith("Error: signature verification failed for " + file + ": revocation failed"),
          r::toString);
      assertFalse(r.out().contains("Successfully"), r::toString);
    }
  }

  @Test
  void aBadTimeoutIsAUsageError() throws Exception {
    signWith("good", "strict");
    Cli.Result r = cli.run("blob", "verify", "--ocsp-timeout", "10m", "-s", signature.toString(), file.toString());
    assertEquals(2, r.code(), r::toString);
    assertEquals("Error: --ocsp-timeout: 10m is longer than the 5m limit", r.err().strip(), r::toString);
  }
}
