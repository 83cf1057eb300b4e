package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.cli.CliAccess;
import dev.nota.cli.NotaProcess;
import dev.nota.core.revocation.OpensslPki;
import dev.nota.core.timestamp.OpensslTsaServer;
import dev.nota.core.x509.Openssl;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Timestamps and revocation, differentially: for each state of the signing chain, the TSA chain and their revocation
 * services (a real {@code openssl ca} PKI with {@code openssl ocsp} and CRLs on 127.0.0.1; {@code openssl ts -reply}
 * TSAs), nota and the real {@code notation} (v1.3.2) verify the same artifact with the same configuration directory at
 * strict, permissive and audit, and at custom levels where an override changes the verdict. Each row asserts both
 * verdicts, the check that fails or is logged, and the reason each tool gives.
 *
 * <p>Expired signing certificates are real: a certificate valid for {@link #EXPIRING} signs (with and without a
 * timestamp, with nota and with notation) before the first test, and the tests that need it expired run last, waiting
 * only for what is left of that time (usually nothing).
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimestampRevocationDifferentialTest {
  private static final String AREA = "Timestamp and revocation (differential)";
  private static final List<String> LEVELS = List.of("strict", "permissive", "audit");
  private static final List<String> SIGNERS = List.of("nota", "notation");
  /** How long the expiring signing certificate lives after it is issued. */
  private static final Duration EXPIRING = Duration.ofSeconds(15);
  private static final int LAST = 100;

  @TempDir static Path classDir;
  private static Path notation;
  private static TestRegistry registry;
  private static RegistryClient client;
  private static OpensslTsaServer tsa;
  private static OpensslPki classPki;
  private static OpensslPki.Issued expiring;
  private static OpensslPki.Issued lasting;
  /** Signed while the certificates were valid, by "certificate/signer/timestamped". */
  private static final Map<String, String> signed = new LinkedHashMap<>();

  @TempDir Path home;
  private CliAccess nota;
  private Map<String, String> env;
  private OpensslPki pki;
  private RevocableTsa revocableTsa;

  @BeforeAll
  static void startAndSignWithAnExpiringAndALastingCertificate() throws Exception {
    notation = Peers.require("notation");
    Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    registry = TestRegistry.builder().referrersApi(true).start();
    client = new RegistryClient(RegistryOptions.defaults());
    tsa = OpensslTsaServer.start(classDir.resolve("tsa"));
    Path pkiDir = classDir.resolve("pki");
    classPki = OpensslPki.start(pkiDir);
    // the root and intermediate are not backdated: a timestamp's accuracy range must lie inside their validity
    awaitValidity(classPki.intermediate());
    Instant notAfter = Instant.now().plus(EXPIRING);
    expiring = PkiCertificates.issue(pkiDir, "inter", "expiring", PkiCertificates.codeSigning(), notAfter);
    lasting = PkiCertificates.issue(pkiDir, "inter", "lasting", PkiCertificates.codeSigning(),
        Instant.now().plus(Duration.ofDays(30)));

    Path signerHome = Files.createDirectories(classDir.resolve("signer"));
    CliAccess signer = new CliAccess(signerHome);
    Map<String, String> signerEnv = Peers.environment(signerHome, signer.config());
    for (String name : List.of("expiring", "lasting")) {
      OpensslPki.Issued cert = name.equals("expiring") ? expiring : lasting;
      ok(signer.run("key", "add", name, "--key", cert.key().toString(), "--cert",
          classPki.chainPem(cert).toString()));
      for (boolean stamped : new boolean[] {true, false}) {
        List<String> args = new ArrayList<>(List.of("sign", "--key", name));
        if (stamped) {
          args.addAll(List.of("--timestamp-url", tsa.url().toString(), "--timestamp-root-cert",
              tsa.rootCertificate().toString()));
        }
        String byNota = push("nota " + name + " " + stamped);
        args.add(byNota);
        ok(signer.run(args.toArray(String[]::new)));
        String byNotation = push("notation " + name + " " + stamped);
        args.set(args.size() - 1, "--insecure-registry");
        args.add(byNotation);
        ok(Peers.run(notation, signerEnv, args.toArray(String[]::new)));
        signed.put(key(name, "nota", stamped), byNota);
        signed.put(key(name, "notation", stamped), byNotation);
      }
    }
    assertTrue(Instant.now().isBefore(notAfter.minusSeconds(2)),
        "signing took longer than the expiring certificate lived; raise EXPIRING");
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (classPki != null) {
      classPki.close();
    }
    if (tsa != null) {
      tsa.close();
    }
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void setUp() {
    nota = new CliAccess(home);
    env = Peers.environment(home, nota.config());
  }

  @AfterEach
  void stop() {
    if (revocableTsa != null) {
      revocableTsa.close();
    }
    if (pki != null) {
      pki.close();
    }
  }

  // ---- revocation of the signing chain

  @Test
  @Order(1)
  void aGoodChainPassesAndOnceItsLeafIsRevokedFailsOnlyWhereRevocationIsEnforced() throws Exception {
    startPki();
    OpensslPki.Issued leaf = pki.leaf("leaf", true, true, true);
    String ref = signedByNota("leaf", leaf);
    everyLevel("a good chain (OCSP and CRL)", policy(), ref, Verdict.PASS);

    pki.revoke("inter", leaf);
    Verdict revoked = Verdict.revocation(subject("leaf") + " is revoked");
    everyLevel("a revoked leaf", policy(), ref, revoked);
    row("a revoked leaf", policy().override("revocation", "log"), ref, revoked.logged());
    row("a revoked leaf", policy().level("audit").override("revocation", "enforce"), ref, revoked);
    row("a revoked leaf", policy().override("revocation", "skip"), ref, Verdict.PASS);
  }

  @Test
  @Order(2)
  void aRevokedIntermediateFailsOnlyWhereRevocationIsEnforced() throws Exception {
    startPki();
    String ref = signedByNota("leaf", pki.leaf("leaf", true, true, true));
    pki.revoke("root", pki.intermediate());
    Verdict revoked = Verdict.revocation(subject("Test Intermediate") + " is revoked");
    everyLevel("a revoked intermediate", policy(), ref, revoked);
    row("a revoked intermediate", policy().level("permissive").override("revocation", "enforce"), ref, revoked);
  }

  @Test
  @Order(3)
  void whenTheResponderIsDownCrlsDecideAndWithoutThemTheStatusIsUnknown() throws Exception {
    startPki();
    String withCrl = signedByNota("crl", pki.leaf("crl", true, true, true));
    String withoutCrl = signedByNota("nocrl", pki.leaf("nocrl", true, false, true));
    pki.stopOcsp();
    everyLevel("OCSP responder down, CRLs good (fallback)", policy(), withCrl, Verdict.PASS);
    Verdict unknown = Verdict.revocation(subject("nocrl") + " revocation status is unknown");
    everyLevel("OCSP responder down, no CRL", policy(), withoutCrl, unknown);
    row("OCSP responder down, no CRL", policy().override("revocation", "skip"), withoutCrl, Verdict.PASS);
  }

  @Test
  @Order(4)
  void anExpiredCrlMakesTheStatusUnknown() throws Exception {
    startPki();
    String ref = signedByNota("crlonly", pki.leaf("crlonly", false, true, true));
    pki.gencrl("inter", "20200101000000Z", "20200102000000Z");
    everyLevel("an expired CRL (past nextUpdate)", policy(), ref,
        Verdict.revocation(subject("crlonly") + " revocation status is unknown").ours("expired at its nextUpdate"));
  }

  @Test
  @Order(5)
  void aCrlWithABadSignatureMakesTheStatusUnknown() throws Exception {
    startPki();
    String ref = signedByNota("crlonly", pki.leaf("crlonly", false, true, true));
    byte[] crl = pki.crl("inter");
    crl[crl.length - 5] ^= 0x40;
    pki.overrideCrl("inter", crl);
    everyLevel("a CRL with a bad signature (leaf not revoked)", policy(), ref,
        Verdict.revocation(subject("crlonly") + " revocation status is unknown")
            .ours("has a signature that does not verify"));
  }

  /** Answers that are no evidence about the certificate: unknown, so they fail closed at strict. */
  enum BadAnswer {
    OCSP_FOR_ANOTHER_CERTIFICATE("an OCSP response about another certificate", "is not about the certificate"),
    OCSP_OVERSIZED("a 30 KiB OCSP response (limit 20 KiB)", "larger than the 20480-byte limit"),
    CRL_OF_ANOTHER_ISSUER("a CRL of another issuer", "is issued by \"CN=Test Root"),
    CRL_OVERSIZED("a CRL larger than 32 MiB", "larger than the 33554432-byte limit");

    final String description;
    final String ours;

    BadAnswer(String description, String ours) {
      this.description = description;
      this.ours = ours;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BadAnswer.class)
  @Order(6)
  void answersAboutSomethingElseOrTooLargeFailClosed(BadAnswer bad) throws Exception {
    startPki();
    boolean ocsp = bad.name().startsWith("OCSP");
    String ref = signedByNota("leaf", pki.leaf("leaf", ocsp, !ocsp, true));
    switch (bad) {
      case OCSP_FOR_ANOTHER_CERTIFICATE -> pki.ocspMode(OpensslPki.OcspMode.OTHER_CERTIFICATE);
      case OCSP_OVERSIZED -> pki.ocspMode(OpensslPki.OcspMode.OVERSIZED);
      case CRL_OF_ANOTHER_ISSUER -> pki.overrideCrl("inter", pki.crl("root"));
      case CRL_OVERSIZED -> pki.overrideCrl("inter", new byte[32 * 1024 * 1024 + 1024]);
      default -> throw new IllegalStateException(bad.name());
    }
    everyLevel(bad.description, policy(), ref,
        Verdict.revocation(subject("leaf") + " revocation status is unknown").ours(bad.ours));
  }

  @Test
  @Order(7)
  void aLeafRevokedAfterNotaCachedAGoodAnswerStaysGoodForNotaUntilNextUpdateWhileNotationSeesItRevoked()
      throws Exception {
    startPki();
    OpensslPki.Issued leaf = pki.leaf("leaf", true, true, true);
    String ref = signedByNota("leaf", leaf);
    Files.writeString(nota.config().resolve("trustpolicy.json"), policy().json(repo()));
    // A nota process of its own, with HOME set, keeps OCSP answers under ~/.cache/nota/revocation.
    NotaProcess cached = new NotaProcess(home, Map.of());
    ok(cached.run("", "verify", ref));
    pki.revoke("inter", leaf);

    CrossChecks.check(AREA, "a leaf revoked after nota cached a good OCSP answer (deliberate difference): notation "
        + "fails at strict, nota with its cache passes until the answer's nextUpdate, nota without a cache fails",
        () -> {
          Peers.Run theirs = Peers.run(notation, env, "verify", "--verbose", "--insecure-registry", ref);
          CliAccess.Result ours = cached.run("", "verify", ref);
          CliAccess.Result uncached = nota.run("verify", ref);
          String all = "\n=== notation\n" + theirs + "\n=== nota (cache)\n" + ours + "\n=== nota\n" + uncached;
          assertNotEquals(0, theirs.code(), all);
          assertTrue((theirs.out() + theirs.err()).contains(subject("leaf") + " is revoked"), all);
          assertEquals(0, ours.code(), all);
          assertEquals(1, uncached.code(), all);
          assertTrue(uncached.err().contains(subject("leaf") + " is revoked"), all);
        });
  }

  // ---- timestamps

  @Test
  @Order(10)
  void aTimestampFromAnUntrustedTsaFailsOnlyWhereTheTimestampIsEnforced() throws Exception {
    addCaRoot(classPki);
    addTsaRoot("other", tsa.untrustedRootCertificate());
    Policy other = policy().stores("ca:pki", "tsa:other");
    Verdict untrusted = untrustedTimestamp();
    for (String by : SIGNERS) {
      String ref = signed.get(key("lasting", by, true));
      String state = "a timestamp from an untrusted TSA (tsa store holds another root), signed by " + by;
      everyLevel(state, other, ref, untrusted);
      row(state, other.override("authenticTimestamp", "log"), ref, untrusted.logged());
    }
  }

  @Test
  @Order(11)
  void aTsaCertificateThatIsGoodThenRevokedFailsOnlyWhereTheTimestampIsEnforced() throws Exception {
    startPki();
    revocableTsa = RevocableTsa.start(pki, home.resolve("pki"));
    awaitValidity(pki.intermediate());
    addTsaRoot("pkitsa", pki.root().pem());
    String ref = signedByNotationWithRevocableTsa();
    Policy withTsa = policy().stores("ca:pki", "tsa:pkitsa");
    everyLevel("a good TSA chain that names OCSP and CRL, signed by notation", withTsa, ref, Verdict.PASS);

    pki.revoke("inter", revocableTsa.certificate());
    String state = "a revoked TSA certificate, signed by notation";
    Verdict revoked = Verdict.timestamp(subject("Revocable TSA") + " is revoked");
    everyLevel(state, withTsa, ref, revoked);
    row(state, withTsa.override("revocation", "skip"), ref, revoked);
    row(state, withTsa.override("authenticTimestamp", "log"), ref, revoked.logged());
    row(state, withTsa.verifyTimestamp("afterCertExpiry"), ref, Verdict.PASS);

    pki.stopOcsp();
    everyLevel("a revoked TSA certificate, OCSP down, CRL fallback, signed by notation", withTsa, ref, revoked);
  }

  @Test
  @Order(12)
  void bothSignWithATsaWhoseCertificateNamesAnOcspResponder() throws Exception {
    startPki();
    revocableTsa = RevocableTsa.start(pki, home.resolve("pki"));
    awaitValidity(pki.intermediate());
    addTsaRoot("pkitsa", pki.root().pem());
    String byNotation = signedByNotationWithRevocableTsa();
    String byNota = push("signed by nota, TSA with OCSP " + home);
    CrossChecks.check(AREA, "both sign with a TSA whose certificate names an OCSP responder and CRL", () -> {
      ok(nota.run("sign", "--key", "leaf", "--timestamp-url", revocableTsa.url().toString(),
          "--timestamp-root-cert", pki.root().pem().toString(), byNota));
    });
    Policy withTsa = policy().stores("ca:pki", "tsa:pkitsa");
    for (String ref : List.of(byNota, byNotation)) {
      everyLevel("a good TSA chain that names OCSP and CRL", withTsa, ref, Verdict.PASS);
    }
  }

  @Test
  @Order(13)
  void verifyTimestampAfterCertExpiryIgnoresTheTimestampWhileTheCertificateIsValid() throws Exception {
    addCaRoot(classPki);
    addTsaRoot("other", tsa.untrustedRootCertificate());
    Policy always = policy().stores("ca:pki", "tsa:other").verifyTimestamp("always");
    Policy after = always.verifyTimestamp("afterCertExpiry");
    for (String by : SIGNERS) {
      String stamped = signed.get(key("lasting", by, true));
      String unstamped = signed.get(key("lasting", by, false));
      String who = ", signed by " + by;
      everyLevel("valid certificate, untrusted timestamp" + who, always, stamped, untrustedTimestamp());
      everyLevel("valid certificate, untrusted timestamp" + who, after, stamped, Verdict.PASS);
      everyLevel("valid certificate, no timestamp" + who, always, unstamped, noTimestamp());
      everyLevel("valid certificate, no timestamp" + who, after, unstamped, Verdict.PASS);
    }
  }

  /** Why a JWS envelope's unsigned timestamp is replaced (the unprotected header is not signed). */
  enum BadToken {
    GARBAGE("garbage bytes", "failed to parse timestamp countersignature", "not a CMS SignedData structure"),
    ANOTHER_SIGNATURES("the token of another signature", "invalid TSTInfo: mismatched message",
        "its message imprint differs from the SHA-256 of the signature");

    final String description;
    final String theirs;
    final String ours;

    BadToken(String description, String theirs, String ours) {
      this.description = description;
      this.theirs = theirs;
      this.ours = ours;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BadToken.class)
  @Order(14)
  void aBadTimestampTokenInTheEnvelopeFailsOnlyWhereTheTimestampIsEnforced(BadToken bad) throws Exception {
    addCaRoot(classPki);
    addTsaRoot("tsa", tsa.rootCertificate());
    ok(nota.run("key", "add", "lasting", "--key", lasting.key().toString(), "--cert",
        classPki.chainPem(lasting).toString()));
    byte[] token = bad == BadToken.GARBAGE
        ? "<html>no timestamp</html>".getBytes(StandardCharsets.UTF_8)
        : timestampOf(signed.get(key("lasting", "nota", true)));
    String ref = signedThenTampered("bad token " + bad, token);
    everyLevel("a timestamp token replaced by " + bad.description + " (JWS unprotected header), signed by nota",
        policy().stores("ca:pki", "tsa:tsa"), ref, new Verdict(false, "authenticTimestamp", bad.theirs, bad.ours));
  }

  // ---- expired signing certificates (run last: the certificate expires EXPIRING after the class starts)

  @Test
  @Order(LAST)
  void anExpiredSigningCertificatePassesWithATrustedTimestampAndFailsWithoutOne() throws Exception {
    awaitExpiry();
    addCaRoot(classPki);
    addTsaRoot("tsa", tsa.rootCertificate());
    Policy withTsa = policy().stores("ca:pki", "tsa:tsa");
    Policy withoutTsa = policy().stores("ca:pki");
    Verdict expired = Verdict.timestamp(
        "verification time is after certificate \"CN=expiring,O=nota tests,ST=WA,C=US\" validity period");
    for (String by : SIGNERS) {
      String stamped = signed.get(key("expiring", by, true));
      String unstamped = signed.get(key("expiring", by, false));
      String who = ", signed by " + by;
      everyLevel("expired signing certificate, trusted timestamp" + who, withTsa, stamped, Verdict.PASS);
      everyLevel("expired signing certificate, trusted timestamp" + who, withTsa.verifyTimestamp("afterCertExpiry"),
          stamped, Verdict.PASS);
      everyLevel("expired signing certificate, timestamp, no tsa store in the policy" + who, withoutTsa, stamped,
          expired);
      everyLevel("expired signing certificate, no timestamp, no tsa store" + who, withoutTsa, unstamped, expired);
      everyLevel("expired signing certificate, no timestamp, tsa store" + who, withTsa, unstamped, noTimestamp());
      everyLevel("expired signing certificate, no timestamp, tsa store" + who,
          withTsa.verifyTimestamp("afterCertExpiry"), unstamped, noTimestamp());
      row("expired signing certificate, no timestamp, no tsa store" + who,
          withoutTsa.override("authenticTimestamp", "log"), unstamped, expired.logged());
      row("expired signing certificate, no timestamp, no tsa store" + who, withoutTsa.override("expiry", "log"),
          unstamped, expired);
    }
  }

  @Test
  @Order(LAST)
  void anExpiredSigningCertificateWithAnUntrustedTimestampFailsOnlyWhereTheTimestampIsEnforced() throws Exception {
    awaitExpiry();
    addCaRoot(classPki);
    addTsaRoot("other", tsa.untrustedRootCertificate());
    Policy other = policy().stores("ca:pki", "tsa:other").verifyTimestamp("afterCertExpiry");
    for (String by : SIGNERS) {
      everyLevel("expired signing certificate, untrusted timestamp, signed by " + by, other,
          signed.get(key("expiring", by, true)), untrustedTimestamp());
    }
  }

  // ---- a TSA that answers badly: neither tool signs

  /** TSA answers that must stop signing, with what notation and nota say. */
  enum BadTsa {
    GARBAGE(OpensslTsaServer.Behaviour.GARBAGE, 1, "asn1: structure error",
        "is not an RFC 3161 timestamp response"),
    HUGE(OpensslTsaServer.Behaviour.HUGE, 1, "max response body size allowed is 1 MiB",
        "sent more than 1048576 bytes"),
    // notation refuses the altered reply on its message imprint: the test TSA re-encodes the request without the NULL
    // hash parameters, which notation compares too; nota notices the nonce first.
    WRONG_NONCE(OpensslTsaServer.Behaviour.WRONG_NONCE, 1, "invalid timestamping response",
        "the token's nonce differs"),
    WRONG_IMPRINT(OpensslTsaServer.Behaviour.WRONG_IMPRINT, 1, "message imprint in response",
        "message imprint is not the hash nota sent"),
    UNTRUSTED_CA(OpensslTsaServer.Behaviour.UNTRUSTED_CA, 1, "certificate signed by unknown authority",
        "does not lead to a trusted TSA root"),
    HTTP_500(OpensslTsaServer.Behaviour.HTTP_500, 3, "bad status: 500", "answered HTTP 500");

    final OpensslTsaServer.Behaviour behaviour;
    final int exit;
    final String theirs;
    final String ours;

    BadTsa(OpensslTsaServer.Behaviour behaviour, int exit, String theirs, String ours) {
      this.behaviour = behaviour;
      this.exit = exit;
      this.theirs = theirs;
      this.ours = ours;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BadTsa.class)
  @Order(20)
  void aTsaThatAnswersBadlyStopsBothSignersAndNothingIsPushed(BadTsa bad) throws Exception {
    ok(nota.run("key", "add", "lasting", "--key", lasting.key().toString(), "--cert",
        classPki.chainPem(lasting).toString(), "--default"));
    Descriptor image;
    try (Target target = client.repository(Reference.parse(repo()))) {
      image = CliAccess.pushSampleImage(target, null, "bad TSA " + bad);
    }
    String ref = repo() + "@" + image.digest();
    CrossChecks.check(AREA, "a TSA that answers " + bad.behaviour + ": both refuse to sign, nothing is pushed", () -> {
      tsa.behaviour(bad.behaviour);
      try {
        Peers.Run theirs = Peers.run(notation, env, "sign", "--insecure-registry", "--timestamp-url",
            tsa.url().toString(), "--timestamp-root-cert", tsa.rootCertificate().toString(), ref);
        CliAccess.Result ours = nota.run("sign", "--timestamp-url", tsa.url().toString(), "--timestamp-timeout",
            "5s", "--timestamp-root-cert", tsa.rootCertificate().toString(), ref);
        String both = "\n=== notation\n" + theirs + "\n=== nota\n" + ours;
        assertNotEquals(0, theirs.code(), both);
        assertTrue(theirs.err().contains("Error: timestamp: "), both);
        assertTrue(theirs.err().contains(bad.theirs), both);
        assertEquals(bad.exit, ours.code(), both);
        assertEquals(1, ours.err().strip().lines().count(), both);
        assertTrue(ours.err().contains(bad.ours), both);
      } finally {
        tsa.behaviour(OpensslTsaServer.Behaviour.GOOD);
      }
      try (Target target = client.repository(Reference.parse(repo()))) {
        assertEquals(List.of(), target.referrers(image, null));
      }
    });
  }

  // ---- the rows

  /** A trust policy statement for the test repository; each method returns a modified copy. */
  record Policy(String level, Map<String, String> override, String verifyTimestamp, List<String> stores) {
    Policy level(String l) {
      return new Policy(l, override, verifyTimestamp, stores);
    }

    Policy override(String check, String action) {
      Map<String, String> o = new LinkedHashMap<>(override);
      o.put(check, action);
      return new Policy(level, o, verifyTimestamp, stores);
    }

    Policy verifyTimestamp(String v) {
      return new Policy(level, override, v, stores);
    }

    Policy stores(String... s) {
      return new Policy(level, override, verifyTimestamp, List.of(s));
    }

    String describe() {
      String s = level;
      if (!override.isEmpty()) {
        s += " with override " + override.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", "));
      }
      if (verifyTimestamp != null) {
        s += ", verifyTimestamp " + verifyTimestamp;
      }
      return s;
    }

    String json(String scope) {
      StringBuilder sv = new StringBuilder("{\"level\":\"" + level + "\"");
      if (!override.isEmpty()) {
        sv.append(",\"override\":{").append(override.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"").collect(Collectors.joining(","))).append('}');
      }
      if (verifyTimestamp != null) {
        sv.append(",\"verifyTimestamp\":\"").append(verifyTimestamp).append('"');
      }
      sv.append('}');
      return "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"differential\",\"registryScopes\":[\"" + scope
          + "\"],\"signatureVerification\":" + sv + ",\"trustStores\":["
          + stores.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","))
          + "],\"trustedIdentities\":[\"*\"]}]}";
    }
  }

  /** strict, no override, timestamps verified always, the PKI's root as the only {@code ca} store. */
  private static Policy policy() {
    return new Policy("strict", Map.of(), null, List.of("ca:pki"));
  }

  /**
   * What both tools must do: pass or fail, and when a check fails (enforced) or is only logged (the verification passes
   * with a warning), which check and the reason each tool prints ({@code theirs} by notation, {@code ours} by nota).
   */
  record Verdict(boolean passes, String check, String theirs, String ours) {
    static final Verdict PASS = new Verdict(true, null, null, null);

    static Verdict revocation(String reason) {
      return new Verdict(false, "revocation", reason, reason);
    }

    static Verdict timestamp(String reason) {
      return new Verdict(false, "authenticTimestamp", reason, reason);
    }

    /** The same verdict, with nota's own detail besides the shared reason. */
    Verdict ours(String detail) {
      return new Verdict(passes, check, theirs, ours + "\u0000" + detail);
    }

    /** The same failure, logged instead of enforced. */
    Verdict logged() {
      return new Verdict(true, check, theirs, ours);
    }

    /** The verdict at a preset level: revocation and authenticTimestamp are enforced at strict only. */
    Verdict at(String level) {
      return passes || level.equals("strict") ? this : logged();
    }

    String describe() {
      if (check == null) {
        return "both pass";
      }
      String why = " (\"" + theirs + "\"" + (ours.equals(theirs) ? "" : " / nota \"" + ours.replace('\u0000', ' ')
          .replace(theirs + " ", "") + "\"") + ")";
      return (passes ? "both pass, logging " : "both fail ") + check + why;
    }
  }

  /** A failing authentic timestamp whose chain leads to no root of the {@code tsa} store. */
  private static Verdict untrustedTimestamp() {
    return new Verdict(false, "authenticTimestamp", "x509: certificate signed by unknown authority",
        "timestamp certificate chain does not lead to a trusted TSA root");
  }

  private static Verdict noTimestamp() {
    return Verdict.timestamp("no timestamp countersignature was found in the signature envelope");
  }

  /** One row per preset level: {@code strict} is the strict verdict; permissive and audit log that check. */
  private void everyLevel(String state, Policy base, String ref, Verdict strict) throws Exception {
    for (String level : LEVELS) {
      row(state, base.level(level), ref, strict.at(level));
    }
  }

  /** Both tools verify {@code ref} under {@code p} with the same configuration and must reach {@code v}. */
  private void row(String state, Policy p, String ref, Verdict v) throws Exception {
    CrossChecks.check(AREA, state + " at " + p.describe() + ": " + v.describe(), () -> {
      Files.createDirectories(nota.config());
      Files.writeString(nota.config().resolve("trustpolicy.json"), p.json(repo()));
      Peers.Run theirs = Peers.run(notation, env, "verify", "--verbose", "--insecure-registry", ref);
      CliAccess.Result ours = nota.run("verify", ref);
      String both = "\n=== notation\n" + theirs + "\n=== nota\n" + ours;
      if (v.passes()) {
        assertEquals(0, theirs.code(), both);
        assertEquals(0, ours.code(), both);
      } else {
        assertNotEquals(0, theirs.code(), both);
        assertEquals(1, ours.code(), both);
      }
      if (v.check() == null) {
        return;
      }
      String theirText = theirs.out() + theirs.err();
      String line = v.passes() ? "Warning: " + v.check() + " was set to \"log\" and failed with error: "
          : ": " + v.check() + " failed: ";
      assertTrue(theirText.contains(v.check() + " validation failed"), both);
      assertTrue(theirText.contains(v.theirs()), both);
      String reasonLine = ours.err().lines().filter(l -> l.contains(line)).findFirst().orElse("");
      for (String part : v.ours().split("\u0000")) {
        assertTrue(reasonLine.contains(part), both);
      }
    });
  }

  // ---- setup helpers

  private void startPki() throws Exception {
    pki = OpensslPki.start(home.resolve("pki"));
    addCaRoot(pki);
  }

  private void addCaRoot(OpensslPki p) {
    ok(nota.run("cert", "add", "--type", "ca", "--store", "pki", p.root().pem().toString()));
  }

  private void addTsaRoot(String store, Path root) {
    ok(nota.run("cert", "add", "--type", "tsa", "--store", store, root.toString()));
  }

  private static String subject(String cn) {
    return "certificate with subject \"CN=" + cn + ",O=nota tests,ST=WA,C=US\"";
  }

  /** Pushes an image, signs it with nota using {@code leaf} (no timestamp), and returns its reference. */
  private String signedByNota(String name, OpensslPki.Issued leaf) throws Exception {
    ok(nota.run("key", "add", name, "--key", leaf.key().toString(), "--cert", pki.chainPem(leaf).toString()));
    String ref = push("signed by nota with " + name + " " + home);
    ok(nota.run("sign", "--key", name, ref));
    return ref;
  }

  /**
   * Issues key "leaf" (naming the PKI's OCSP and CRL, valid since a minute ago), pushes an image and has notation sign
   * it with a timestamp of {@link #revocableTsa} (whose chain notation checks online).
   */
  private String signedByNotationWithRevocableTsa() throws Exception {
    OpensslPki.Issued leaf = PkiCertificates.issue(home.resolve("pki"), "inter", "leaf",
        PkiCertificates.codeSigning(pki, "inter"), Instant.now().plus(Duration.ofDays(30)));
    ok(nota.run("key", "add", "leaf", "--key", leaf.key().toString(), "--cert", pki.chainPem(leaf).toString()));
    String ref = push("signed by notation, TSA with OCSP " + home);
    ok(Peers.run(notation, env, "sign", "--insecure-registry", "--key", "leaf", "--timestamp-url",
        revocableTsa.url().toString(), "--timestamp-root-cert", pki.root().pem().toString(), ref));
    return ref;
  }

  /** The timestamp token of the (only) JWS signature of {@code ref}. */
  private static byte[] timestampOf(String ref) throws Exception {
    try (Target target = client.repository(Reference.parse(repo()))) {
      String json = new String(fetchBlob(target, onlyEnvelope(target, ref)), StandardCharsets.UTF_8);
      String field = "\"io.cncf.notary.timestampSignature\":\"";
      int start = json.indexOf(field) + field.length();
      return Base64.getDecoder().decode(json.substring(start, json.indexOf('"', start)));
    }
  }

  /**
   * Pushes an image that nota signs with key "lasting" and a timestamp, then replaces that signature with one whose
   * envelope carries {@code token} instead: the unprotected JWS header is not covered by the signature, so only the
   * timestamp check can notice. Returns the image's reference.
   */
  private String signedThenTampered(String content, byte[] token) throws Exception {
    String ref = push(content);
    ok(nota.run("sign", "--key", "lasting", "--timestamp-url", tsa.url().toString(), "--timestamp-root-cert",
        tsa.rootCertificate().toString(), ref));
    try (Target target = client.repository(Reference.parse(repo()))) {
      Descriptor signature = onlySignature(target, ref);
      ManifestContent manifest = target.fetchManifest(signature.digest().toString());
      Descriptor layer = OciJson.parseManifest(manifest.bytes()).layers().get(0);
      String envelope = new String(fetchBlob(target, layer), StandardCharsets.UTF_8);
      byte[] tampered = envelope.replaceFirst("(\"io.cncf.notary.timestampSignature\":\")[^\"]+",
          "$1" + Base64.getEncoder().encodeToString(token)).getBytes(StandardCharsets.UTF_8);
      assertNotEquals(envelope, new String(tampered, StandardCharsets.UTF_8));
      Descriptor newLayer = Descriptor.of(MediaTypes.JWS, Digest.sha256(tampered), tampered.length);
      target.pushBlob(newLayer, new ByteArrayInputStream(tampered));
      String newManifest = new String(manifest.bytes(), StandardCharsets.UTF_8)
          .replace(layer.digest().toString(), newLayer.digest().toString())
          .replace("\"size\":" + layer.size() + "}", "\"size\":" + tampered.length + "}");
      assertTrue(newManifest.contains("\"size\":" + tampered.length + "}"), newManifest);
      target.pushManifest(manifest.descriptor().mediaType(), newManifest.getBytes(StandardCharsets.UTF_8), null);
      target.deleteManifest(signature);
      assertEquals(1, target.referrers(target.resolve(digestOf(ref)), null).size());
    }
    return ref;
  }

  private static Descriptor onlySignature(Target target, String ref) throws Exception {
    List<Descriptor> signatures = target.referrers(target.resolve(digestOf(ref)), MediaTypes.NOTARY_SIGNATURE);
    assertEquals(1, signatures.size(), ref);
    return signatures.get(0);
  }

  private static Descriptor onlyEnvelope(Target target, String ref) throws Exception {
    ManifestContent manifest = target.fetchManifest(onlySignature(target, ref).digest().toString());
    return OciJson.parseManifest(manifest.bytes()).layers().get(0);
  }

  private static byte[] fetchBlob(Target target, Descriptor blob) throws Exception {
    try (InputStream in = target.fetchBlob(blob)) {
      return in.readAllBytes();
    }
  }

  private static String digestOf(String ref) {
    return ref.substring(ref.indexOf('@') + 1);
  }

  private static String repo() {
    return registry.host() + "/app";
  }

  private static String push(String content) throws Exception {
    try (Target target = client.repository(Reference.parse(repo()))) {
      Descriptor d = CliAccess.pushSampleImage(target, null, content);
      return repo() + "@" + d.digest();
    }
  }

  private static String key(String cert, String signer, boolean stamped) {
    return cert + "/" + signer + "/" + stamped;
  }

  /**
   * Waits until {@code ca} (just made) has been valid for two seconds, so that a timestamp's accuracy range (one second
   * each side of genTime) lies inside its validity. Usually a second or less.
   */
  private static void awaitValidity(OpensslPki.Issued ca) throws InterruptedException {
    Instant valid = ca.certificate().getNotBefore().toInstant().plusSeconds(2);
    long wait = Duration.between(Instant.now(), valid).toMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  /** Waits until the expiring certificate has expired (with a second's margin), which is usually long past. */
  private static void awaitExpiry() throws InterruptedException {
    Instant expired = expiring.certificate().getNotAfter().toInstant().plusSeconds(1);
    long wait = Duration.between(Instant.now(), expired).toMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
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
