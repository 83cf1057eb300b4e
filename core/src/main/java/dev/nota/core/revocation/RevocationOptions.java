package dev.nota.core.revocation;

import java.net.ProxySelector;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link OnlineRevocationChecker} reaches OCSP responders and CRL distribution points. Timeouts bound each request
 * (connect and whole body); the byte caps refuse oversized answers before they are parsed; the cache directory (null
 * for none) keeps CRLs and OCSP responses until their nextUpdate so that a bulk verification asks each responder once
 * per certificate; the clock decides freshness; the proxy selector (null for direct connections) routes the requests.
 */
public record RevocationOptions(
    Duration ocspTimeout,
    Duration crlTimeout,
    Path cacheDir,
    Clock clock,
    int maxOcspResponseBytes,
    long maxCrlBytes,
    ProxySelector proxy) {

  /** notation's OCSP response limit. */
  public static final int DEFAULT_MAX_OCSP_RESPONSE_BYTES = 20 * 1024;
  /** notation's CRL size limit. */
  public static final long DEFAULT_MAX_CRL_BYTES = 32L * 1024 * 1024;
  /** notation's per-request timeout (hard-coded there, notation#976). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  /** Longest timeout accepted: a verification must not hang on a responder. */
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  public RevocationOptions {
    checkTimeout("OCSP", ocspTimeout);
    checkTimeout("CRL", crlTimeout);
    Objects.requireNonNull(clock, "clock");
    if (maxOcspResponseBytes <= 0 || maxCrlBytes <= 0) {
      throw new IllegalArgumentException("response size limits must be positive");
    }
  }

  /** notation's settings: 2 s timeouts, 20 KiB OCSP and 32 MiB CRL limits, system clock, no cache, no proxy. */
  public static RevocationOptions defaults() {
    return new RevocationOptions(DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, null, Clock.systemUTC(),
        DEFAULT_MAX_OCSP_RESPONSE_BYTES, DEFAULT_MAX_CRL_BYTES, null);
  }

  public RevocationOptions withTimeouts(Duration ocsp, Duration crl) {
    return new RevocationOptions(ocsp, crl, cacheDir, clock, maxOcspResponseBytes, maxCrlBytes, proxy);
  }

  public RevocationOptions withCacheDir(Path dir) {
    return new RevocationOptions(ocspTimeout, crlTimeout, dir, clock, maxOcspResponseBytes, maxCrlBytes, proxy);
  }

  public RevocationOptions withClock(Clock c) {
    return new RevocationOptions(ocspTimeout, crlTimeout, cacheDir, c, maxOcspResponseBytes, maxCrlBytes, proxy);
  }

  public RevocationOptions withLimits(int ocspBytes, long crlBytes) {
    return new RevocationOptions(ocspTimeout, crlTimeout, cacheDir, clock, ocspBytes, crlBytes, proxy);
  }

  public RevocationOptions withProxy(ProxySelector p) {
    return new RevocationOptions(ocspTimeout, crlTimeout, cacheDir, clock, maxOcspResponseBytes, maxCrlBytes, p);
  }

  private static void checkTimeout(String what, Duration d) {
    Objects.requireNonNull(d, what + " timeout");
    if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(what + " timeout must be positive and at most " + MAX_TIMEOUT.toMinutes()
          + " minutes, got " + d);
    }
  }
}
