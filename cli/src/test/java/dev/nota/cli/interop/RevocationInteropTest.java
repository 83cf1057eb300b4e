package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.core.revocation.OpensslPki;
import dev.nota.core.x509.Openssl;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Revocation, differentially: a real PKI ({@code openssl ca} revoking on demand, {@code openssl ocsp} answering each
 * request, CRLs from {@code openssl ca -gencrl}, all on 127.0.0.1) issues the signing chain; nota signs; nota and the
 * real {@code notation} (v1.3.2) verify the same artifact on the same configuration at strict, permissive and audit,
 * and must reach the same verdict in every revocation state.
 */
@Tag("interop")
class RevocationInteropTest {
  private static final String AREA = "Revocation (openssl OCSP/CRL)";
  private static final String[] LEVELS = {"strict", "permissive", "audit"};

  /** The revocation states, and whether verification passes at strict (permissive and audit only log revocation). */
  enum State {
    GOOD("a good chain, OCSP only", true),
    REVOKED_LEAF("a revoked leaf", false),
    REVOKED_INTERMEDIATE("a revoked intermediate", false),
    RESPONDER_DOWN_CRL_FALLBACK("OCSP responder down, CRLs good (fallback)", true),
    RESPONDER_DOWN_NO_CRL("OCSP responder down, no CRL (unknown)", false);

    final String description;
    final boolean passesAtStrict;

    State(String description, boolean passesAtStrict) {
      this.description = description;
      this.passesAtStrict = passesAtStrict;
    }
  }

  private static Path notation;

  @TempDir Path home;
  private CliAccess nota;
  private Map<String, String> env;
  private TestRegistry registry;
  private RegistryClient client;
  private OpensslPki pki;
  private String repo;

  @BeforeAll
  static void requirePeers() {
    notation = Peers.require("notation");
    Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
  }

  @BeforeEach
  void setUp() throws Exception {
    nota = new CliAccess(home);
    env = Peers.environment(home, nota.config());
    registry = TestRegistry.builder().referrersApi(true).start();
    client = new RegistryClient(RegistryOptions.defaults());
    repo = registry.host() + "/app";
    pki = OpensslPki.start(home.resolve("pki"));
  }

  @AfterEach
  void stop() throws Exception {
    if (pki != null) {
      pki.close();
    }
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(State.class)
  void notaAndNotationReachTheSameVerdictAtEveryLevel(State state) throws Exception {
    boolean crl = state != State.RESPONDER_DOWN_NO_CRL && state != State.GOOD;
    OpensslPki.Issued leaf = pki.leaf("signer", true, crl, true);
    ok(nota.run("key", "add", "signer", "--key", leaf.key().toString(), "--cert", pki.chainPem(leaf).toString(),
        "--default"));
    ok(nota.run("cert", "add", "--type", "ca", "--store", "pki", pki.root().pem().toString()));
    String ref;
    try (Target target = client.repository(Reference.parse(repo))) {
      ref = repo + "@" + CliAccess.pushSampleImage(target, null, "revocation " + state).digest();
    }
    ok(nota.run("sign", ref));
    switch (state) {
      case REVOKED_LEAF -> pki.revoke("inter", leaf);
      case REVOKED_INTERMEDIATE -> pki.revoke("root", pki.intermediate());
      case RESPONDER_DOWN_CRL_FALLBACK, RESPONDER_DOWN_NO_CRL -> pki.stopOcsp();
      default -> { }
    }

    for (String level : LEVELS) {
      boolean expected = state.passesAtStrict || !level.equals("strict");
      CrossChecks.check(AREA, state.description + " at " + level + ": both " + (expected ? "pass" : "fail"), () -> {
        ok(nota.run("policy", "init", "--force", "--name", "revocation", "--scope", repo, "--trust-store", "ca:pki",
            "--trusted-identity", "*", "--level", level));
        Peers.Run theirs = Peers.run(notation, env, "verify", "--verbose", "--insecure-registry", ref);
        CliAccess.Result ours = nota.run("verify", ref);
        assertEquals(expected, theirs.code() == 0, theirs::toString);
        assertEquals(expected, ours.code() == 0, ours::toString);
        if (!expected) {
          assertEquals(1, ours.code(), ours::toString);
          assertTrue(ours.err().contains("revocation failed"), ours::toString);
          String why = state == State.RESPONDER_DOWN_NO_CRL ? "revocation status is unknown" : "is revoked";
          assertTrue((theirs.out() + theirs.err()).contains(why), theirs::toString);
          assertTrue(ours.err().contains(why), ours::toString);
        } else if (state != State.GOOD && state != State.RESPONDER_DOWN_CRL_FALLBACK) {
          assertTrue(ours.err().contains("Warning: revocation was set to \"log\""), ours::toString);
        }
      });
    }
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }
}
