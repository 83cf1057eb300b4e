package dev.nota.testregistry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the registry needs to know about a pushed manifest or index: the blobs or manifests it references
 * (which must exist), its {@code subject} (which may dangle) and the descriptor the referrers API lists for
 * it.
 */
record ManifestInfo(
    boolean index, List<Digest> blobs, List<Digest> manifests, Digest subject, String artifactType,
    Map<String, String> annotations) {

  /** The manifest media types a PUT may declare. */
  static final Set<String> ACCEPTED = Set.of(
      MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
      MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

  /** The descriptor of this manifest in a referrers response. */
  Descriptor referrer(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, annotations, null, null, artifactType);
  }

  /** Parses and checks {@code body} against the declared {@code mediaType}; answers 400 MANIFEST_INVALID. */
  static ManifestInfo parse(String mediaType, byte[] body) throws RegistryError {
    if (mediaType == null || !ACCEPTED.contains(mediaType)) {
      throw RegistryError.manifestInvalid("unsupported manifest media type \"" + mediaType + "\"");
    }
    JsonNode root;
    try {
      root = Call.JSON.readTree(body);
    } catch (IOException e) {
      throw RegistryError.manifestInvalid("body is not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw RegistryError.manifestInvalid("body is not a JSON object");
    }
    JsonNode schema = root.get("schemaVersion");
    if (schema == null || !schema.isInt() || schema.intValue() != 2) {
      throw RegistryError.manifestInvalid("schemaVersion must be 2");
    }
    JsonNode declared = root.get("mediaType");
    if (declared != null && !(declared.isTextual() && declared.textValue().equals(mediaType))) {
      throw RegistryError.manifestInvalid(
          "body mediaType " + declared + " differs from Content-Type " + mediaType);
    }
    if (mediaType.equals(MediaTypes.DOCKER_MANIFEST) || mediaType.equals(MediaTypes.DOCKER_MANIFEST_LIST)) {
      if (declared == null) {
        throw RegistryError.manifestInvalid("a Docker manifest must carry its mediaType");
      }
    }
    boolean index = MediaTypes.isIndex(mediaType);
    List<Digest> blobs = new ArrayList<>();
    List<Digest> manifests = new ArrayList<>();
    String artifactType = text(root, "artifactType");
    if (index) {
      if (root.has("config") || root.has("layers")) {
        throw RegistryError.manifestInvalid("expected an index but found a manifest");
      }
      JsonNode list = root.get("manifests");
      if (list == null || !list.isArray()) {
        throw RegistryError.manifestInvalid("index has no manifests array");
      }
      for (JsonNode d : list) {
        manifests.add(descriptor(d, "manifests[]").digest());
      }
    } else {
      if (root.has("manifests")) {
        throw RegistryError.manifestInvalid("expected a manifest but found an index");
      }
      Descriptor config = descriptor(root.get("config"), "config");
      blobs.add(config.digest());
      JsonNode layers = root.get("layers");
      if (layers != null && !layers.isNull()) {
        if (!layers.isArray()) {
          throw RegistryError.manifestInvalid("layers is not an array");
        }
        for (JsonNode d : layers) {
          Descriptor layer = descriptor(d, "layers[]");
          if (!d.has("urls")) {
            blobs.add(layer.digest());
          }
        }
      }
      if (artifactType == null) {
        artifactType = config.mediaType();
      }
    }
    JsonNode subjectNode = root.get("subject");
    Digest subject = subjectNode == null || subjectNode.isNull()
        ? null
        : descriptor(subjectNode, "subject").digest();
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode ann = root.get("annotations");
    if (ann != null && !ann.isNull()) {
      if (!ann.isObject()) {
        throw RegistryError.manifestInvalid("annotations is not an object");
      }
      for (Map.Entry<String, JsonNode> e : ann.properties()) {
        if (!e.getValue().isTextual()) {
          throw RegistryError.manifestInvalid("annotation " + e.getKey() + " is not a string");
        }
        annotations.put(e.getKey(), e.getValue().textValue());
      }
    }
    return new ManifestInfo(index, blobs, manifests, subject, artifactType, annotations);
  }

  private static Descriptor descriptor(JsonNode node, String where) throws RegistryError {
    if (node == null || !node.isObject()) {
      throw RegistryError.manifestInvalid(where + " is missing or not a descriptor");
    }
    String mediaType = text(node, "mediaType");
    String digestText = text(node, "digest");
    JsonNode size = node.get("size");
    if (mediaType == null || digestText == null || size == null || !size.canConvertToLong()
        || size.longValue() < 0) {
      throw RegistryError.manifestInvalid(where + " needs mediaType, digest and a non-negative size");
    }
    Digest digest = Digest.tryParse(digestText);
    if (digest == null) {
      throw RegistryError.manifestInvalid(where + " has an invalid digest \"" + digestText + "\"");
    }
    return Descriptor.of(mediaType, digest, size.longValue());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.textValue().isEmpty() ? v.textValue() : null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
