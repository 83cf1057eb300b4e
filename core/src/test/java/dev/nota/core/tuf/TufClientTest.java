package dev.nota.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verification chain against repositories made in the test, and every attack refused with role and reason. */
class TufClientTest {
  static final String GUN = "registry.example.com/acme/app";
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  static final byte[] V1 = "{\"manifest\":1}".getBytes(StandardCharsets.UTF_8);
  static final byte[] V2 = "{\"manifest\":2}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  static TestRepo repo() {
    TestRepo r = new TestRepo(GUN, NOW);
    r.targets.get("targets").put("v1", V1);
    return r;
  }

  static TufClient.Options at(Instant t) {
    return TufClient.Options.of(Clock.fixed(t, ZoneOffset.UTC));
  }

  TrustedRepository load(Path dir, TufClient.Options o) throws TufException {
    return TufClient.load(GUN, TrustDirSource.of(dir, GUN), o);
  }

  TufException refused(Path dir, TufClient.Options o) {
    return assertThrows(TufException.class, () -> load(dir, o));
  }

  @Test
  void aRepositoryWrittenInNotarysLayoutVerifiesAndListsItsTags() throws Exception {
    TestRepo r = repo();
    TestRepo.Key rel = TestRepo.rsa();
    r.targets.put("targets/releases", new java.util.LinkedHashMap<>(Map.of("v2", V2)));
    r.delegations.put("targets", List.of(new TestRepo.Deleg("targets/releases", List.of(rel), 1, List.of(""))));
    r.signers.put("targets/releases", List.of(rel));
    TrustedRepository t = load(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    List<SignedTarget> all = t.list(null);
    assertEquals(List.of("v1", "v2"), all.stream().map(SignedTarget::name).toList());
    assertEquals("targets/releases", all.get(1).role());
    assertEquals(List.of(rel.pub().id()), all.get(1).signerKeyIds());
    SignedTarget v2 = t.docker("v2");
    assertEquals("sha256:" + java.util.HexFormat.of().formatHex(TufKey.sha256(V2)), v2.digest());
    assertEquals(V2.length, v2.length());
    assertEquals("targets", t.docker("v1").role());
  }

  @Test
  void aChangedTargetHashIsRefusedBecauseTheTargetsFileNoLongerMatchesTheSnapshot() throws Exception {
    Path dir = repo().publishAll().writeTo(tmp.resolve("s"));
    String text = Files.readString(dir.resolve("targets.json"));
    String good = java.util.Base64.getEncoder().encodeToString(TufKey.sha256(V1));
    String bad = java.util.Base64.getEncoder().encodeToString(TufKey.sha256(V2));
    Files.writeString(dir.resolve("targets.json"), text.replace(good, bad));
    TufException e = refused(dir, at(NOW));
    assertEquals("targets: sha256 does not match the snapshot metadata (mix-and-match or tampered file)",
        e.getMessage());
  }

  @Test
  void aChangedTargetHashWithARecomputedSnapshotFailsTheTargetsSignature() throws Exception {
    TestRepo r = repo().publishAll();
    String text = new String(r.current.get("targets"), StandardCharsets.UTF_8);
    String good = java.util.Base64.getEncoder().encodeToString(TufKey.sha256(V1));
    String bad = java.util.Base64.getEncoder().encodeToString(TufKey.sha256(V2));
    r.put("targets", text.replace(good, bad).getBytes(StandardCharsets.UTF_8));
    r.publishSnapshotAndTimestamp(); // an attacker holding the server's snapshot and timestamp keys
    TufException e = refused(r.writeTo(tmp.resolve("s")), at(NOW));
    assertEquals("targets: valid signatures from 0 distinct key(s) do not meet the threshold 1", e.getMessage());
    assertEquals(TufException.Kind.VERIFICATION, e.kind());
  }

  @Test
  void anOlderTargetsFileIsRefusedAsARollbackAgainstTheCache() throws Exception {
    TestRepo r = repo().publishAll();
    byte[] oldTargets = r.current.get("targets");
    r.targets.get("targets").put("v2", V2);
    r.publishTargets("targets");
    r.publishSnapshotAndTimestamp();
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    load(r.writeTo(tmp.resolve("s1")), at(NOW).withCache(cache));
    assertEquals(2, cache.version("targets"));
    // the attacker serves targets v1 under a fresh snapshot and timestamp (server-held keys)
    r.put("targets", oldTargets);
    r.publishSnapshotAndTimestamp();
    TufException e = refused(r.writeTo(tmp.resolve("s2")), at(NOW).withCache(cache));
    assertEquals("targets: version 1 is lower than the cached version 2 (rollback)", e.getMessage());
    assertEquals(2, cache.version("targets"), "a refused update leaves the cache alone");
  }

  @Test
  void anOlderTimestampIsRefusedAsARollback() throws Exception {
    TestRepo r = repo().publishAll();
    Path old = r.writeTo(tmp.resolve("s1"));
    r.publishTimestamp();
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    load(r.writeTo(tmp.resolve("s2")), at(NOW).withCache(cache));
    TufException e = refused(old, at(NOW).withCache(cache));
    assertEquals("timestamp: version 1 is lower than the cached version 2 (rollback)", e.getMessage());
  }

  @Test
  void aSnapshotThatDoesNotMatchTheTimestampIsRefusedAsMixAndMatch() throws Exception {
    TestRepo r = repo().publishAll();
    byte[] oldSnapshot = r.current.get("snapshot");
    r.targets.get("targets").put("v2", V2);
    r.publishTargets("targets");
    r.publishSnapshotAndTimestamp();
    Path dir = r.writeTo(tmp.resolve("s"));
    // pad the old snapshot to the new one's length, so only the hash can tell
    byte[] mixed = java.util.Arrays.copyOf(oldSnapshot, r.current.get("snapshot").length);
    java.util.Arrays.fill(mixed, oldSnapshot.length, mixed.length, (byte) ' ');
    Files.write(dir.resolve("snapshot.json"), mixed);
    TufException e = refused(dir, at(NOW));
    assertEquals("snapshot: sha256 does not match the timestamp metadata (mix-and-match or tampered file)",
        e.getMessage());
  }

  @Test
  void anExpiredTimestampIsRefusedAtALaterTime() throws Exception {
    TestRepo r = repo().publishAll();
    Path dir = r.writeTo(tmp.resolve("s"));
    load(dir, at(r.timestampExpires.minusSeconds(1)));
    TufException e = refused(dir, at(r.timestampExpires.plusSeconds(1)));
    assertTrue(e.getMessage().startsWith("timestamp: expired at " + r.timestampExpires), e.getMessage());
  }

  @Test
  void tooFewSignaturesForTheThresholdAreRefused() throws Exception {
    TestRepo r = repo();
    TestRepo.Key second = TestRepo.ecdsa();
    r.targetsKeys = List.of(r.targetsKey, second);
    r.targetsThreshold = 2;
    TufException e = refused(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals("targets: valid signatures from 1 distinct key(s) do not meet the threshold 2", e.getMessage());
    r.signers.put("targets", List.of(r.targetsKey, second));
    r.publishTargets("targets");
    r.publishSnapshotAndTimestamp();
    load(r.writeTo(tmp.resolve("s2")), at(NOW));
  }

  @Test
  void theSameSignatureTwiceCountsOnceTowardTheThreshold() throws Exception {
    TestRepo r = repo();
    r.targetsKeys = List.of(r.targetsKey, TestRepo.ecdsa());
    r.targetsThreshold = 2;
    r.signers.put("targets", List.of(r.targetsKey, r.targetsKey));
    TufException e = refused(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals("targets: valid signatures from 1 distinct key(s) do not meet the threshold 2", e.getMessage());
  }

  @Test
  void oneKeyListedUnderTwoKeyIdsCountsOnceTowardTheThreshold() throws Exception {
    TestRepo r = repo();
    TestRepo.Key cert = TestRepo.ecdsaX509("someone", NOW);
    TestRepo.Key bare = TestRepo.bare(cert);
    r.targetsKeys = List.of(cert, bare);
    r.targetsThreshold = 2;
    r.signers.put("targets", List.of(cert, bare));
    TufException e = refused(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals("targets: valid signatures from 1 distinct key(s) do not meet the threshold 2", e.getMessage());
  }

  @Test
  void aDelegationSigningATagOutsideItsPathsIsIgnoredAndNamedWhenTheTagIsAskedFor() throws Exception {
    TestRepo r = repo();
    TestRepo.Key ci = TestRepo.ecdsa();
    r.targets.put("targets/releases", new java.util.LinkedHashMap<>(Map.of("ci/ok", V1, "prod", V2)));
    r.delegations.put("targets", List.of(new TestRepo.Deleg("targets/releases", List.of(ci), 1, List.of("ci/"))));
    r.signers.put("targets/releases", List.of(ci));
    TrustedRepository t = load(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals(List.of("ci/ok", "v1"), t.list(null).stream().map(SignedTarget::name).toList());
    TufException e = assertThrows(TufException.class, () -> t.docker("prod"));
    assertEquals("targets/releases: signs \"prod\" outside its delegated paths [ci/]; ignored", e.getMessage());
  }

  @Test
  void aDelegationMayOnlyNameItsDirectChildren() throws Exception {
    TestRepo r = repo();
    r.delegations.put("targets", List.of(new TestRepo.Deleg("targets/a/b", List.of(TestRepo.ecdsa()), 1,
        List.of(""))));
    TufException e = refused(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals("targets: may only delegate to its direct children, not targets/a/b", e.getMessage());
  }

  @Test
  void rootRotationIsFollowedVersionByVersionFromACachedRoot() throws Exception {
    TestRepo r = repo().publishAll();
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    load(r.writeTo(tmp.resolve("s1")), at(NOW).withCache(cache));
    TestRepo.Key k1 = r.rootKey;
    TestRepo.Key k2 = TestRepo.ecdsaX509(GUN, NOW);
    TestRepo.Key k3 = TestRepo.ecdsaX509(GUN, NOW);
    r.publishRoot(List.of(k2), 1, List.of(k1, k2));
    r.publishRoot(List.of(k3), 1, List.of(k2, k3));
    r.publishSnapshotAndTimestamp();
    TrustedRepository t = load(r.writeTo(tmp.resolve("s2")), at(NOW).withCache(cache));
    assertEquals(3, t.root().version());
    assertEquals(3, cache.version("root"));
  }

  @Test
  void aNewRootSignedOnlyByTheNewKeyIsRefused() throws Exception {
    TestRepo r = repo().publishAll();
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    load(r.writeTo(tmp.resolve("s1")), at(NOW).withCache(cache));
    TestRepo.Key k2 = TestRepo.ecdsaX509(GUN, NOW);
    r.publishRoot(List.of(k2), 1, List.of(k2));
    r.publishSnapshotAndTimestamp();
    TufException e = refused(r.writeTo(tmp.resolve("s2")), at(NOW).withCache(cache));
    assertEquals("root: version 2 is not signed by the root keys of version 1 (valid signatures from 0 distinct "
        + "key(s) do not meet the threshold 1)", e.getMessage());
    assertEquals(1, cache.version("root"));
  }

  @Test
  void aRootWhoseCertificateNamesAnotherGunIsRefused() throws Exception {
    TestRepo r = repo();
    r.rootKey = TestRepo.ecdsaX509("registry.example.com/other", NOW);
    TufException e = refused(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals("root: root certificate CN \"registry.example.com/other\" does not match the GUN " + GUN,
        e.getMessage());
  }

  @Test
  void aPinnedRootCertificateMustBeTheRootKey() throws Exception {
    TestRepo r = repo().publishAll();
    Path dir = r.writeTo(tmp.resolve("s"));
    load(dir, at(NOW).withPinnedRoot(r.rootKey.cert()));
    TufException e = refused(dir, at(NOW).withPinnedRoot(TestRepo.ecdsaX509(GUN, NOW).cert()));
    assertTrue(e.getMessage().startsWith("root: no root key matches the pinned root certificate"), e.getMessage());
  }

  @Test
  void oversizedMetadataIsRefusedBeforeItIsRead() throws Exception {
    Path dir = repo().publishAll().writeTo(tmp.resolve("s"));
    byte[] big = Files.readAllBytes(dir.resolve("timestamp.json"));
    byte[] padded = java.util.Arrays.copyOf(big, (1 << 20) + 10);
    java.util.Arrays.fill(padded, big.length, padded.length, (byte) ' ');
    Files.write(dir.resolve("timestamp.json"), padded);
    TufException e = refused(dir, at(NOW));
    assertEquals("timestamp: metadata is larger than the limit of 1048576 bytes", e.getMessage());
  }

  @Test
  void aTargetsFileLongerThanTheSnapshotSaysIsRefused() throws Exception {
    Path dir = repo().publishAll().writeTo(tmp.resolve("s"));
    Files.writeString(dir.resolve("targets.json"), Files.readString(dir.resolve("targets.json")) + "   ");
    TufException e = refused(dir, at(NOW));
    assertTrue(e.getMessage().startsWith("targets: metadata is larger than the limit of"), e.getMessage());
  }

  @Test
  void anUnderSignedDelegationIsSkippedWithAWarningAndNamedWhenItsTagIsAskedFor() throws Exception {
    TestRepo r = repo();
    TestRepo.Key rel = TestRepo.ecdsa();
    r.targets.put("targets/releases", new java.util.LinkedHashMap<>(Map.of("v2", V2)));
    r.delegations.put("targets", List.of(new TestRepo.Deleg("targets/releases", List.of(rel), 1, List.of(""))));
    r.signers.put("targets/releases", List.of(TestRepo.ecdsa())); // signed by a stranger
    TrustedRepository t = load(r.publishAll().writeTo(tmp.resolve("s")), at(NOW));
    assertEquals(List.of("v1"), t.list(null).stream().map(SignedTarget::name).toList());
    assertFalse(t.warnings().isEmpty());
    assertTrue(t.warnings().get(0).startsWith("targets/releases: valid signatures from 0"), t.warnings().get(0));
    TufException e = assertThrows(TufException.class, () -> t.docker("v2"));
    assertTrue(e.getMessage().endsWith("(looked in targets/releases, then targets); targets/releases: valid "
        + "signatures from 0 distinct key(s) do not meet the threshold 1; role ignored"), e.getMessage());
  }

  @Test
  void aTlsServerIsTrustedThroughTheCaFileAndRefusedWithoutIt() throws Exception {
    Path dir = repo().publishAll().writeTo(tmp.resolve("s"));
    TestRepo.Key tls = TestRepo.ecdsaX509("127.0.0.1", Instant.now(), true);
    Path ca = tmp.resolve("ca.pem");
    Files.writeString(ca, new String(java.util.Base64.getDecoder().decode(TufKey.pemBase64(tls.cert())),
        StandardCharsets.US_ASCII));
    try (StaticTufServer server = StaticTufServer.startHttps(GUN, dir, tls.cert(), tls.priv())) {
      TrustedRepository t = TufClient.load(GUN, ServerSource.of(server.uri(), GUN, ca), at(NOW));
      assertEquals(List.of("v1"), t.list(null).stream().map(SignedTarget::name).toList());
      TufException e = assertThrows(TufException.class,
          () -> TufClient.load(GUN, ServerSource.of(server.uri(), GUN, null), at(NOW)));
      assertEquals(TufException.Kind.NETWORK, e.kind());
      assertTrue(e.getMessage().startsWith("root: GET " + server.uri()), e.getMessage());
    }
  }

  @Test
  void plainHttpIsRefusedForAServerThatIsNotLoopback() {
    TufException e = assertThrows(TufException.class,
        () -> ServerSource.of(java.net.URI.create("http://notary.example.com"), GUN, null));
    assertEquals("plain HTTP is only allowed for a loopback server; use https:// for notary.example.com",
        e.getMessage());
    assertEquals(TufException.Kind.INPUT, e.kind());
  }

  @Test
  void anExpiredDelegationIsSkippedWithAWarning() throws Exception {
    TestRepo r = repo();
    TestRepo.Key rel = TestRepo.ecdsa();
    r.targets.put("targets/releases", new java.util.LinkedHashMap<>(Map.of("v2", V2)));
    r.delegations.put("targets", List.of(new TestRepo.Deleg("targets/releases", List.of(rel), 1, List.of(""))));
    r.signers.put("targets/releases", List.of(rel));
    r.publishAll();
    Instant longLived = r.expires;
    r.expires = NOW.plus(Duration.ofDays(1)); // re-sign only the delegation with a short life
    r.publishTargets("targets/releases");
    r.expires = longLived;
    r.publishSnapshotAndTimestamp();
    Path dir = r.writeTo(tmp.resolve("s"));
    TrustedRepository t = load(dir, at(NOW.plus(Duration.ofDays(2))));
    assertEquals(List.of("v1"), t.list(null).stream().map(SignedTarget::name).toList());
    assertTrue(t.warnings().get(0).startsWith("targets/releases: expired at "), t.warnings().get(0));
    assertEquals(2, load(dir, at(NOW)).list(null).size());
  }

  @Test
  void gunsAreDerivedFromImageReferencesTheWayDockerDoes() throws Exception {
    assertEquals(new Gun("docker.io/library/alpine", null), Gun.fromImage("alpine"));
    assertEquals(new Gun("docker.io/library/alpine", "3.19"), Gun.fromImage("alpine:3.19"));
    assertEquals(new Gun("docker.io/acme/app", "v1"), Gun.fromImage("acme/app:v1"));
    assertEquals(new Gun("docker.io/library/alpine", null), Gun.fromImage("index.docker.io/alpine"));
    assertEquals(new Gun("localhost:5000/a/b", "t"), Gun.fromImage("localhost:5000/a/b:t@sha256:" + "0".repeat(64)));
    assertEquals(new Gun("registry.example.com/acme/app", null), Gun.fromImage("registry.example.com/acme/app"));
    TufException e = assertThrows(TufException.class, () -> Gun.fromImage("Bad/Name"));
    assertEquals(TufException.Kind.INPUT, e.kind());
  }

  @Test
  void canonicalJsonSortsKeysByUtf8BytesAndEscapesOnlyQuoteAndBackslash() throws Exception {
    var node = CanonicalJson.parse("{\"b\":1,\"a\":\"x\\\"y\\\\z\\n<&>\u00e9\",\"\uff01\":0,\"\ud83d\ude00\":0}"
        .getBytes(StandardCharsets.UTF_8), "t");
    assertEquals("{\"a\":\"x\\\"y\\\\z\n<&>\u00e9\",\"b\":1,\"\uff01\":0,\"\ud83d\ude00\":0}",
        new String(CanonicalJson.write(node), StandardCharsets.UTF_8));
    TufException e = assertThrows(TufException.class,
        () -> CanonicalJson.write(CanonicalJson.parse("{\"a\":1.5}".getBytes(StandardCharsets.UTF_8), "t")));
    assertTrue(e.getMessage().contains("fractional"), e.getMessage());
    assertEquals("{\"a\":100}", new String(CanonicalJson.write(CanonicalJson.parse("{\"a\":1e2}"
        .getBytes(StandardCharsets.UTF_8), "t")), StandardCharsets.UTF_8));
    assertThrows(TufException.class, () -> CanonicalJson.parse("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8),
        "t"));
  }

  @Test
  void keyIdsHashTheCanonicalKeyJsonWithANullPrivatePart() {
    String b64 = "gRfbRp3zQQ28";
    String expected = java.util.HexFormat.of().formatHex(TufKey.sha256(("{\"keytype\":\"ed25519\",\"keyval\":"
        + "{\"private\":null,\"public\":\"" + b64 + "\"}}").getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, TufKey.computeId("ed25519", b64));
  }
}
