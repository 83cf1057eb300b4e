package dev.nota.core.envelope;

/**
 * A parsed signature envelope (JWS or COSE), obtained from {@link Envelopes#parse}. Reading the content applies the
 * structural rules of the Notary Project envelope specification; verifying additionally checks the signature itself.
 */
public interface SignatureEnvelope {

  /** {@code application/jose+json} or {@code application/cose}. */
  String mediaType();

  /** The envelope's content after the header rules (algorithm, content type, crit, signing scheme and times). */
  EnvelopeContent content() throws EnvelopeException;

  /**
   * Integrity: {@link #content()}, then the algorithm must be the one the leaf certificate's key implies and the
   * primitive signature must verify with that key. Trust in the certificates is not checked here.
   */
  EnvelopeContent verify() throws EnvelopeException;
}
