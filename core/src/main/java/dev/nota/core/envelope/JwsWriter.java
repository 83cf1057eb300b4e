package dev.nota.core.envelope;

import dev.nota.core.NotaException;
import dev.nota.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and signs a JWS envelope as notation does: the protected header as compact JSON with sorted keys, the
 * flattened serialization with exactly four members, {@code x5c} as standard base64 DER certificates leaf to root.
 */
final class JwsWriter {
  private JwsWriter() {}

  /** The protected header bytes for the given signed attributes. */
  static byte[] protectedHeader(SignatureAlgorithm algorithm, SigningScheme scheme, Instant signingTime,
      Instant expiry, List<ExtendedAttribute> extendedAttributes) throws EnvelopeException {
    Map<String, Object> header = new LinkedHashMap<>();
    for (ExtendedAttribute a : extendedAttributes) {
      header.put(a.key(), a.value());
    }
    header.put("alg", algorithm.jwsName());
    header.put("cty", MediaTypes.NOTARY_PAYLOAD);
    header.put("crit", HeaderRules.crit(scheme, expiry != null, extendedAttributes, false));
    header.put(HeaderRules.SIGNING_SCHEME, scheme.value());
    header.put(HeaderRules.signingTimeKey(scheme), HeaderRules.formatTime(signingTime));
    if (expiry != null) {
      header.put(HeaderRules.EXPIRY, HeaderRules.formatTime(expiry));
    }
    return JsonText.write(header);
  }

  /** Signs {@code request} with {@code algorithm}, which the caller has checked against the signer's key. */
  static byte[] sign(SignRequest request, SignatureAlgorithm algorithm) throws NotaException {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String protectedHeader = url.encodeToString(protectedHeader(algorithm, request.signingScheme(),
        request.signingTime(), request.expiry(), request.extendedAttributes()));
    String payload = url.encodeToString(request.payload());
    byte[] signingInput = (protectedHeader + "." + payload).getBytes(StandardCharsets.US_ASCII);
    List<X509Certificate> chain = request.signer().certificateChain();
    byte[] signature = request.signer().sign(signingInput);
    if (!algorithm.verify(chain.get(0).getPublicKey(), signingInput, signature, true)) {
      throw new EnvelopeException("the signing key produced a " + algorithm.specName()
          + " signature that does not verify with its certificate's key");
    }

    StringBuilder out = new StringBuilder();
    out.append("{\"payload\":");
    JsonText.appendString(out, payload);
    out.append(",\"protected\":");
    JsonText.appendString(out, protectedHeader);
    out.append(",\"header\":{\"x5c\":[");
    for (int i = 0; i < chain.size(); i++) {
      out.append(i == 0 ? "" : ",");
      JsonText.appendString(out, Base64.getEncoder().encodeToString(der(chain.get(i))));
    }
    out.append(']');
    if (request.signingAgent() != null) {
      out.append(",\"").append(HeaderRules.SIGNING_AGENT).append("\":");
      JsonText.appendString(out, request.signingAgent());
    }
    out.append("},\"signature\":");
    JsonText.appendString(out, url.encodeToString(signature));
    out.append('}');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] der(X509Certificate cert) throws EnvelopeException {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new EnvelopeException("cannot encode certificate " + cert.getSubjectX500Principal() + ": "
          + e.getMessage());
    }
  }
}
