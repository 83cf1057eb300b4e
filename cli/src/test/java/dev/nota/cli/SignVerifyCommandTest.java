package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.StaticCredentials;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** nota sign and verify end to end, in-process, against the embedded registry. */
class SignVerifyCommandTest {
  @TempDir Path home;
  private TestRegistry registry;
  private RegistryClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private String startRegistry(boolean referrersApi) throws Exception {
    registry = TestRegistry.builder().referrersApi(referrersApi).start();
    client = new RegistryClient(RegistryOptions.defaults());
    return registry.host();
  }

  private Descriptor pushImage(String repository, String tag, String content) throws Exception {
    try (Target target = client.repository(Reference.parse(registry.host() + "/" + repository))) {
      return SampleImage.push(target, tag, content);
    }
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r::toString);
  }

  private void trust(Cli cli, String scope, String store) {
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", scope, "--trust-store", "ca:" + store,
        "--trusted-identity", "*"));
  }

  @ParameterizedTest(name = "{0} with {1} key, referrers API {2}")
  @CsvSource({
    "jws, rsa-2048, true", "cose, rsa-3072, true", "jws, ec-256, false", "cose, ec-384, false",
    "jws, rsa-4096, false", "cose, ec-521, true"
  })
  void signsThenVerifies(String format, String keyType, boolean referrersApi) throws Exception {
    String host = startRegistry(referrersApi);
    Descriptor image = pushImage("app", "v1", "round trip");
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--key-type", keyType, "alice"));
    trust(cli, host + "/app", "alice");

    Cli.Result signed = cli.run("sign", "--signature-format", format, host + "/app:v1");
    ok(signed);
    assertTrue(signed.out().contains("Successfully signed " + host + "/app@" + image.digest()), signed::toString);
    assertTrue(signed.err().contains("Always sign the artifact using digest"), signed::toString);

    Cli.Result verified = cli.run("verify", host + "/app@" + image.digest());
    ok(verified);
    assertTrue(verified.out().contains("Successfully verified signature for " + host + "/app@" + image.digest()));

    Cli.Result listed = cli.run("ls", host + "/app@" + image.digest());
    ok(listed);
    assertTrue(listed.out().contains(MediaTypes.NOTARY_SIGNATURE));
    if (!referrersApi) {
      // Without the Referrers API the signature is listed in the referrers tag schema index.
      try (Target target = client.repository(Reference.parse(host + "/app"))) {
        assertTrue(target.tags().contains(image.digest().referrersTag()), "fallback tag missing");
      }
    }
  }

  @Test
  void signsAndVerifiesInAnOciLayout() throws Exception {
    Path layout = home.resolve("layout");
    Descriptor image;
    try (Target target = dev.nota.oci.layout.LayoutTarget.open(layout)) {
      image = SampleImage.push(target, "v1", "layout");
    }
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    trust(cli, "local/app", "alice");
    ok(cli.run("sign", "--oci-layout", layout + ":v1"));
    ok(cli.run("sign", "--oci-layout", "--signature-format", "cose", layout + "@" + image.digest()));

    Cli.Result verified = cli.run("verify", "--oci-layout", "--scope", "local/app", layout + "@" + image.digest());
    ok(verified);
    Cli.Result wrongScope = cli.run("verify", "--oci-layout", "--scope", "local/other", layout + "@" + image.digest());
    assertEquals(2, wrongScope.code(), wrongScope::toString);
  }

  @Test
  void twoSignersEitherTrustedPolicyVerifiesAndAnUntrustedOneIsSkippedWithoutDownload() throws Exception {
    String host = startRegistry(true);
    Descriptor image = pushImage("app", "v1", "two signers");
    String ref = host + "/app@" + image.digest();
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "alice"));
    ok(cli.run("cert", "generate-test", "bob"));
    ok(cli.run("cert", "generate-test", "carol"));
    ok(cli.run("sign", "--key", "alice", ref));
    ok(cli.run("sign", "--key", "bob", "--signature-format", "cose", ref));

    trust(cli, host + "/app", "alice");
    ok(cli.run("verify", ref));
    trust(cli, host + "/app", "bob");
    ok(cli.run("verify", ref));

    // carol signed nothing: both signatures are present but untrusted, and neither envelope is downloaded.
    trust(cli, host + "/app", "carol");
    int before = registry.requestLog().size();
    Cli.Result r = cli.run("verify", "-o", "json", ref);
    assertEquals(1, r.code(), r::toString);
    List<String> after = registry.requestLog().subList(before, registry.requestLog().size());
    assertTrue(after.stream().noneMatch(l -> l.contains("/blobs/")), () -> "envelopes fetched: " + after);
    assertTrue(r.out().contains("\"skipped\""), r::toString);
  }

  @Test
  void reportsTheFailingCheckForWrongIdentityAndExpiredSignature() throws Exception {
    String host = startRegistry(true);
    Descriptor image = pushImage("app", "v1", "failures");
    String ref = host + "/app@" + image.digest();
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--days", "2", "alice"));
    ok(cli.run("sign", "--expiry", "1h", ref));

    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", host + "/app", "--trust-store", "ca:alice",
        "--trusted-identity", "x509.subject:CN=mallory,O=Notary,L=Seattle,ST=WA,C=US"));
    Cli.Result identity = cli.run("verify", ref);
    assertEquals(1, identity.code(), identity::toString);
    assertTrue(identity.err().contains("authenticity failed"), identity::toString);

    trust(cli, host + "/app", "alice");
    Cli.Result expired = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))).run("verify", ref);
    assertEquals(1, expired.code(), expired::toString);
    assertTrue(expired.err().contains("expiry failed"), expired::toString);

  }

  @Test
  void anExpiredSigningCertificateFailsTheAuthenticTimestampCheck() throws Exception {
    String host = startRegistry(true);
    Descriptor image = pushImage("app", "v1", "expired certificate");
    String ref = host + "/app@" + image.digest();
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--days", "2", "alice"));
    trust(cli, host + "/app", "alice");
    ok(cli.run("sign", ref));
    ok(cli.run("verify", ref));

    Cli.Result later = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(3))).run("verify", ref);
    assertEquals(1, later.code(), later::toString);
    assertTrue(later.err().contains("authenticTimestamp failed: verification time is after certificate"),
        later::toString);
  }

  @Test
  void aCertificateForServersIsRefusedAsASigningKey() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.nota.core.x509.Openssl.available(), "openssl missing");
    Path key = home.resolve("web.key");
    Path cert = home.resolve("web.crt");
    dev.nota.core.x509.Openssl.run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
        "-subj", "/CN=web/O=Notary/ST=WA/C=US", "-addext", "basicConstraints=CA:FALSE",
        "-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=serverAuth");
    Cli cli = new Cli(home);
    Cli.Result r = cli.run("key", "add", "web", "--key", key.toString(), "--cert", cert.toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("serverAuth"), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
  }

  @Test
  void aSignatureMovedToAnotherArtifactFails() throws Exception {
    String host = startRegistry(true);
    Descriptor signedImage = pushImage("app", "v1", "signed");
    Descriptor other = pushImage("app", "v2", "other");
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    trust(cli, host + "/app", "alice");
    ok(cli.run("sign", host + "/app@" + signedImage.digest()));

    // Re-point the valid signature manifest at the other image: same envelope, new subject.
    try (Target target = client.repository(Reference.parse(host + "/app"))) {
      Descriptor sig = target.referrers(signedImage, MediaTypes.NOTARY_SIGNATURE).get(0);
      Manifest m = OciJson.parseManifest(target.fetchManifest(sig.digest().toString()).bytes());
      Manifest moved = new Manifest(m.schemaVersion(), m.mediaType(), m.artifactType(), m.config(), m.layers(),
          other.plain(), m.annotations());
      target.pushManifest(MediaTypes.OCI_MANIFEST, OciJson.write(moved), null);
    }
    Cli.Result r = cli.run("verify", host + "/app@" + other.digest());
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("the signature is for " + signedImage.digest()), r::toString);
  }

  @Test
  void aCorruptedEnvelopeFromTheRegistryFailsIntegrityNotTheWholeRun() throws Exception {
    String host = startRegistry(true);
    Descriptor image = pushImage("app", "v1", "corrupt envelope");
    String ref = host + "/app@" + image.digest();
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "alice"));
    trust(cli, host + "/app", "alice");
    ok(cli.run("sign", ref));
    try (Target target = client.repository(Reference.parse(host + "/app"))) {
      Descriptor sig = target.referrers(image, MediaTypes.NOTARY_SIGNATURE).get(0);
      Manifest m = OciJson.parseManifest(target.fetchManifest(sig.digest().toString()).bytes());
      registry.faults().corruptBlob(m.layers().get(0).digest());
    }
    Cli.Result r = cli.run("verify", ref);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("integrity failed") && r.err().contains("is corrupt"), r::toString);
  }

  @Test
  void debugOutputShowsRequestsButNeverTheSecret() throws Exception {
    registry = TestRegistry.builder().basicAuth("alice", "s3cret-pass").start();
    client = new RegistryClient(RegistryOptions.defaults().withCredentials(new StaticCredentials("alice", "s3cret-pass")));
    Descriptor image = pushImage("app", "v1", "debug");
    Cli cli = new Cli(home).stdin("s3cret-pass\n");
    Cli.Result r = cli.run("ls", "--debug", "-u", "alice", "--password-stdin", registry.host() + "/app@" + image.digest());
    ok(r);
    assertTrue(r.err().contains("debug: ") && r.err().contains("/v2/app/"), r::toString);
    assertFalse(r.err().contains("s3cret-pass") || r.out().contains("s3cret-pass"), r::toString);
    assertFalse(r.err().contains(java.util.Base64.getEncoder().encodeToString("alice:s3cret-pass".getBytes())),
        r::toString);
  }

  @Test
  void badInputGetsOneLineErrorsAndExitCodes() throws Exception {
    String host = startRegistry(true);
    Descriptor image = pushImage("app", "v1", "bad input");
    String ref = host + "/app@" + image.digest();
    Cli cli = new Cli(home);

    Cli.Result badRef = cli.run("verify", "Not//A Reference");
    assertEquals(2, badRef.code(), badRef::toString);
    assertEquals(1, badRef.err().strip().lines().count(), badRef::toString);

    Cli.Result zeroMax = cli.run("verify", "--max-signatures", "0", ref);
    assertEquals(2, zeroMax.code(), zeroMax::toString);
    Cli.Result zeroMaxList = cli.run("ls", "--max-signatures", "0", ref);
    assertEquals(2, zeroMaxList.code(), zeroMaxList::toString);

    Cli.Result noPolicy = cli.run("verify", ref);
    assertEquals(2, noPolicy.code(), noPolicy::toString);

    Files.createDirectories(cli.config);
    Files.writeString(cli.config.resolve("trustpolicy.json"), "{\"version\":\"1.0\",\"trustPolicies\":[{]}");
    Cli.Result broken = cli.run("verify", ref);
    assertEquals(2, broken.code(), broken::toString);
    assertEquals(1, broken.err().strip().lines().count(), broken::toString);

    Cli.Result noKey = cli.run("sign", ref);
    assertEquals(2, noKey.code(), noKey::toString);

    ok(cli.run("cert", "generate-test", "alice"));
    ok(cli.run("cert", "generate-test", "bob"));
    Path aliceKey = cli.config.resolve("localkeys/alice.key");
    Path bobCert = cli.config.resolve("localkeys/bob.crt");
    Cli.Result mismatch = cli.run("key", "add", "mixed", "--key", aliceKey.toString(), "--cert", bobCert.toString());
    assertEquals(2, mismatch.code(), mismatch::toString);
    Path garbage = Files.writeString(home.resolve("garbage.key"), "not a key");
    Cli.Result unreadable = cli.run("key", "add", "g", "--key", garbage.toString(), "--cert", bobCert.toString());
    assertEquals(2, unreadable.code(), unreadable::toString);
    assertFalse(unreadable.err().contains("\tat "), "no stack trace: " + unreadable);

    Cli.Result down = cli.run("sign", "--key", "alice", "127.0.0.1:1/app@" + image.digest());
    assertEquals(3, down.code(), down::toString);
  }
}
