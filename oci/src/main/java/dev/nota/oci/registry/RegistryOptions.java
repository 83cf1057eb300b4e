package dev.nota.oci.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything a {@link RegistryClient} needs from its caller, passed in once: nothing is read from system properties
 * or the environment inside the client.
 *
 * @param insecureRegistries registries ({@code host[:port]}) that may be plain HTTP servers, like loopback hosts: the
 *     client probes them and uses plain HTTP only if they speak it (see {@link RegistryClient})
 * @param caFile a PEM file of CA certificates trusted besides the system's, or null
 * @param credentials where credentials come from, consulted only when a registry asks for them
 * @param userAgent the {@code User-Agent} header
 * @param timeout connect, read and write timeout of one request
 * @param maxRetries how often a failed idempotent request (429, 502-504, broken connection) is retried
 * @param forceReferrersTag also maintain the referrers tag schema index when the registry has the Referrers API
 * @param debugLog receives one line per HTTP request and response, authorization values redacted; null = off
 * @param plainHttpRegistries registries ({@code host[:port]}) spoken to over plain HTTP without probing for TLS,
 *     as notation's {@code --plain-http} asks; the user vouches for them, so no TLS is attempted at all
 */
public record RegistryOptions(
    Set<String> insecureRegistries,
    Path caFile,
    CredentialStore credentials,
    String userAgent,
    Duration timeout,
    int maxRetries,
    boolean forceReferrersTag,
    Consumer<String> debugLog,
    Set<String> plainHttpRegistries) {

  public RegistryOptions {
    insecureRegistries = insecureRegistries == null ? Set.of() : Set.copyOf(insecureRegistries);
    plainHttpRegistries = plainHttpRegistries == null ? Set.of() : Set.copyOf(plainHttpRegistries);
    credentials = credentials == null ? CredentialStore.NONE : credentials;
    userAgent = userAgent == null ? "nota" : userAgent;
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
    }
  }

  /** Same as the canonical constructor without plain-HTTP registries. */
  public RegistryOptions(Set<String> insecureRegistries, Path caFile, CredentialStore credentials, String userAgent,
      Duration timeout, int maxRetries, boolean forceReferrersTag, Consumer<String> debugLog) {
    this(insecureRegistries, caFile, credentials, userAgent, timeout, maxRetries, forceReferrersTag, debugLog, null);
  }

  /** Same as the canonical constructor without a debug log and plain-HTTP registries. */
  public RegistryOptions(Set<String> insecureRegistries, Path caFile, CredentialStore credentials, String userAgent,
      Duration timeout, int maxRetries, boolean forceReferrersTag) {
    this(insecureRegistries, caFile, credentials, userAgent, timeout, maxRetries, forceReferrersTag, null, null);
  }

  /** HTTPS everywhere but plain-HTTP loopback servers, no credentials, 60 s timeout, 4 retries. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(Set.of(), null, CredentialStore.NONE, "nota", Duration.ofSeconds(60), 4, false, null,
        null);
  }

  public RegistryOptions withInsecureRegistries(Set<String> value) {
    return new RegistryOptions(value, caFile, credentials, userAgent, timeout, maxRetries, forceReferrersTag,
        debugLog, plainHttpRegistries);
  }

  public RegistryOptions withCaFile(Path value) {
    return new RegistryOptions(insecureRegistries, value, credentials, userAgent, timeout, maxRetries,
        forceReferrersTag, debugLog, plainHttpRegistries);
  }

  public RegistryOptions withCredentials(CredentialStore value) {
    return new RegistryOptions(insecureRegistries, caFile, value, userAgent, timeout, maxRetries, forceReferrersTag,
        debugLog, plainHttpRegistries);
  }

  public RegistryOptions withUserAgent(String value) {
    return new RegistryOptions(insecureRegistries, caFile, credentials, value, timeout, maxRetries, forceReferrersTag,
        debugLog, plainHttpRegistries);
  }

  public RegistryOptions withTimeout(Duration value) {
    return new RegistryOptions(insecureRegistries, caFile, credentials, userAgent, value, maxRetries,
        forceReferrersTag, debugLog, plainHttpRegistries);
  }

  public RegistryOptions withMaxRetries(int value) {
    return new RegistryOptions(insecureRegistries, caFile, credentials, userAgent, timeout, value, forceReferrersTag,
        debugLog, plainHttpRegistries);
  }

  public RegistryOptions withForceReferrersTag(boolean value) {
    return new RegistryOptions(insecureRegistries, caFile, credentials, userAgent, timeout, maxRetries, value,
        debugLog, plainHttpRegistries);
  }

  public RegistryOptions withDebugLog(Consumer<String> value) {
    return new RegistryOptions(insecureRegistries, caFile, credentials, userAgent, timeout, maxRetries,
        forceReferrersTag, value, plainHttpRegistries);
  }

  public RegistryOptions withPlainHttpRegistries(Set<String> value) {
    return new RegistryOptions(insecureRegistries, caFile, credentials, userAgent, timeout, maxRetries,
        forceReferrersTag, debugLog, value);
  }

  /** Whether {@code registry} ({@code host[:port]}) is to be spoken to over plain HTTP without a probe. */
  public boolean isPlainHttp(String registry) {
    return plainHttpRegistries.contains(registry);
  }
}
