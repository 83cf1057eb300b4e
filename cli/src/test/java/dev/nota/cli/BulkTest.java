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

  @Test
  void aPartialFailureKeepsTheLinesReportedBeforeTheError() throws Exception {
    Bulk.Task task = (ref, err) -> {
      if (ref.equals("index")) {
        throw new Bulk.Partial(List.of("Successfully signed r@sha256:aa", "Pushed the signature to r@sha256:bb"),
            new UserException(ExitCode.REGISTRY, "pushing the signature of r@sha256:cc failed"));
      }
      return new Bulk.Outcome(ExitCode.OK, List.of("Successfully signed " + ref), Map.of("result", "signed"));
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Bulk.run(List.of("one", "index", "two"), 2, false, false, new PrintWriter(out), new PrintWriter(err),
        "signed", task);
    assertEquals(ExitCode.REGISTRY, code);
    assertEquals(List.of("Successfully signed one", "Successfully signed r@sha256:aa",
        "Pushed the signature to r@sha256:bb", "error index: pushing the signature of r@sha256:cc failed",
        "Successfully signed two"), out.toString().lines().toList());
    assertTrue(err.toString().contains("1 of 3 references not signed (0 failed, 1 errors)"), err.toString());
  }
}
