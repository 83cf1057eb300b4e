package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failures a test switches on while the registry runs, to prove that a client retries, resumes, or reports
 * what went wrong: error statuses, dropped connections, short or corrupted blob downloads, slow responses.
 * Thread-safe; request counting covers every request the server receives (including {@code /token}), in
 * arrival order.
 */
public final class Faults {
  /** What {@link #decide()} tells the router to do with one request. */
  static final int NONE = 0;
  static final int DROP = -1;

  private final Object lock = new Object();
  private long seen;
  private int failRemaining;
  private int failStatus;
  private final Map<Long, Integer> failAt = new HashMap<>();
  private int dropRemaining;
  private final Set<Digest> truncated = ConcurrentHashMap.newKeySet();
  private final Set<Digest> corrupted = ConcurrentHashMap.newKeySet();
  private volatile Duration delay = Duration.ZERO;
  private volatile boolean unindexedSubjects;

  Faults() {}

  /**
   * The next {@code count} requests answer {@code status} with a JSON error body
   * {@code {"errors":[{"code":"UNKNOWN","message":"injected fault"}]}}; a 429 also carries
   * {@code Retry-After: 0}.
   */
  public void failNext(int count, int status) {
    checkStatus(status);
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    synchronized (lock) {
      failRemaining = count;
      failStatus = status;
    }
  }

  /**
   * Only the {@code nth} request from now (1-based) answers {@code status}, as {@link #failNext} describes.
   */
  public void failNth(int nth, int status) {
    checkStatus(status);
    if (nth < 1) {
      throw new IllegalArgumentException("nth is 1-based: " + nth);
    }
    synchronized (lock) {
      failAt.put(seen + nth, status);
    }
  }

  /** The next {@code count} requests get no response: the connection is closed. */
  public void dropNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    synchronized (lock) {
      dropRemaining = count;
    }
  }

  /**
   * GETs of this blob announce the full length but send only half of the bytes, then close the connection.
   */
  public void truncateBlob(Digest digest) {
    truncated.add(Objects.requireNonNull(digest, "digest"));
  }

  /** GETs of this blob send the right length with one byte (the middle one) flipped. */
  public void corruptBlob(Digest digest) {
    corrupted.add(Objects.requireNonNull(digest, "digest"));
  }

  /** Delays every response by {@code perResponse}; {@link Duration#ZERO} switches the delay off. */
  public void delay(Duration perResponse) {
    if (perResponse.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + perResponse);
    }
    delay = perResponse;
  }

  /**
   * While on, manifests pushed with a {@code subject} are stored but not indexed for the Referrers API and get no
   * {@code OCI-Subject} header, as on a registry that only indexes subjects from the day it gained the API: clients
   * then record them in the referrers tag index, and only that index lists them afterwards.
   */
  public void unindexedSubjects(boolean on) {
    unindexedSubjects = on;
  }

  boolean unindexedSubjects() {
    return unindexedSubjects;
  }

  /** Switches every fault off. */
  public void clear() {
    unindexedSubjects = false;
    synchronized (lock) {
      failRemaining = 0;
      failAt.clear();
      dropRemaining = 0;
    }
    truncated.clear();
    corrupted.clear();
    delay = Duration.ZERO;
  }

  /** Counts one arriving request and returns {@link #NONE}, {@link #DROP} or the status to fail it with. */
  int decide() {
    synchronized (lock) {
      seen++;
      Integer nth = failAt.remove(seen);
      if (dropRemaining > 0) {
        dropRemaining--;
        return DROP;
      }
      if (failRemaining > 0) {
        failRemaining--;
        return failStatus;
      }
      return nth == null ? NONE : nth;
    }
  }

  Duration delay() {
    return delay;
  }

  boolean truncates(Digest digest) {
    return truncated.contains(digest);
  }

  boolean corrupts(Digest digest) {
    return corrupted.contains(digest);
  }

  private static void checkStatus(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("fault status must be 4xx or 5xx: " + status);
    }
  }
}
