package dev.nota.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegation keys given as X.509 certificates ({@code ecdsa-x509}, {@code rsa-x509}) count toward their role's
 * threshold only while the certificate is valid at the verification time: an expired or not-yet-valid certificate
 * makes its key count for nothing (fail closed), and the role is ignored when the remaining keys miss the threshold.
 */
class TufDelegationCertificateTest {
  static final String GUN = TufClientTest.GUN;
  static final Instant NOW = TufClientTest.NOW;

  @TempDir Path tmp;
  private int dirs;

  /** A certificate valid from {@code from - 1h} to {@code from + 3650 days}. */
  static TestRepo.Key certFrom(Instant from) {
    return TestRepo.ecdsaX509("releaser", from);
  }

  Path releasesSignedBy(List<TestRepo.Key> keys, int threshold) throws Exception {
    TestRepo r = TufClientTest.repo();
    r.targets.put("targets/releases", new LinkedHashMap<>(Map.of("v2", TufClientTest.V2)));
    r.delegations.put("targets", List.of(new TestRepo.Deleg("targets/releases", keys, threshold, List.of(""))));
    r.signers.put("targets/releases", keys);
    return r.publishAll().writeTo(tmp.resolve("s" + dirs++));
  }

  static TrustedRepository load(Path dir, Instant at) throws TufException {
    return TufClient.load(GUN, TrustDirSource.of(dir, GUN), TufClient.Options.of(Clock.fixed(at, ZoneOffset.UTC)));
  }

  @Test
  void aValidDelegationCertificateSignsItsTags() throws Exception {
    TestRepo.Key k = certFrom(NOW);
    TrustedRepository t = load(releasesSignedBy(List.of(k), 1), NOW);
    assertEquals("targets/releases", t.docker("v2").role());
    assertEquals(List.of(), t.warnings());
  }

  @Test
  void anExpiredDelegationCertificateCountsForNothingAndTheRoleIsIgnored() throws Exception {
    TestRepo.Key k = certFrom(NOW.minus(Duration.ofDays(3651))); // expired a day before NOW
    TrustedRepository t = load(releasesSignedBy(List.of(k), 1), NOW);
    assertEquals(List.of("v1"), t.list(null).stream().map(SignedTarget::name).toList());
    String expiredAt = k.cert().getNotAfter().toInstant().toString();
    assertEquals(List.of("targets/releases: valid signatures from 0 distinct key(s) do not meet the threshold 1 (key "
        + k.pub().id() + " not counted: its certificate expired at " + expiredAt + "); role ignored"),
        t.warnings());
    TufException e = assertThrows(TufException.class, () -> t.docker("v2"));
    assertTrue(e.getMessage().endsWith("its certificate expired at " + expiredAt + "); role ignored"),
        e.getMessage());
    assertEquals(TufException.Kind.VERIFICATION, e.kind());
  }

  @Test
  void aDelegationCertificateNotYetValidCountsForNothingBeyondOneDayOfLeeway() throws Exception {
    TestRepo.Key later = certFrom(NOW.plus(Duration.ofDays(3))); // valid from NOW + 3 days - 1 hour
    TrustedRepository t = load(releasesSignedBy(List.of(later), 1), NOW);
    assertTrue(t.warnings().get(0).contains("not counted: its certificate is not valid before "
        + later.cert().getNotBefore().toInstant()), t.warnings().toString());
    assertThrows(TufException.class, () -> t.docker("v2"));
    // a few hours early is within notary's one day of leeway for clock skew
    TestRepo.Key soon = certFrom(NOW.plus(Duration.ofHours(12)));
    assertEquals("targets/releases", load(releasesSignedBy(List.of(soon), 1), NOW).docker("v2").role());
  }

  @Test
  void theSameRepositoryVerifiesBeforeTheCertificateExpiresAndNotAfter() throws Exception {
    TestRepo.Key k = certFrom(NOW.minus(Duration.ofDays(3640))); // expires NOW + 10 days - 1 hour
    Path dir = releasesSignedBy(List.of(k), 1);
    assertEquals("targets/releases", load(dir, NOW).docker("v2").role());
    Instant after = k.cert().getNotAfter().toInstant().plusSeconds(1);
    assertThrows(TufException.class, () -> load(dir, after).docker("v2"));
  }

  @Test
  void anExpiredCertificateBesideAValidKeyIsNamedButTheThresholdIsMetByTheOther() throws Exception {
    TestRepo.Key old = certFrom(NOW.minus(Duration.ofDays(3651)));
    TestRepo.Key fresh = certFrom(NOW);
    TrustedRepository t = load(releasesSignedBy(List.of(old, fresh), 1), NOW);
    SignedTarget v2 = t.docker("v2");
    assertEquals(List.of(fresh.pub().id()), v2.signerKeyIds());
    assertEquals(List.of("targets/releases: key " + old.pub().id() + " not counted: its certificate expired at "
        + old.cert().getNotAfter().toInstant()), t.warnings());
    // with a threshold of 2 the expired key is missed
    TrustedRepository two = load(releasesSignedBy(List.of(old, fresh), 2), NOW);
    assertTrue(two.warnings().get(0).startsWith("targets/releases: valid signatures from 1 distinct key(s) do not "
        + "meet the threshold 2 (key " + old.pub().id() + " not counted"), two.warnings().toString());
  }
}
