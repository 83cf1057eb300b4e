package dev.nota.cli;

import dev.nota.core.revocation.RevocationOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The revocation flags of the commands that check certificates online (OCSP, then CRL): bounded timeouts, and the
 * cache of answers under the user cache directory that every such command shares.
 */
final class RevocationFlags {
  @Option(names = "--ocsp-timeout", paramLabel = "DURATION", defaultValue = "2s",
      description = "Timeout of each OCSP request, e.g. 2s (default: ${DEFAULT-VALUE}).")
  String ocspTimeout;

  @Option(names = "--crl-timeout", paramLabel = "DURATION", defaultValue = "2s",
      description = "Timeout of each CRL download, e.g. 5s (default: ${DEFAULT-VALUE}).")
  String crlTimeout;

  /** The revocation options these flags ask for, with the cache and clock of {@code context}. */
  RevocationOptions options(Context context) throws UserException {
    return RevocationOptions.defaults()
        .withTimeouts(timeout("--ocsp-timeout", ocspTimeout), timeout("--crl-timeout", crlTimeout))
        .withCacheDir(cacheDir(context))
        .withClock(context.clock());
  }

  /**
   * Where CRLs and OCSP responses are kept between runs: {@code $XDG_CACHE_HOME/nota/revocation}, else
   * {@code ~/.cache/nota/revocation}; null (no cache) when neither variable is set.
   */
  static Path cacheDir(Context context) {
    String xdg = context.env().get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "nota", "revocation");
    }
    String home = context.env().get("HOME");
    return home == null || home.isBlank() ? null : Path.of(home, ".cache", "nota", "revocation");
  }

  private static Duration timeout(String flag, String text) throws UserException {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (UserException e) {
      throw new UserException(flag + ": " + e.getMessage());
    }
    if (d.compareTo(RevocationOptions.MAX_TIMEOUT) > 0) {
      throw new UserException(flag + ": " + text + " is longer than the "
          + RevocationOptions.MAX_TIMEOUT.toMinutes() + "m limit");
    }
    return d;
  }
}
