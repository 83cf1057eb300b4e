package dev.nota.core.envelope;

import dev.nota.core.envelope.CborReader.Tagged;
import dev.nota.oci.MediaTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COSE_Sign1 envelope (CBOR tag 18 around {@code [protected, unprotected, payload, signature]}) with an attached
 * payload. The protected header is decoded from the received bytes and the signature verified over exactly those
 * bytes; times must be tag 1, the certificate chain an array under label 33 of the unprotected header.
 */
final class CoseEnvelope implements SignatureEnvelope {
  static final long ALG = 1;
  static final long CRIT = 2;
  static final long CONTENT_TYPE = 3;
  static final long X5CHAIN = 33;
  private static final String WHAT = "COSE envelope";

  private final byte[] protectedBytes;
  private final Map<?, ?> unprotected;
  private final byte[] payload;
  private final byte[] signature;
  private EnvelopeContent content;

  private CoseEnvelope(byte[] protectedBytes, Map<?, ?> unprotected, byte[] payload, byte[] signature) {
    this.protectedBytes = protectedBytes;
    this.unprotected = unprotected;
    this.payload = payload;
    this.signature = signature;
  }

  /** Decodes the COSE_Sign1 structure; the headers are checked by {@link #content()}. */
  static CoseEnvelope parse(byte[] bytes) throws EnvelopeException {
    Object item = CborReader.decode(bytes, WHAT);
    if (!(item instanceof Tagged tagged) || tagged.tag() != 18) {
      throw new EnvelopeException("malformed " + WHAT + ": not a tagged COSE_Sign1 message (CBOR tag 18)");
    }
    if (!(tagged.content() instanceof List<?> parts) || parts.size() != 4) {
      throw new EnvelopeException("malformed " + WHAT + ": COSE_Sign1 must be an array of 4 items");
    }
    if (!(parts.get(0) instanceof byte[] protectedBytes)) {
      throw new EnvelopeException("malformed " + WHAT + ": the protected header must be a byte string");
    }
    if (!(parts.get(1) instanceof Map<?, ?> unprotected)) {
      throw new EnvelopeException("malformed " + WHAT + ": the unprotected header must be a map");
    }
    if (parts.get(2) == CborReader.NULL) {
      throw new EnvelopeException("malformed " + WHAT + ": detached payloads are not supported");
    }
    if (!(parts.get(2) instanceof byte[] payload)) {
      throw new EnvelopeException("malformed " + WHAT + ": the payload must be a byte string");
    }
    if (!(parts.get(3) instanceof byte[] signature) || signature.length == 0) {
      throw new EnvelopeException("malformed " + WHAT + ": the signature must be a non-empty byte string");
    }
    return new CoseEnvelope(protectedBytes, unprotected, payload, signature);
  }

  @Override
  public String mediaType() {
    return MediaTypes.COSE;
  }

  @Override
  public synchronized EnvelopeContent content() throws EnvelopeException {
    if (content == null) {
      content = decode();
    }
    return content;
  }

  @Override
  public EnvelopeContent verify() throws EnvelopeException {
    EnvelopeContent c = content();
    return EnvelopeChecks.verify(c, CoseWriter.sigStructure(protectedBytes, payload), false, "COSE");
  }

  /** This envelope with {@code token} as its timestamp; everything else is kept, the unprotected map re-sorted. */
  byte[] withTimestamp(byte[] token) throws EnvelopeException {
    content();
    Map<Object, Object> header = new LinkedHashMap<>(unprotected);
    header.put(HeaderRules.TIMESTAMP_SIGNATURE, token);
    return CoseWriter.sign1(protectedBytes, header, payload, signature);
  }

