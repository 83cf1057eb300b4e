package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.SignatureAlgorithm;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Checks an RFC 3161 timestamp countersignature over a primitive signature and says when it proves the signature
 * existed. The trust anchors are the certificates of the policy's {@code tsa} stores.
 */
public interface TimestampVerifier {

  /** The authentic time, as a range {@code [genTime - accuracy, genTime + accuracy]}. */
  record TimeRange(Instant earliest, Instant latest) {}

  /**
   * Verifies {@code token} as a timestamp of {@code signature} and returns the proven time, after checking that
   * every certificate of {@code signingChain} was valid throughout that time (this comes before the TSA chain's
   * revocation check, as notation orders them).
   *
   * @throws NotaException when the token is malformed, not over this signature, or not trusted, or when the signing
   *     chain was not valid at the timestamp
   */
  TimeRange verify(byte[] token, byte[] signature, SignatureAlgorithm algorithm, List<X509Certificate> tsaRoots,
      List<X509Certificate> signingChain) throws NotaException;

  /** {@link #verify(byte[], byte[], SignatureAlgorithm, List, List)} without a signing chain to check. */
  default TimeRange verify(byte[] token, byte[] signature, SignatureAlgorithm algorithm,
      List<X509Certificate> tsaRoots) throws NotaException {
    return verify(token, signature, algorithm, tsaRoots, List.of());
  }

  /** Fails every timestamp: used where timestamp verification is not available. */
  TimestampVerifier UNSUPPORTED = (token, signature, algorithm, roots, signingChain) -> {
    throw new NotaException("timestamp verification is not supported by this build of nota");
  };
}
