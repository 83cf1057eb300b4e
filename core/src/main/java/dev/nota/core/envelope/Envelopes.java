package dev.nota.core.envelope;

import dev.nota.core.NotaException;
import dev.nota.oci.MediaTypes;

/**
 * Entry point to the two Notary Project envelope formats, JWS ({@code application/jose+json}) and COSE
 * ({@code application/cose}): parse one for inspection or verification, or build and sign one.
 */
public final class Envelopes {
  private Envelopes() {}

  /** The largest envelope nota reads (notation's limit): 32 MiB. */
  public static final long MAX_ENVELOPE_SIZE = 32L * 1024 * 1024;

  /**
   * Parses the outer structure of an envelope of media type {@code mediaType}.
   *
   * @throws EnvelopeException for an unknown media type, an oversized envelope, or bytes that are not a JWS JSON
   *     object / a tagged COSE_Sign1 message
   */
  public static SignatureEnvelope parse(String mediaType, byte[] bytes) throws EnvelopeException {
    if (bytes == null) {
      throw new EnvelopeException("no signature envelope bytes");
    }
    if (bytes.length > MAX_ENVELOPE_SIZE) {
      throw new EnvelopeException("the signature envelope is " + bytes.length + " bytes, over the limit of "
          + MAX_ENVELOPE_SIZE);
    }
    if (MediaTypes.JWS.equals(mediaType)) {
      return JwsEnvelope.parse(bytes);
    }
    if (MediaTypes.COSE.equals(mediaType)) {
      return CoseEnvelope.parse(bytes);
    }
    throw unsupported(mediaType);
  }

  /**
   * Builds the envelope for {@code request} and signs it with the request's signer.
   *
   * @throws NotaException when the request breaks an envelope rule, the signer's certificate chain is empty or its
   *     key does not match its algorithm, or the signer fails
   */
  public static byte[] sign(String mediaType, SignRequest request) throws NotaException {
    if (!MediaTypes.JWS.equals(mediaType) && !MediaTypes.COSE.equals(mediaType)) {
      throw unsupported(mediaType);
    }
    SignatureAlgorithm algorithm = request.signer().algorithm();
    HeaderRules.checkRequest(request, algorithm);
    return MediaTypes.JWS.equals(mediaType)
        ? JwsWriter.sign(request, algorithm)
        : CoseWriter.sign(request, algorithm);
  }

  /**
   * Adds an RFC 3161 timestamp token (DER TimeStampToken over the envelope's signature) to the unsigned header of a
   * signed envelope, replacing any earlier one. The signed bytes stay as they are, so the signature stays valid.
   */
  public static byte[] addTimestamp(String mediaType, byte[] envelope, byte[] timestampToken)
      throws EnvelopeException {
    if (timestampToken == null || timestampToken.length == 0) {
      throw new EnvelopeException("the timestamp token is empty");
    }
    SignatureEnvelope parsed = parse(mediaType, envelope);
    return parsed instanceof JwsEnvelope jws
        ? jws.withTimestamp(timestampToken)
        : ((CoseEnvelope) parsed).withTimestamp(timestampToken);
  }

  private static EnvelopeException unsupported(String mediaType) {
    return new EnvelopeException("unsupported signature envelope type \"" + mediaType + "\" (supported: "
        + MediaTypes.JWS + ", " + MediaTypes.COSE + ")");
  }
}
