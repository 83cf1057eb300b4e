package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BulkTest {
  @Test
  void anErrorInOneTaskStopsTheOthersBeforeTheRunEnds() {
    CountDownLatch slowStarted = new CountDownLatch(1);
    AtomicBoolean slowStopped = new AtomicBoolean();
    Bulk.Task task = (ref, err) -> {
      if (ref.equals("slow")) {
        slowStarted.countDown();
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          Thread.sleep(300); // winding down, still using the shared clients
          slowStopped.set(true);
          throw e;
        }
        return new Bulk.Outcome(ExitCode.OK, List.of("verified slow"), Map.of());
      }
      slowStarted.await(10, TimeUnit.SECONDS);
      throw new StackOverflowError("simulated");
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bulk.run(List.of("boom", "slow"), 2,
        false, false, new PrintWriter(out), new PrintWriter(err), "verified", task));
    assertTrue(e.getCause() instanceof StackOverflowError, String.valueOf(e.getCause()));
    // the shared clients are closed after run() returns: no task may still be running then
    assertTrue(slowStopped.get(), "the other task was still running when the bulk run ended");
    assertEquals("", out.toString());
  }
}