  private EnvelopeContent decode() throws EnvelopeException {
    Object decoded = protectedBytes.length == 0 ? Map.of() : CborReader.decode(protectedBytes, "COSE protected header");
    if (!(decoded instanceof Map<?, ?> header)) {
      throw new EnvelopeException("malformed COSE protected header: not a map");
    }
    for (Object key : header.keySet()) {
      if (unprotected.containsKey(key)) {
        throw new EnvelopeException("COSE header label " + CborReader.describe(key)
            + " appears in both the protected and the unprotected header");
      }
    }
    Object alg = header.get(ALG);
    if (alg == null) {
      throw new EnvelopeException("the COSE protected header lacks the algorithm (label 1)");
    }
    SignatureAlgorithm algorithm = alg instanceof Long id ? SignatureAlgorithm.forCoseId(id) : null;
    if (algorithm == null) {
      throw new EnvelopeException("unsupported COSE signature algorithm " + CborReader.describe(alg)
          + " (allowed: -37 PS256, -38 PS384, -39 PS512, -7 ES256, -35 ES384, -36 ES512)");
    }
    Object cty = header.get(CONTENT_TYPE);
    if (!MediaTypes.NOTARY_PAYLOAD.equals(cty)) {
      throw new EnvelopeException("the COSE content type (label 3) must be the text " + MediaTypes.NOTARY_PAYLOAD
          + ", got " + (cty == null ? "none" : CborReader.describe(cty)));
    }
    List<String> crit = crit(header.get(CRIT));

    Map<String, Object> headers = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        continue; // integer labels other than 1-3 carry nothing the Notary Project defines
      }
      if (HeaderRules.TIME_KEYS.contains(key)) {
        headers.put(key, time(key, e.getValue()));
      } else {
        headers.put(key, value(key, e.getValue()));
      }
    }
    SignedAttributes signed = HeaderRules.signedAttributes(headers, crit);

    Object chain = unprotected.get(X5CHAIN);
    if (chain == null) {
      throw new EnvelopeException("the COSE unprotected header lacks the x5chain certificate chain (label 33)");
    }
    if (!(chain instanceof List<?> certs) || certs.isEmpty()) {
      throw new EnvelopeException("the COSE x5chain (label 33) must be a non-empty array of certificates");
    }
    List<byte[]> ders = new ArrayList<>();
    for (Object cert : certs) {
      if (!(cert instanceof byte[] der)) {
        throw new EnvelopeException("the COSE x5chain (label 33) entries must be byte strings");
      }
      ders.add(der);
    }
    Object agent = unprotected.get(HeaderRules.SIGNING_AGENT);
    if (agent != null && !(agent instanceof String)) {
      throw new EnvelopeException(HeaderRules.SIGNING_AGENT + " must be a text string");
    }
    Object token = unprotected.get(HeaderRules.TIMESTAMP_SIGNATURE);
    if (token != null && !(token instanceof byte[])) {
      throw new EnvelopeException(HeaderRules.TIMESTAMP_SIGNATURE + " must be a byte string");
    }
    return new EnvelopeContent(payload, MediaTypes.NOTARY_PAYLOAD, signed,
        new UnsignedAttributes((String) agent, (byte[]) token),
        EnvelopeChecks.certificates(ders, "x5chain"), algorithm, signature);
  }

  private static List<String> crit(Object crit) throws EnvelopeException {
    if (crit == null) {
      throw new EnvelopeException("the COSE protected header lacks crit (label 2)");
    }
    if (!(crit instanceof List<?> labels)) {
      throw new EnvelopeException("the COSE crit header (label 2) must be an array");
    }
    List<String> names = new ArrayList<>();
    for (Object label : labels) {
      if (label instanceof String name) {
        names.add(name);
      } else if (label instanceof Long l && l >= 0 && l <= 8) {
        throw new EnvelopeException("the COSE crit header must not list the registered label " + l);
      } else if (label instanceof Long || label instanceof BigInteger) {
        throw new EnvelopeException("unsupported critical COSE header label " + label);
      } else {
        throw new EnvelopeException("the COSE crit header (label 2) must hold text or integer labels");
      }
    }
    return names;
  }

  private static Instant time(String key, Object value) throws EnvelopeException {
    if (!(value instanceof Tagged t) || t.tag() != 1) {
      throw new EnvelopeException(key + " must be an epoch time with CBOR tag 1");
    }
    try {
      if (t.content() instanceof Long seconds) {
        return Instant.ofEpochSecond(seconds);
      }
      if (t.content() instanceof Double d && Double.isFinite(d)) {
        BigDecimal exact = new BigDecimal(d);
        BigDecimal whole = exact.setScale(0, java.math.RoundingMode.FLOOR);
        return Instant.ofEpochSecond(whole.longValueExact(),
            exact.subtract(whole).movePointRight(9).intValue());
      }
    } catch (DateTimeException | ArithmeticException e) {
      throw new EnvelopeException(key + " is out of range");
    }
    throw new EnvelopeException(key + " must be an epoch time with CBOR tag 1 around a number");
  }

  /** Converts a decoded CBOR header value to the JSON-like value of an {@link ExtendedAttribute}. */
  private static Object value(String key, Object v) throws EnvelopeException {
    if (v == CborReader.NULL || v == CborReader.UNDEFINED) {
      return null;
    }
    if (v instanceof Tagged t) {
      if (t.tag() == 1) {
        return time(key, t);
      }
      throw new EnvelopeException("header " + CborReader.describe(key) + " uses unsupported CBOR tag " + t.tag());
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(value(key, item));
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(e.getKey(), value(key, e.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
    return v;
  }
}
