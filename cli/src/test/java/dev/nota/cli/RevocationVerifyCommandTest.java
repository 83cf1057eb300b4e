package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.revocation.OpensslPki;
import dev.nota.core.x509.Openssl;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code nota verify} checks revocation online by default: a real openssl CA, OCSP responder and CRLs on 127.0.0.1,
 * an artifact in an OCI layout signed with a key the CA issued, verified at each level.
 */
class RevocationVerifyCommandTest {
  @TempDir Path home;
  private OpensslPki pki;
  private final Map<String, String> env = new HashMap<>();
  private String ref;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    pki = OpensslPki.start(home.resolve("pki"));
    env.put("NOTA_CONFIG", home.resolve("config").toString());
    env.put("DOCKER_CONFIG", home.resolve("docker").toString());
    env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
    Path layout = home.resolve("layout");
    Descriptor image;
    try (Target target = LayoutTarget.open(layout)) {
      image = SampleImage.push(target, "v1", "revocation");
    }
    ref = layout + "@" + image.digest();
    ok(run("cert", "add", "-t", "ca", "-s", "pki", pki.root().pem().toString()));
  }

  @AfterEach
  void tearDown() {
    if (pki != null) {
      pki.close();
    }
  }

  private Cli.Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Context context = new Context(Map.copyOf(env), new ByteArrayInputStream(new byte[0]), Clock.systemUTC());
    int code = Nota.run(context, new PrintWriter(out), new PrintWriter(err), args);
    return new Cli.Result(code, out.toString(), err.toString());
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  private OpensslPki.Issued signWith(String name, boolean ocsp, boolean crl) throws Exception {
    OpensslPki.Issued leaf = pki.leaf(name, ocsp, crl, true);
    ok(run("key", "add", name, "--key", leaf.key().toString(), "--cert", pki.chainPem(leaf).toString(),
        "--default"));
    ok(run("sign", "--oci-layout", ref));
    return leaf;
  }

  private Cli.Result verifyAt(String level, String... extra) {
    ok(run("policy", "init", "--force", "--name", "p", "--scope", "local/app", "--trust-store", "ca:pki",
        "--trusted-identity", "*", "--level", level));
    String[] args = new String[5 + extra.length];
    System.arraycopy(new String[] {"verify", "--oci-layout", "--scope", "local/app", ref}, 0, args, 0, 5);
    System.arraycopy(extra, 0, args, 5, extra.length);
    return run(args);
  }

  @Test
  void aGoodChainVerifiesAtStrict() throws Exception {
    signWith("good", true, true);

    Cli.Result r = verifyAt("strict");

    ok(r);
    assertTrue(r.out().contains("Successfully verified signature"), r::toString);
    assertTrue(pki.ocspRequests() >= 2, "leaf and intermediate asked");
  }

  @ParameterizedTest(name = "revoked leaf at {0}: exit {1}")
  @CsvSource({"strict, 1", "permissive, 0", "audit, 0"})
  void aRevokedLeafFailsAtStrictAndIsLoggedOtherwiseAsNotationDoes(String level, int exit) throws Exception {
    OpensslPki.Issued leaf = signWith("revoked", true, true);
    pki.revoke("inter", leaf);

    Cli.Result r = verifyAt(level);

    assertEquals(exit, r.code(), r::toString);
    String line = exit == 1
        ? "revocation failed: certificate with subject \"CN=revoked,O=nota tests,ST=WA,C=US\" is revoked"
        : "Warning: revocation was set to \"log\" and failed with error: certificate with subject";
    assertTrue(r.err().contains(line), r::toString);
  }

  @ParameterizedTest(name = "responder down, no CRL, at {0}: exit {1}")
  @CsvSource({"strict, 1", "permissive, 0", "audit, 0"})
  void anUnreachableResponderIsUnknownWhichFailsOnlyAtStrict(String level, int exit) throws Exception {
    signWith("ocsponly", true, false);
    pki.stopOcsp();

    Cli.Result r = verifyAt(level, "--ocsp-timeout", "1s");

    assertEquals(exit, r.code(), r::toString);
    assertTrue(r.err().contains("revocation status is unknown"), r::toString);
  }

  @Test
  void aSecondVerifyIsAnsweredFromTheCacheUnderXdgCacheHome() throws Exception {
    signWith("cached", true, true);
    ok(verifyAt("strict"));
    int ocsp = pki.ocspRequests();
    int crl = pki.crlRequests();

    ok(verifyAt("strict"));

    assertEquals(ocsp, pki.ocspRequests());
    assertEquals(crl, pki.crlRequests());
    assertTrue(Files.isDirectory(home.resolve("cache/nota/revocation/ocsp")));
  }

  @Test
  void atVerifiesAsOfAnotherTime() throws Exception {
    signWith("audited", true, true);

    Cli.Result before = verifyAt("strict", "--at", "2020-01-01T00:00:00Z");
    Cli.Result now = verifyAt("strict", "--at", java.time.Instant.now().toString());

    assertEquals(1, before.code(), before::toString);
    assertTrue(before.err().contains("before certificate"), before::toString);
    ok(now);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "--ocsp-timeout, abc, '--ocsp-timeout: invalid duration \"abc\"'",
    "--crl-timeout, 10m, '--crl-timeout: 10m is longer than the 5m limit'",
    "--at, yesterday, '--at: invalid time \"yesterday\": use RFC 3339'"
  })
  void badFlagValuesAreUsageErrorsWithOneLine(String flag, String value, String message) throws Exception {
    signWith("flags", true, true);

    Cli.Result r = verifyAt("strict", flag, value);

    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains(message), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
  }
}
