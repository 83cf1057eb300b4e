package dev.nota.core.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JWS envelope in the flattened JSON serialization, the only one the Notary Project allows: {@code payload},
 * {@code protected}, {@code header} and {@code signature}. The three base64url members are decoded strictly (no
 * padding), {@code x5c} and the timestamp as standard base64 with padding, as notation does.
 */
final class JwsEnvelope implements SignatureEnvelope {
  private static final String WHAT = "JWS envelope";
  private static final Set<String> MEMBERS = Set.of("payload", "protected", "header", "signature");

  private final String payload;
  private final String protectedHeader;
  private final JsonNode header;
  private final String signature;
  private EnvelopeContent content;

  private JwsEnvelope(String payload, String protectedHeader, JsonNode header, String signature) {
    this.payload = payload;
    this.protectedHeader = protectedHeader;
    this.header = header;
    this.signature = signature;
  }

  /** Reads the outer JSON structure; the members are decoded and checked by {@link #content()}. */
  static JwsEnvelope parse(byte[] bytes) throws EnvelopeException {
    JsonNode root = JsonInput.object(bytes, WHAT);
    for (Map.Entry<String, JsonNode> e : JsonInput.fields(root)) {
      if (e.getKey().equals("signatures")) {
        throw new EnvelopeException("malformed " + WHAT + ": the general JSON serialization (\"signatures\") is not "
            + "allowed, only the flattened one");
      }
      if (!MEMBERS.contains(e.getKey())) {
        throw new EnvelopeException("malformed " + WHAT + ": unexpected member \"" + HeaderRules.abbreviate(e.getKey())
            + "\" (allowed: payload, protected, header, signature)");
      }
    }
    JsonNode header = root.get("header");
    if (header == null || !header.isObject()) {
      throw new EnvelopeException("malformed " + WHAT + ": \"header\" must be a JSON object");
    }
    return new JwsEnvelope(text(root, "payload"), text(root, "protected"), header, text(root, "signature"));
  }

  private static String text(JsonNode root, String member) throws EnvelopeException {
    JsonNode node = root.get(member);
    if (node == null || !node.isTextual()) {
      throw new EnvelopeException("malformed " + WHAT + ": \"" + member + "\" must be a string");
    }
    return node.textValue();
  }

  @Override
  public String mediaType() {
    return MediaTypes.JWS;
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
    byte[] signingInput = (protectedHeader + "." + payload).getBytes(StandardCharsets.US_ASCII);
    return EnvelopeChecks.verify(c, signingInput, true, "JWS");
  }

  /**
   * This envelope with {@code token} as its {@code io.cncf.notary.timestampSignature}: the signed members and the
   * certificate strings are kept byte for byte; the unprotected header is rewritten in notation's member order.
   */
  byte[] withTimestamp(byte[] token) throws EnvelopeException {
    EnvelopeContent c = content();
    StringBuilder out = new StringBuilder("{\"payload\":");
    JsonText.appendString(out, payload);
    out.append(",\"protected\":");
    JsonText.appendString(out, protectedHeader);
    out.append(",\"header\":{\"").append(HeaderRules.TIMESTAMP_SIGNATURE).append("\":");
    JsonText.appendString(out, Base64.getEncoder().encodeToString(token));
    out.append(",\"x5c\":[");
    int i = 0;
    for (JsonNode cert : unprotected("x5c")) {
      out.append(i++ == 0 ? "" : ",");
      JsonText.appendString(out, cert.textValue());
    }
    out.append(']');
    if (c.unsignedAttributes().signingAgent() != null) {
      out.append(",\"").append(HeaderRules.SIGNING_AGENT).append("\":");
      JsonText.appendString(out, c.unsignedAttributes().signingAgent());
    }
    out.append("},\"signature\":");
    JsonText.appendString(out, signature);
    out.append('}');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private EnvelopeContent decode() throws EnvelopeException {
    JsonNode headerJson = JsonInput.object(base64url("protected", protectedHeader), "JWS protected header");

    JsonNode alg = headerJson.get("alg");
    if (alg == null || !alg.isTextual()) {
      throw new EnvelopeException("the JWS protected header lacks the \"alg\" string");
    }
    SignatureAlgorithm algorithm = SignatureAlgorithm.forJwsName(alg.textValue());
    if (algorithm == null) {
      throw new EnvelopeException("unsupported JWS signature algorithm \"" + HeaderRules.abbreviate(alg.textValue())
          + "\" (allowed: PS256, PS384, PS512, ES256, ES384, ES512)");
    }
    JsonNode cty = headerJson.get("cty");
    if (cty == null || !MediaTypes.NOTARY_PAYLOAD.equals(cty.textValue())) {
      throw new EnvelopeException("the JWS content type (cty) must be " + MediaTypes.NOTARY_PAYLOAD + ", got "
          + (cty == null ? "none" : HeaderRules.abbreviate(cty.toString())));
    }
    List<String> crit = crit(headerJson.get("crit"));

    Map<String, Object> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : JsonInput.fields(headerJson)) {
      String key = e.getKey();
      if (key.equals("alg") || key.equals("cty") || key.equals("crit")) {
        continue;
      }
      if (HeaderRules.TIME_KEYS.contains(key)) {
        if (!e.getValue().isTextual()) {
          throw new EnvelopeException(key + " must be an RFC 3339 date-time string");
        }
        headers.put(key, HeaderRules.parseTime(key, e.getValue().textValue()));
      } else {
        headers.put(key, JsonInput.value(e.getValue()));
      }
    }
    SignedAttributes signed = HeaderRules.signedAttributes(headers, crit);

    byte[] payloadBytes = base64url("payload", payload);
    byte[] signatureBytes = base64url("signature", signature);
    if (signatureBytes.length == 0) {
      throw new EnvelopeException("the JWS signature is empty");
    }

    JsonNode x5c = unprotected("x5c");
    if (x5c == null || !x5c.isArray() || x5c.isEmpty()) {
      throw new EnvelopeException("the JWS unprotected header lacks the x5c certificate chain");
    }
    List<byte[]> ders = new ArrayList<>();
    for (JsonNode cert : x5c) {
      if (!cert.isTextual()) {
        throw new EnvelopeException("x5c entries must be base64 strings");
      }
      ders.add(base64("x5c", cert.textValue()));
    }
    JsonNode agent = unprotected(HeaderRules.SIGNING_AGENT);
    if (agent != null && !agent.isTextual()) {
      throw new EnvelopeException(HeaderRules.SIGNING_AGENT + " must be a string");
    }
    JsonNode timestamp = unprotected(HeaderRules.TIMESTAMP_SIGNATURE);
    byte[] token = null;
    if (timestamp != null) {
      if (!timestamp.isTextual()) {
        throw new EnvelopeException(HeaderRules.TIMESTAMP_SIGNATURE + " must be a base64 string");
      }
      token = base64(HeaderRules.TIMESTAMP_SIGNATURE, timestamp.textValue());
    }
    return new EnvelopeContent(payloadBytes, cty.textValue(), signed,
        new UnsignedAttributes(agent == null ? null : agent.textValue(), token),
        EnvelopeChecks.certificates(ders, "x5c"), algorithm, signatureBytes);
  }

