package dev.nota.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pinned root (certificate or key ID) anchors the chain of roots: after root rotations the pin of an older root
 * still leads to the newest root when every version is signed by its predecessor's root keys and its own, and a pin
 * that matches no root, or a chain that breaks after the pinned root, is refused.
 */
class TufRootPinTest {
  static final String GUN = TufClientTest.GUN;

  @TempDir Path tmp;

  TestRepo.Key k1;
  TestRepo.Key k2;
  TestRepo.Key k3;

  /** Root v1 (k1), rotated to v2 (k2, signed by k1 and k2) and v3 (k3, signed by k2 and k3), as notary rotates. */
  TestRepo rotated() {
    TestRepo r = TufClientTest.repo().publishAll();
    k1 = r.rootKey;
    k2 = TestRepo.ecdsaX509(GUN, TufClientTest.NOW);
    k3 = TestRepo.ecdsaX509(GUN, TufClientTest.NOW);
    r.publishRoot(List.of(k2), 1, List.of(k1, k2));
    r.publishRoot(List.of(k3), 1, List.of(k2, k3));
    r.publishSnapshotAndTimestamp();
    return r;
  }

  TrustedRepository load(Path dir, TufClient.Options o) throws TufException {
    return TufClient.load(GUN, TrustDirSource.of(dir, GUN), o);
  }

  static TufClient.Options now() {
    return TufClientTest.at(TufClientTest.NOW);
  }

  @Test
  void thePinOfTheFirstRootLeadsThroughBothRotationsToTheNewestRoot() throws Exception {
    Path dir = rotated().writeTo(tmp.resolve("s"));
    assertEquals(3, load(dir, now().withPinnedRoot(k1.cert())).root().version());
    assertEquals(3, load(dir, now().withPinnedRoot(k2.cert())).root().version());
    assertEquals(3, load(dir, now().withPinnedRoot(k3.cert())).root().version());
  }

  @Test
  void aKeyIdPinWorksWithTheMetadataIdAndTheCanonicalId() throws Exception {
    Path dir = rotated().writeTo(tmp.resolve("s"));
    assertEquals(3, load(dir, now().withPinnedRootKeyId(k1.pub().id())).root().version());
    assertEquals(3, load(dir, now().withPinnedRootKeyId(k1.pub().canonicalId())).root().version());
    TufException e = assertThrows(TufException.class,
        () -> load(dir, now().withPinnedRootKeyId(TestRepo.ecdsa().pub().id())));
    assertTrue(e.getMessage().startsWith("root: no root key matches the pinned root key ID "), e.getMessage());
  }

  @Test
  void aPinMatchingNoRootVersionIsRefused() throws Exception {
    Path dir = rotated().writeTo(tmp.resolve("s"));
    TestRepo.Key stranger = TestRepo.ecdsaX509(GUN, TufClientTest.NOW);
    TufException e = assertThrows(TufException.class, () -> load(dir, now().withPinnedRoot(stranger.cert())));
    assertEquals(TufException.Kind.VERIFICATION, e.kind());
    assertEquals("root: no root key matches the pinned root certificate CN=" + GUN + " (root versions 1 to 3 at "
        + dir + ")", e.getMessage());
  }

  @Test
  void aRootAfterThePinnedOneThatItsKeyDidNotSignIsRefused() throws Exception {
    TestRepo r = TufClientTest.repo().publishAll();
    TestRepo.Key pinned = r.rootKey;
    TestRepo.Key attacker = TestRepo.ecdsaX509(GUN, TufClientTest.NOW);
    r.publishRoot(List.of(attacker), 1, List.of(attacker)); // v2 signed only by the new key
    r.publishSnapshotAndTimestamp();
    Path dir = r.writeTo(tmp.resolve("s"));
    TufException e = assertThrows(TufException.class, () -> load(dir, now().withPinnedRoot(pinned.cert())));
    assertEquals("root: version 2 is not signed by the root keys of version 1 (valid signatures from 0 distinct "
        + "key(s) do not meet the threshold 1)", e.getMessage());
  }

  @Test
  void aCachedNewerRootIsStillCheckedAgainstThePinnedOlderRoot() throws Exception {
    Path dir = rotated().writeTo(tmp.resolve("s"));
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    load(dir, now().withCache(cache));
    assertEquals(3, cache.version("root"));
    assertEquals(3, load(dir, now().withCache(cache).withPinnedRoot(k1.cert())).root().version());
    TufException e = assertThrows(TufException.class, () -> load(dir, now().withCache(cache)
        .withPinnedRoot(TestRepo.ecdsaX509(GUN, TufClientTest.NOW).cert())));
    assertTrue(e.getMessage().startsWith("root: no root key matches the pinned root certificate"), e.getMessage());
  }
}
