package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.SigningKeys;
import dev.nota.core.x509.Certificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every key kind the Notary Project allows (RSA 2048/3072/4096, EC P-256/384/521), each as a self-signed leaf and
 * as a root, intermediate and leaf made with openssl, in both envelope formats, against the real notation v1.3.2:
 * nota signs and notation verifies, notation signs and nota verifies, both under a policy that pins the leaf's
 * {@code x509.subject}, and both refuse when the pinned subject is another one. One configuration directory in
 * notation's layout ({@code signingkeys.json} written by {@code nota key add}, the roots in
 * {@code truststore/x509/ca}) serves both tools unchanged; keys are made once for the class, since RSA 4096
 * generation is slow.
 *
 * <p>Around the matrix, the edges where the two tools could part: key material the certificate rules forbid (which
 * neither may sign with), an RSA key of 2047 bits (RSA 2048 to notation for JWS, refused for COSE by go-cose), and a
 * signature whose leaf key is RSASSA-PSS-only (which neither may accept).
 */
@Tag("interop")
class KeyMatrixInteropTest {
  private static final String AREA = "Keys and chains";
  private static final String IDENTITY_MISMATCH = "does not match the X.509 trusted identities";
  private static final Pattern ALGORITHM = Pattern.compile("\"signatureAlgorithm\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern FINGERPRINT = Pattern.compile("\"SHA256Fingerprint\"\\s*:\\s*\"([0-9a-fA-F]{64})\"");

  @TempDir static Path home;
  private static Path notation;
  private static CliAccess nota;
  private static Map<String, String> env;
  private static TestRegistry registry;
  private static RegistryClient client;
  private static final Map<OpensslSigners.Kind, OpensslSigners.Signer[]> SIGNERS =
      new EnumMap<>(OpensslSigners.Kind.class);
  private static final Map<String, OpensslSigners.Unusable> UNUSABLE = new HashMap<>();
  private static OpensslSigners.Signer rsa2047;

  @BeforeAll
  static void makeKeysAndOneConfiguration() throws Exception {
    notation = Peers.require("notation");
    nota = new CliAccess(home);
    env = Peers.environment(home, nota.config());
    registry = TestRegistry.builder().referrersApi(true).start();
    client = new RegistryClient(RegistryOptions.defaults());

    // Two openssl processes at a time (the machine has two cores); the slow RSA 4096 keys go first.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Map<OpensslSigners.Kind, List<Future<OpensslSigners.Signer>>> made = new EnumMap<>(OpensslSigners.Kind.class);
      List<OpensslSigners.Kind> order = new ArrayList<>(List.of(OpensslSigners.Kind.values()));
      order.sort((a, b) -> Integer.compare(b.cost(), a.cost()));
      for (OpensslSigners.Kind kind : order) {
        Path dir = home.resolve("keys");
        made.put(kind, List.of(pool.submit(() -> OpensslSigners.selfSigned(dir, kind)),
            pool.submit(() -> OpensslSigners.chain(dir, kind))));
      }
      Future<OpensslSigners.Signer> odd = pool.submit(() -> OpensslSigners.rsa2047(home.resolve("keys")));
      for (OpensslSigners.Kind kind : OpensslSigners.Kind.values()) {
        List<Future<OpensslSigners.Signer>> f = made.get(kind);
        SIGNERS.put(kind, new OpensslSigners.Signer[] {f.get(0).get(), f.get(1).get()});
      }
      rsa2047 = odd.get();
    } finally {
      pool.shutdownNow();
    }
    List<OpensslSigners.Signer> usable = new ArrayList<>();
    SIGNERS.values().forEach(pair -> usable.addAll(List.of(pair)));
    usable.add(rsa2047);
    for (OpensslSigners.Signer s : usable) {
      ok(nota.run("key", "add", s.name(), "--key", s.keyFile().toString(), "--cert", s.chainFile().toString()));
      ok(nota.run("cert", "add", "--type", "ca", "--store", s.name(), s.rootFile().toString()));
    }
    // What a user who edits signingkeys.json by hand can name: nota key add refuses these, so write them directly.
    SigningKeys keys = SigningKeys.load(nota.config());
    for (OpensslSigners.Unusable u : OpensslSigners.unusable(home.resolve("keys"),
        SIGNERS.get(OpensslSigners.Kind.EC_256)[1])) {
      UNUSABLE.put(u.name(), u);
      keys = keys.add(KeyEntry.local("bad-" + u.name(), u.keyFile(), u.chainFile()), false);
    }
    keys.save(nota.config());
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> all = Stream.builder();
    for (OpensslSigners.Kind kind : OpensslSigners.Kind.values()) {
      for (boolean chain : new boolean[] {false, true}) {
        for (String format : new String[] {"jws", "cose"}) {
          all.add(Arguments.of(kind, chain ? "chain" : "self-signed", format));
        }
      }
    }
    return all.build();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void eachToolVerifiesWhatTheOtherSignedUnderThePinnedSubjectAndBothRefuseAnotherSubject(
      OpensslSigners.Kind kind, String shape, String format) throws Exception {
    OpensslSigners.Signer signer = SIGNERS.get(kind)[shape.equals("chain") ? 1 : 0];
    crossCheck(kind.label() + " " + shape + " " + format, signer, format, kind.algorithm());
  }

