package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.tuf.TufException;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.policy.NotaryV1Source;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Loading of Notary v1 trust data by {@link NotaryV1Verifier}: once per source and GUN, outside any lock. */
class NotaryV1VerifierTest {
  private static final Descriptor ARTIFACT =
      Descriptor.of(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));

  private static NotaryV1Source source(String gun) {
    return new NotaryV1Source("legacy", URI.create("https://notary.example:4443"), null, gun, null,
        NotaryV1Source.DOCKER_ROLES);
  }

  @Test
  void concurrentChecksOfOneGunLoadItsTrustDataOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    NotaryV1Verifier verifier = new NotaryV1Verifier((src, gun) -> {
      loads.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new TufException(TufException.Kind.NETWORK, "timestamp", "connection refused");
    });
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RequirementOutcome.Check>> checks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        checks.add(pool.submit(() -> verifier.check(source("example.com/app"), ARTIFACT, null, "v1")));
      }
      Thread.sleep(100); // let every check reach the load or the wait for it
      release.countDown();
      for (Future<RequirementOutcome.Check> f : checks) {
        RequirementOutcome.Check c = f.get(10, TimeUnit.SECONDS);
        assertFalse(c.satisfied());
        assertTrue(c.detail().contains("connection refused"), c.detail());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, loads.get());
  }

  @Test
  void aSlowLoadOfOneGunDoesNotHoldUpAnother() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    NotaryV1Verifier verifier = new NotaryV1Verifier((src, gun) -> {
      if (gun.equals("example.com/slow")) {
        slowStarted.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      throw new TufException(TufException.Kind.VERIFICATION, "root", "no trust data for " + gun);
    });
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<RequirementOutcome.Check> slow =
          pool.submit(() -> verifier.check(source("example.com/slow"), ARTIFACT, null, "v1"));
      assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
      // while the slow load runs, other GUNs load and answer at once (nothing holds a lock across a load)
      for (int i = 0; i < 64; i++) {
        RequirementOutcome.Check c = verifier.check(source("example.com/app" + i), ARTIFACT, null, "v1");
        assertTrue(c.detail().contains("no trust data for example.com/app" + i), c.detail());
      }
      assertFalse(slow.isDone());
      release.countDown();
      assertTrue(slow.get(10, TimeUnit.SECONDS).detail().contains("example.com/slow"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anUnexpectedFailureIsNotRememberedAsTheVerdict() {
    AtomicInteger loads = new AtomicInteger();
    NotaryV1Verifier verifier = new NotaryV1Verifier((src, gun) -> {
      if (loads.incrementAndGet() == 1) {
        throw new IllegalStateException("bug");
      }
      throw new TufException(TufException.Kind.VERIFICATION, "root", "expired");
    });
    assertThrows(IllegalStateException.class, () -> verifier.check(source("example.com/app"), ARTIFACT, null, "v1"));
    RequirementOutcome.Check c = verifier.check(source("example.com/app"), ARTIFACT, null, "v1");
    assertTrue(c.detail().contains("expired"), c.detail());
    assertEquals(2, loads.get());
  }
}
