package dev.nota.core.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.revocation.OpensslPki.Issued;
import dev.nota.core.revocation.OpensslPki.OcspMode;
import dev.nota.core.x509.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online checker against a real PKI: {@code openssl ca} revoking on demand, {@code openssl ocsp} answering each
 * request, {@code openssl ca -gencrl} CRLs over HTTP, all on 127.0.0.1. The responses carry real times, so the
 * checker's clock is the system clock here (the vector tests pin theirs).
 */
class OnlineRevocationCheckerTest {
  @TempDir Path temp;
  private OpensslPki pki;

  @BeforeEach
  void startPki() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    pki = OpensslPki.start(temp.resolve("pki"));
  }

  @AfterEach
  void stopPki() {
    if (pki != null) {
      pki.close();
    }
  }

  private OnlineRevocationChecker checker() {
    return new OnlineRevocationChecker(RevocationOptions.defaults().withCacheDir(temp.resolve("cache")));
  }

  private OnlineRevocationChecker uncached() {
    return new OnlineRevocationChecker(RevocationOptions.defaults());
  }

  private static void assertStatus(RevocationStatus want, CertificateRevocation got) {
    assertEquals(want, got.status(), () -> got.method() + ": " + got.detail());
  }

  @Test
  void aGoodChainPassesWithOcspForTheLeafAndTheIntermediate() throws Exception {
    Issued leaf = pki.leaf("good", true, true, true);

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.OK, r.certificates().get(0));
    assertEquals("OCSP", r.certificates().get(0).method());
    assertStatus(RevocationStatus.OK, r.certificates().get(1));
    assertStatus(RevocationStatus.NON_REVOKABLE, r.certificates().get(2));
    assertNull(r.failure());
    assertNull(uncached().check(pki.chain(leaf), null));
  }

  @Test
  void anIssuerSignedResponseThatEmbedsTheIssuerCertificateIsAcceptedUnlikeNotation() throws Exception {
    // RFC 6960 allows it; Go's OCSP parser (so notation) rejects it as "bad OCSP signature". A deliberate difference.
    Issued leaf = pki.leaf("ocsponly", true, false, true);
    pki.embedCaCertificate(true);

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.OK, r.certificates().get(0));
  }

  @Test
  void aRevokedLeafIsRevokedByOcsp() throws Exception {
    Issued leaf = pki.leaf("revoked", true, true, true);
    pki.revoke("inter", leaf);

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertEquals(RevocationStatus.REVOKED, r.status());
    assertEquals("OCSP", r.problem().method());
    assertTrue(r.failure().startsWith("certificate with subject \"CN=revoked,O=nota tests,ST=WA,C=US\" is revoked"),
        r.failure());
  }

  @Test
  void aRevokedIntermediateIsRevoked() throws Exception {
    Issued leaf = pki.leaf("leaf", true, true, true);
    pki.revoke("root", pki.intermediate());

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.OK, r.certificates().get(0));
    assertStatus(RevocationStatus.REVOKED, r.certificates().get(1));
    assertTrue(r.failure().contains("Test Intermediate") && r.failure().contains("is revoked"), r.failure());
  }

  @Test
  void whenTheResponderIsDownTheCrlDecides() throws Exception {
    Issued good = pki.leaf("good", true, true, true);
    Issued revoked = pki.leaf("revoked", true, true, true);
    pki.revoke("inter", revoked);
    pki.stopOcsp();

    ChainRevocation ok = uncached().evaluate(pki.chain(good), null);
    ChainRevocation bad = uncached().evaluate(pki.chain(revoked), null);

    assertStatus(RevocationStatus.OK, ok.certificates().get(0));
    assertEquals("OCSP, then CRL", ok.certificates().get(0).method());
    assertStatus(RevocationStatus.REVOKED, bad.certificates().get(0));
    assertTrue(bad.failure().contains(pki.crlUrl("inter")), bad.failure());
  }

  @Test
  void whenTheResponderIsDownAndThereIsNoCrlTheStatusIsUnknown() throws Exception {
    Issued leaf = pki.leaf("ocsponly", true, false, true);
    pki.stopOcsp();

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertEquals(RevocationStatus.UNKNOWN, r.status());
    assertTrue(r.failure().contains("revocation status is unknown") && r.failure().contains(pki.ocspUrl("inter")),
        r.failure());
  }

  @Test
  void aCertificateTheResponderDoesNotKnowIsUnknown() throws Exception {
    Issued stranger = pki.leaf("stranger", true, false, false);

    ChainRevocation r = uncached().evaluate(pki.chain(stranger), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("does not know the certificate"), r.failure());
  }

  @Test
  void anOcspUnknownFallsBackToTheCrlAsNotationDoes() throws Exception {
    Issued stranger = pki.leaf("stranger", true, true, false);

    ChainRevocation r = uncached().evaluate(pki.chain(stranger), null);

    assertStatus(RevocationStatus.OK, r.certificates().get(0));
    assertEquals("OCSP, then CRL", r.certificates().get(0).method());
  }

  @Test
  void anExpiredCrlGivesUnknown() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.gencrl("inter", "20200101000000Z", "20200102000000Z");

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("expired at its nextUpdate 2020-01-02T00:00:00Z"), r.failure());
  }

  @Test
  void aCrlWithABadSignatureGivesUnknown() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.revoke("inter", leaf);
    byte[] crl = pki.crl("inter");
    crl[crl.length - 5] ^= 0x40;
    pki.overrideCrl("inter", crl);

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("signature that does not verify"), r.failure());
  }

  @Test
  void aCrlFromAnotherIssuerGivesUnknown() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.overrideCrl("inter", pki.crl("root"));

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("is issued by \"CN=Test Root"), r.failure());
  }

  @Test
  void anOcspResponseAboutAnotherCertificateIsNotTrusted() throws Exception {
    Issued leaf = pki.leaf("ocsponly", true, false, true);
    pki.ocspMode(OcspMode.OTHER_CERTIFICATE);

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("is not about the certificate asked for"), r.failure());
  }

  @Test
  void anOversizedOcspResponseIsRefused() throws Exception {
    Issued leaf = pki.leaf("ocsponly", true, false, true);
    pki.ocspMode(OcspMode.OVERSIZED);

    ChainRevocation r = uncached().evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("larger than the 20480-byte limit"), r.failure());
  }

  @Test
  void anOversizedCrlIsRefused() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.overrideCrl("inter", new byte[64 * 1024]);
    OnlineRevocationChecker small = new OnlineRevocationChecker(RevocationOptions.defaults().withLimits(20480, 4096));

    ChainRevocation r = small.evaluate(pki.chain(leaf), null);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("larger than the 4096-byte limit"), r.failure());
  }

  @Test
  void aSlowResponderTimesOutWithinTheConfiguredTimeout() throws Exception {
    Issued leaf = pki.leaf("ocsponly", true, false, true);
    pki.ocspMode(OcspMode.SLOW);
    OnlineRevocationChecker quick = new OnlineRevocationChecker(
        RevocationOptions.defaults().withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)));

    long start = System.nanoTime();
    ChainRevocation r = quick.evaluate(pki.chain(leaf), null);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertStatus(RevocationStatus.UNKNOWN, r.certificates().get(0));
    assertTrue(r.failure().contains("timed out after 500ms"), r.failure());
    assertTrue(took.compareTo(OpensslPki.SLOW_DELAY.minusSeconds(1)) < 0, "took " + took);
  }

  @Test
  void aSecondCheckIsAnsweredFromTheCacheWithoutAnyRequest() throws Exception {
    Issued ocspLeaf = pki.leaf("ocspleaf", true, true, true);
    Issued crlLeaf = pki.leaf("crlleaf", false, true, true);
    checker().evaluate(pki.chain(ocspLeaf), null);
    checker().evaluate(pki.chain(crlLeaf), null);
    int ocsp = pki.ocspRequests();
    int crl = pki.crlRequests();
    assertTrue(ocsp >= 2 && crl >= 1, ocsp + " OCSP, " + crl + " CRL requests");

    ChainRevocation again = checker().evaluate(pki.chain(ocspLeaf), null);
    ChainRevocation againCrl = checker().evaluate(pki.chain(crlLeaf), null);

    assertNull(again.failure());
    assertNull(againCrl.failure());
    assertEquals(ocsp, pki.ocspRequests(), "OCSP requests");
    assertEquals(crl, pki.crlRequests(), "CRL requests");
  }

  @Test
  void withoutACacheDirectoryOneCheckerStillAsksOncePerCertificate() throws Exception {
    Issued leaf = pki.leaf("leaf", true, true, true);
    OnlineRevocationChecker checker = uncached();
    checker.evaluate(pki.chain(leaf), null);
    int ocsp = pki.ocspRequests();

    for (int i = 0; i < 3; i++) {
      assertNull(checker.check(pki.chain(leaf), null));
    }

    assertEquals(ocsp, pki.ocspRequests());
  }

  @Test
  void concurrentChecksOfOneChainAskEachResponderOnce() throws Exception {
    Issued leaf = pki.leaf("leaf", true, true, true);
    OnlineRevocationChecker checker = checker();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> checker.check(pki.chain(leaf), null)));
      }
      for (java.util.concurrent.Future<String> f : results) {
        assertNull(f.get());
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(2, pki.ocspRequests(), "one request for the leaf, one for the intermediate");
  }

  @Test
  void corruptCacheEntriesAreIgnoredAndRefetched() throws Exception {
    Issued leaf = pki.leaf("leaf", true, true, true);
    checker().evaluate(pki.chain(leaf), null);
    int before = pki.ocspRequests();
    try (Stream<Path> files = Files.walk(temp.resolve("cache"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.write(f, new byte[] {0x30, 0x03, 0x02, 0x01});
      }
    }

    ChainRevocation r = checker().evaluate(pki.chain(leaf), null);

    assertNull(r.failure());
    assertEquals(before + 2, pki.ocspRequests());
  }

  @Test
  void aCachedAnswerPastItsNextUpdateIsNotUsed() throws Exception {
    Issued leaf = pki.leaf("leaf", true, false, true);
    checker().evaluate(pki.chain(leaf), null);
    int before = pki.ocspRequests();
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);

    ChainRevocation r = new OnlineRevocationChecker(
        RevocationOptions.defaults().withCacheDir(temp.resolve("cache")).withClock(later)).evaluate(pki.chain(leaf),
        null);

    assertEquals(before + 2, pki.ocspRequests(), "both certificates asked again");
    assertEquals(RevocationStatus.UNKNOWN, r.status(), "a fresh one-day response is stale two days on too");
  }

  @Test
  void aRevokedCertificateRevokedAfterAnAuthenticSigningTimeStillFailsWithoutAnInvalidityDate() throws Exception {
    Issued leaf = pki.leaf("revoked", true, true, true);
    pki.revoke("inter", leaf);

    String failure = uncached().check(pki.chain(leaf), Instant.parse("2020-01-01T00:00:00Z"));

    assertTrue(failure != null && failure.contains("is revoked"), String.valueOf(failure));
  }

  @Test
  void aChainWithoutRevocationLocationsIsNonRevokableAndAsksNothing() throws Exception {
    Issued leaf = pki.leaf("plain", false, false, true);

    ChainRevocation r = uncached().evaluate(java.util.List.of(leaf.certificate(), pki.intermediate().certificate()),
        null);

    assertStatus(RevocationStatus.NON_REVOKABLE, r.certificates().get(0));
    assertEquals(0, pki.ocspRequests() + pki.crlRequests());
  }
}
