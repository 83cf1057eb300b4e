package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.SignatureAlgorithm;

/**
 * Obtains an RFC 3161 countersignature for a primitive signature, so that the signature can be shown to have existed
 * before its certificate expired. The signing workflows (artifact and blob) call it after signing and before
 * anything is stored; {@link TimestampClient} asks a TSA over HTTP.
 */
public interface Timestamper {

  /**
   * Returns a DER TimeStampToken whose message imprint is the hash of {@code signature} with the hash of
   * {@code algorithm}, already checked to be trustworthy.
   *
   * @throws TimestampException when no valid token could be obtained
   */
  byte[] timestamp(byte[] signature, SignatureAlgorithm algorithm) throws TimestampException;

  /**
   * Timestamps the signature of a signed envelope ({@code application/jose+json} or {@code application/cose}) and
   * returns the envelope with the token in its unsigned header; the signed bytes stay as they are.
   *
   * @throws TimestampException when no valid token could be obtained
   * @throws NotaException when the envelope cannot be read
   */
  default byte[] countersign(String envelopeMediaType, byte[] envelope) throws NotaException {
    EnvelopeContent content = Envelopes.parse(envelopeMediaType, envelope).content();
    byte[] token = timestamp(content.signature(), content.algorithm());
    return Envelopes.addTimestamp(envelopeMediaType, envelope, token);
  }
}