  /**
   * notation 1.3.2 sizes RSA keys in whole bytes, so it signs JWS with a 2047-bit key as RSA 2048; nota must verify
   * those signatures (and may make them) rather than call the key unsupported. COSE is another matter: go-cose
   * requires 2048 bits (RFC 8230), so neither tool signs COSE with that key.
   */
  @Test
  void anRsaKeyOf2047BitsCountsAsRsa2048ForJwsButNotForCose() throws Exception {
    crossCheck("RSA 2047-bit modulus (notation: RSA 2048) self-signed jws", rsa2047, "jws", "RSASSA-PSS-SHA-256");
    Ref ref = pushImage(registry.host() + "/rsa-2047-self-cose", "rsa 2047 cose");
    CrossChecks.check(AREA, "RSA 2047-bit modulus self-signed cose: neither tool signs (RFC 8230: RSA keys for COSE "
        + "need 2048 bits)", () -> {
          Peers.Run theirs = notation("sign", "--insecure-registry", "--key", rsa2047.name(), "--signature-format",
              "cose", ref.toString());
          assertNotEquals(0, theirs.code(), theirs::toString);
          assertTrue(theirs.err().contains("at least 2048 bits"), theirs::toString);
          CliAccess.Result ours = nota.run("sign", "--key", rsa2047.name(), "--signature-format", "cose",
              ref.toString());
          assertEquals(2, ours.code(), ours::toString);
          try (Target target = client.repository(Reference.parse(ref.repo()))) {
            assertEquals(List.of(), target.referrers(ref.descriptor(), null));
          }
        });
  }

  /** The three checks of one signer and envelope format, each its own row of the cross-check table. */
  private static void crossCheck(String label, OpensslSigners.Signer signer, String format, String algorithm)
      throws Exception {
    String repo = registry.host() + "/" + signer.name() + "-" + format;
    String byNota = pushImage(repo, "nota " + signer.name() + " " + format).toString();
    String byNotation = pushImage(repo, "notation " + signer.name() + " " + format).toString();
    policy(repo, signer.name(), signer.leafIdentity());

    CrossChecks.check(AREA, label + ": nota signs, notation verifies", () -> {
      ok(nota.run("sign", "--key", signer.name(), "--signature-format", format, byNota));
      Peers.Run verified = ok(notation("verify", "--insecure-registry", byNota));
      assertTrue(verified.out().contains("Successfully verified signature for " + byNota), verified::toString);
      assertEnvelope(algorithm, signer, ok(notation("inspect", "--insecure-registry", "-o", "json", byNota)).out());
    });
    CrossChecks.check(AREA, label + ": notation signs, nota verifies", () -> {
      ok(notation("sign", "--insecure-registry", "--key", signer.name(), "--signature-format", format,
          byNotation));
      CliAccess.Result verified = ok(nota.run("verify", byNotation));
      assertTrue(verified.out().contains("Successfully verified signature for " + byNotation), verified::toString);
      assertEnvelope(algorithm, signer, ok(nota.run("inspect", "-o", "json", byNotation)).out());
    });
    CrossChecks.check(AREA, label + ": both refuse either signature when the policy pins another x509.subject",
        () -> {
          policy(repo, signer.name(), signer.otherIdentity());
          for (String ref : List.of(byNota, byNotation)) {
            assertBothRefuse(ref, IDENTITY_MISMATCH);
          }
        });
  }

