package dev.nota.core.envelope;

import dev.nota.core.NotaException;
import dev.nota.oci.MediaTypes;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and signs a COSE_Sign1 envelope as notation does: deterministic CBOR, tag 18, the protected header with
 * algorithm, crit, content type and tag-1 times, the unprotected header with the x5chain array, attached payload.
 */
final class CoseWriter {
  private CoseWriter() {}

  /** The protected header bytes for the given signed attributes. */
  static byte[] protectedHeader(SignatureAlgorithm algorithm, SigningScheme scheme, Instant signingTime,
      Instant expiry, List<ExtendedAttribute> extendedAttributes) throws EnvelopeException {
    Map<Object, Object> header = new LinkedHashMap<>();
    header.put(CoseEnvelope.ALG, (long) algorithm.coseId());
    header.put(CoseEnvelope.CRIT, HeaderRules.crit(scheme, expiry != null, extendedAttributes, true));
    header.put(CoseEnvelope.CONTENT_TYPE, MediaTypes.NOTARY_PAYLOAD);
    header.put(HeaderRules.SIGNING_SCHEME, scheme.value());
    header.put(HeaderRules.signingTimeKey(scheme), HeaderRules.seconds(signingTime));
    if (expiry != null) {
      header.put(HeaderRules.EXPIRY, HeaderRules.seconds(expiry));
    }
    for (ExtendedAttribute a : extendedAttributes) {
      header.put(a.key(), a.value());
    }
    return CborWriter.encode(header);
  }

  /** The bytes to sign: {@code ["Signature1", protected, h'', payload]} (RFC 9052 section 4.4). */
  static byte[] sigStructure(byte[] protectedBytes, byte[] payload) {
    return new CborWriter().array(4).text("Signature1").bytes(protectedBytes).bytes(new byte[0]).bytes(payload)
        .toByteArray();
  }

  /** The tagged COSE_Sign1 message. */
  static byte[] sign1(byte[] protectedBytes, Map<Object, Object> unprotected, byte[] payload, byte[] signature)
      throws EnvelopeException {
    CborWriter w = new CborWriter().tag(18).array(4).bytes(protectedBytes);
    w.value(unprotected);
    return w.bytes(payload).bytes(signature).toByteArray();
  }

  /** Signs {@code request} with {@code algorithm}, which the caller has checked against the signer's key. */
  static byte[] sign(SignRequest request, SignatureAlgorithm algorithm) throws NotaException {
    byte[] protectedBytes = protectedHeader(algorithm, request.signingScheme(), request.signingTime(),
        request.expiry(), request.extendedAttributes());
    byte[] payload = request.payload();
    byte[] toBeSigned = sigStructure(protectedBytes, payload);
    List<X509Certificate> chain = request.signer().certificateChain();
    String keyProblem = SignatureAlgorithm.coseKeyProblem(chain.get(0).getPublicKey());
    if (keyProblem != null) {
      throw new EnvelopeException(keyProblem);
    }
    byte[] signature = request.signer().sign(toBeSigned);
    if (!algorithm.verify(chain.get(0).getPublicKey(), toBeSigned, signature, false)) {
      throw new EnvelopeException("the signing key produced a " + algorithm.specName()
          + " signature that does not verify with its certificate's key (RSASSA-PSS must use salt length = hash "
          + "length, ECDSA must be raw R||S)");
    }
    List<byte[]> ders = new ArrayList<>();
    for (X509Certificate cert : chain) {
      ders.add(JwsWriter.der(cert));
    }
    Map<Object, Object> unprotected = new LinkedHashMap<>();
    unprotected.put(CoseEnvelope.X5CHAIN, ders);
    if (request.signingAgent() != null) {
      unprotected.put(HeaderRules.SIGNING_AGENT, request.signingAgent());
    }
    return sign1(protectedBytes, unprotected, payload, signature);
  }
}
