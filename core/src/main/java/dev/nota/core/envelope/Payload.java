package dev.nota.core.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Notary payload ({@code application/vnd.cncf.notary.payload.v1+json}): {@code {"targetArtifact": descriptor}},
 * the descriptor of what was signed. Written with sorted keys and only {@code mediaType}, {@code digest},
 * {@code size}, {@code annotations} (and {@code artifactType} when set), as notation's JWS path writes it; read
 * tolerantly, in any key order, because verifiers must treat the signed bytes as opaque JSON.
 */
public record Payload(Descriptor targetArtifact) {
  public Payload {
    Objects.requireNonNull(targetArtifact, "targetArtifact");
  }

  /** The payload JSON, e.g. {@code {"targetArtifact":{"digest":"sha256:…","mediaType":"…","size":528}}}. */
  public byte[] toJson() {
    Map<String, Object> target = new TreeMap<>();
    target.put("mediaType", targetArtifact.mediaType());
    target.put("digest", targetArtifact.digest().toString());
    target.put("size", targetArtifact.size());
    if (!targetArtifact.annotations().isEmpty()) {
      target.put("annotations", targetArtifact.annotations());
    }
    if (targetArtifact.artifactType() != null) {
      target.put("artifactType", targetArtifact.artifactType());
    }
    try {
      return JsonText.write(Map.of("targetArtifact", target));
    } catch (EnvelopeException e) {
      throw new IllegalStateException("a descriptor is always writable as JSON", e);
    }
  }

  /**
   * Parses a payload. {@code mediaType}, {@code digest} and {@code size} are required; {@code annotations} and
   * {@code artifactType} are kept; other descriptor fields are ignored.
   */
  public static Payload parse(byte[] json) throws EnvelopeException {
    JsonNode root = JsonInput.object(json, "signature payload");
    JsonNode target = root.get("targetArtifact");
    if (target == null || !target.isObject()) {
      throw new EnvelopeException("malformed signature payload: \"targetArtifact\" must be a JSON object");
    }
    String mediaType = text(target, "mediaType", true);
    String digestText = text(target, "digest", true);
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (InvalidContentException e) {
      throw new EnvelopeException("malformed signature payload: " + e.getMessage());
    }
    JsonNode size = target.get("size");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
      throw new EnvelopeException("malformed signature payload: targetArtifact.size must be a non-negative integer");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode a = target.get("annotations");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        throw new EnvelopeException("malformed signature payload: targetArtifact.annotations must be an object");
      }
      for (Map.Entry<String, JsonNode> e : JsonInput.fields(a)) {
        if (!e.getValue().isTextual()) {
          throw new EnvelopeException("malformed signature payload: annotation \""
              + HeaderRules.abbreviate(e.getKey()) + "\" must be a string");
        }
        annotations.put(e.getKey(), e.getValue().textValue());
      }
    }
    String artifactType = text(target, "artifactType", false);
    return new Payload(new Descriptor(mediaType, digest, size.longValue(), null, annotations, null, null,
        artifactType));
  }

  private static String text(JsonNode target, String field, boolean required) throws EnvelopeException {
    JsonNode node = target.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw new EnvelopeException("malformed signature payload: targetArtifact." + field + " is missing");
      }
      return null;
    }
    if (!node.isTextual() || node.textValue().isEmpty()) {
      throw new EnvelopeException("malformed signature payload: targetArtifact." + field
          + " must be a non-empty string");
    }
    return node.textValue();
  }
}