  /** Both tools refuse to verify {@code ref}, each saying {@code reason} (notation says why only with --verbose). */
  private static void assertBothRefuse(String ref, String reason) throws Exception {
    Peers.Run theirs = notation("verify", "--verbose", "--insecure-registry", ref);
    assertNotEquals(0, theirs.code(), theirs::toString);
    assertTrue(theirs.err().contains(reason), theirs::toString);
    CliAccess.Result ours = nota.run("verify", ref);
    assertEquals(1, ours.code(), ours::toString);
    assertTrue(ours.err().contains(reason), ours::toString);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"defaults", "not-critical", "plain", "no-root", "root-first", "leaf-alone", "rsa-pss",
      "explicit-ec", "rsa-1024", "ed25519"})
  void bothToolsRefuseToSignWithKeyMaterialTheCertificateRulesForbid(String name) throws Exception {
    OpensslSigners.Unusable bad = UNUSABLE.get(name);
    Ref ref = pushImage(registry.host() + "/unusable-" + name, name);
    CrossChecks.check(AREA, "refused: " + bad.why() + ": neither tool signs with it, nor adds it", () -> {
      Peers.Run theirs = notation("sign", "--insecure-registry", "--key", "bad-" + name, ref.toString());
      assertNotEquals(0, theirs.code(), theirs::toString);
      CliAccess.Result ours = nota.run("sign", "--key", "bad-" + name, ref.toString());
      assertEquals(2, ours.code(), ours::toString);
      assertEquals(1, ours.err().strip().lines().count(), ours::toString);
      CliAccess.Result added = nota.run("key", "add", "add-" + name, "--key", bad.keyFile().toString(), "--cert",
          bad.chainFile().toString());
      assertEquals(2, added.code(), added::toString);
      try (Target target = client.repository(Reference.parse(ref.repo()))) {
        assertEquals(List.of(), target.referrers(ref.descriptor(), null));
      }
    });
  }

  /**
   * A signature whose leaf certificate holds an RSASSA-PSS-only key ({@code id-RSASSA-PSS}), made by hand since
   * neither tool signs with one: Go's x509 reads no public key from such a certificate, so notation refuses it, and
   * nota must too. The same hand-made envelope with a plain RSA 2048 key verifies in both, so the refusal is about
   * the key and nothing else.
   */
  @Test
  void bothToolsRefuseASignatureWhoseLeafHoldsAnRsaPssOnlyKey() throws Exception {
    OpensslSigners.Unusable pss = UNUSABLE.get("rsa-pss");
    OpensslSigners.Signer rsa = SIGNERS.get(OpensslSigners.Kind.RSA_2048)[0];
    Path store = Files.createDirectories(nota.config().resolve("truststore/x509/ca/rsa-pss"));
    Files.copy(pss.chainFile(), store.resolve("rsa-pss.crt"));
    CrossChecks.check(AREA, "a hand-made PS256 JWS by a plain RSA 2048 key (control): both verify it", () -> {
      Ref ref = pushImage(registry.host() + "/hand-made-rsa", "hand-made rsa");
      policy(ref.repo(), rsa.name(), "*");
      HandMadeJws.push(client, ref.repo(), ref.descriptor(), rsa.keyFile(), "RSA", rsa.chain());
      ok(notation("verify", "--insecure-registry", ref.toString()));
      ok(nota.run("verify", ref.toString()));
    });
    CrossChecks.check(AREA, "a signature whose leaf has an RSASSA-PSS-only key (id-RSASSA-PSS): both refuse it",
        () -> {
          Ref ref = pushImage(registry.host() + "/hand-made-rsa-pss", "hand-made rsa-pss");
          policy(ref.repo(), "rsa-pss", "*");
          HandMadeJws.push(client, ref.repo(), ref.descriptor(), pss.keyFile(), "RSASSA-PSS",
              Certificates.readPem(pss.chainFile()));
          Peers.Run theirs = notation("verify", "--verbose", "--insecure-registry", ref.toString());
          assertNotEquals(0, theirs.code(), theirs::toString);
          CliAccess.Result ours = nota.run("verify", ref.toString());
          assertEquals(1, ours.code(), ours::toString);
          assertTrue(ours.err().contains("RSASSA-PSS"), ours::toString);
        });
  }

  @Test
  void notationListsEveryKeyThatNotaKeyAddWroteAndEveryTrustStore() throws Exception {
    CrossChecks.check(AREA, "notation key ls and cert ls read the signingkeys.json and trust stores nota wrote for "
        + "all 12 openssl keys", () -> {
          Peers.Run keys = ok(notation("key", "ls"));
          Peers.Run certs = ok(notation("cert", "ls"));
          for (OpensslSigners.Signer[] pair : SIGNERS.values()) {
            for (OpensslSigners.Signer s : pair) {
              assertTrue(keys.out().contains(s.name() + " ") && keys.out().contains(s.keyFile().toString()),
                  () -> s.name() + " missing: " + keys);
              assertTrue(certs.out().contains(s.name()), () -> s.name() + " missing: " + certs);
            }
          }
        });
  }

  /** Both tools' {@code inspect -o json}: the algorithm the key kind implies and exactly the signer's chain. */
  private static void assertEnvelope(String algorithm, OpensslSigners.Signer signer, String json) {
    Matcher alg = ALGORITHM.matcher(json);
    assertTrue(alg.find(), json);
    assertEquals(algorithm, alg.group(1), json);
    List<String> fingerprints = new ArrayList<>();
    Matcher fp = FINGERPRINT.matcher(json);
    while (fp.find()) {
      fingerprints.add(fp.group(1).toLowerCase(java.util.Locale.ROOT));
    }
    List<String> expected = new ArrayList<>();
    for (X509Certificate c : signer.chain()) {
      expected.add(Certificates.sha256Thumbprint(c).toLowerCase(java.util.Locale.ROOT));
    }
    assertEquals(expected, fingerprints, json);
  }

  /** An artifact pushed to {@code repo}; {@link #toString} is its digest reference. */
  private record Ref(String repo, Descriptor descriptor) {
    @Override
    public String toString() {
      return repo + "@" + descriptor.digest();
    }
  }

  private static Ref pushImage(String repo, String content) throws Exception {
    try (Target target = client.repository(Reference.parse(repo))) {
      return new Ref(repo, CliAccess.pushSampleImage(target, null, content));
    }
  }

  private static void policy(String scope, String store, String identity) {
    ok(nota.run("policy", "init", "--force", "--name", "keys", "--scope", scope, "--trust-store", "ca:" + store,
        "--trusted-identity", identity));
  }

  private static Peers.Run notation(String... args) throws Exception {
    return Peers.run(notation, env, args);
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