  /**
   * An unprotected header member, matched as Go's {@code encoding/json} matches struct fields: the exact name, else
   * the first name equal ignoring case (old notation wrote {@code io.cncf.notary.SigningAgent}).
   */
  private JsonNode unprotected(String name) {
    JsonNode exact = header.get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, JsonNode> e : JsonInput.fields(header)) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static List<String> crit(JsonNode crit) throws EnvelopeException {
    if (crit == null) {
      throw new EnvelopeException("the JWS protected header lacks \"crit\"");
    }
    if (!crit.isArray()) {
      throw new EnvelopeException("the JWS crit header must be an array of strings");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode n : crit) {
      if (!n.isTextual()) {
        throw new EnvelopeException("the JWS crit header must be an array of strings");
      }
      if (HeaderRules.JWS_REGISTERED.contains(n.textValue())) {
        throw new EnvelopeException("the JWS crit header must not list the registered header \"" + n.textValue()
            + "\"");
      }
      if (!seen.add(n.textValue())) {
        throw new EnvelopeException("the crit header lists \"" + n.textValue() + "\" twice");
      }
      names.add(n.textValue());
    }
    return names;
  }

  /** Strict unpadded base64url, as Go's {@code RawURLEncoding}: a padding character is an error. */
  static byte[] base64url(String member, String text) throws EnvelopeException {
    if (!inAlphabet(text, true, 0) || text.length() % 4 == 1) {
      String why = text.contains("=") ? "padding is not allowed" : "illegal character or length";
      throw new EnvelopeException("malformed " + WHAT + ": \"" + member + "\" is not base64url without padding ("
          + why + ")");
    }
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException("malformed " + WHAT + ": \"" + member + "\" is not valid base64url");
    }
  }

  /** Strict standard base64 with padding, as Go's {@code StdEncoding}. */
  static byte[] base64(String member, String text) throws EnvelopeException {
    if (!inAlphabet(text, false, 2) || text.length() % 4 != 0) {
      throw new EnvelopeException("malformed " + WHAT + ": \"" + member + "\" is not standard base64 with padding");
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException("malformed " + WHAT + ": \"" + member + "\" is not valid base64");
    }
  }

  /**
   * Whether {@code text} is characters of the base64url ({@code url}) or standard alphabet followed by at most
   * {@code padding} '=' characters. A loop, not a regular expression: bulk verify decodes every envelope's members
   * (measured: the two patterns were ~5 % of a long bulk run's samples).
   */
  private static boolean inAlphabet(String text, boolean url, int padding) {
    int end = text.length();
    for (int p = 0; p < padding && end > 0 && text.charAt(end - 1) == '='; p++) {
      end--;
    }
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || (url ? c == '-' || c == '_' : c == '+' || c == '/');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
