package dev.nota.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command on many references in one process: up to {@code concurrency} at once, each reference's report
 * printed in input order as soon as it and those before it are done (text lines, or one JSON object per line), its
 * warnings on the error stream in the same order. A reference that fails (malformed, missing, unreachable) gets its
 * own {@code error} line and does not stop the others. The exit code is the highest of the references' codes, so the
 * ranking is 0 success &lt; 1 a trust decision failed &lt; 2 usage or configuration &lt; 3 registry or network &lt; 4
 * internal error: anything that kept an artifact from being checked outranks a negative check.
 */
final class Bulk {
  private Bulk() {}

  /** What one reference came to: its exit code, its text lines and its JSON object. */
  record Outcome(int code, List<String> lines, Map<String, Object> json) {
    Outcome {
      lines = List.copyOf(lines);
    }
  }

  /** The work on one reference; warnings go to {@code err}. */
  interface Task {
    Outcome run(String reference, PrintWriter err) throws Exception;
  }

  /**
   * A task's failure after it had reported some lines (a recursive sign that signed part of an index): the report
   * keeps those lines, then the error line for {@link #getCause()}.
   */
  static final class Partial extends Exception {
    private final List<String> lines;

    Partial(List<String> lines, Exception cause) {
      super(cause.getMessage(), cause);
      this.lines = List.copyOf(lines);
    }
  }

  /** One report line: {@code status reference[: detail]}. */
  static String line(String status, String reference, String detail) {
    return status + " " + reference + (detail == null || detail.isEmpty() ? "" : ": " + detail);
  }

  /**
   * Runs {@code task} on every reference and prints the reports; returns the worst exit code.
   *
   * @param what what the references are to the summary, e.g. {@code "verified"}
   */
  static int run(List<String> references, int concurrency, boolean json, boolean debug, PrintWriter out,
      PrintWriter err, String what, Task task) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, references.size()), r -> {
      Thread t = new Thread(r, "nota-bulk");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Result>> futures = new ArrayList<>();
      for (String reference : references) {
        futures.add(pool.submit(() -> one(reference, debug, task)));
      }
      int worst = ExitCode.OK;
      int failed = 0;
      int errors = 0;
      for (int i = 0; i < futures.size(); i++) {
        Result r;
        try {
          r = futures.get(i).get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("bulk task failed", e.getCause()); // one() catches every Exception
        }
        err.print(r.err());
        err.flush();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("input", references.get(i));
        doc.putAll(r.outcome().json());
        if (json) {
          Json.line(out, doc);
        } else {
          r.outcome().lines().forEach(out::println);
        }
        out.flush();
        worst = Math.max(worst, r.outcome().code());
        if (r.outcome().code() == ExitCode.VERIFICATION_FAILED) {
          failed++;
        } else if (r.outcome().code() != ExitCode.OK) {
          errors++;
        }
      }
      if (worst != ExitCode.OK) {
        err.println("Error: " + (failed + errors) + " of " + references.size() + " references not " + what + " ("
            + failed + " failed, " + errors + " errors)");
      }
      return worst;
    } finally {
      pool.shutdownNow();
      // After an Error in one task the caller closes the shared clients: let the others stop first.
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private record Result(Outcome outcome, String err) {}

  private static Result one(String reference, boolean debug, Task task) {
    StringWriter buffer = new StringWriter();
    PrintWriter err = new PrintWriter(buffer);
    Outcome outcome;
    try {
      outcome = task.run(reference, err);
    } catch (Exception thrown) {
      List<String> lines = new ArrayList<>();
      Exception e = thrown;
      if (thrown instanceof Partial p) {
        lines.addAll(p.lines);
        e = (Exception) p.getCause();
      }
      int code = Nota.exitCode(e);
      if (code == ExitCode.INTERNAL || debug) {
        e.printStackTrace(err);
      }
      String message = Nota.oneLine(e);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("reference", reference);
      doc.put("result", "error");
      doc.put("exitCode", code);
      doc.put("error", message);
      if (!lines.isEmpty()) {
        doc.put("before", List.copyOf(lines));
      }
      lines.add(line("error", reference, message));
      outcome = new Outcome(code, lines, doc);
    }
    err.flush();
    return new Result(outcome, buffer.toString());
  }
}
