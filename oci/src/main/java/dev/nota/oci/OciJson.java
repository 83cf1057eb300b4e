package dev.nota.oci;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes OCI manifests, indexes and descriptors: the one place Jackson meets OCI documents.
 *
 * <p>Writing produces the compact bytes Go's {@code encoding/json} produces for the image-spec types (field order of
 * the records' annotations, annotations sorted, empty fields omitted, {@code data} as standard base64, and the same
 * string escapes: {@code <}, {@code >}, {@code &}, U+2028 and U+2029 as lower-case hex escapes), so what nota
 * writes is byte for byte what notation writes. Reading validates what the records need and says precisely what is
 * wrong; unknown fields are ignored so that newer documents still parse.
 *
 * <p>All methods are thread-safe; the reader and the writer are configured once and never changed.
 */
public final class OciJson {
  private static final JsonTree READER = JsonTree.of(new JsonFactoryBuilder()
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build())
      .rejectingTrailingContent();

  /** The writer, made on first use: reading (all that verify does) needs no ObjectMapper. */
  private static final class Writer {
    static final ObjectMapper MAPPER = JsonMapper.builder(
            new JsonFactoryBuilder()
                .characterEscapes(new GoEscapes())
                .build())
        .disable(SerializationFeature.INDENT_OUTPUT)
        .build();
  }

  private OciJson() {}

  /**
   * Parses an image manifest (OCI or Docker v2 schema 2).
   *
   * @throws InvalidContentException when the bytes are not JSON, are an index, or lack a required field
   */
  public static Manifest parseManifest(byte[] bytes) throws InvalidContentException {
    return manifest(tree(bytes, "manifest"));
  }

  /**
   * Parses an image index (OCI or Docker manifest list), including an OCI layout's {@code index.json}.
   *
   * @throws InvalidContentException when the bytes are not JSON, are a manifest, or lack a required field
   */
  public static Index parseIndex(byte[] bytes) throws InvalidContentException {
    return index(tree(bytes, "index"));
  }

  /**
   * Parses a single descriptor.
   *
   * @throws InvalidContentException when the bytes are not JSON or lack a required field
   */
  public static Descriptor parseDescriptor(byte[] bytes) throws InvalidContentException {
    return descriptor(tree(bytes, "descriptor"), "descriptor", "");
  }

  /**
   * The media type a manifest declares in its top-level {@code mediaType}, else the one its shape implies
   * ({@code manifests} means an OCI index, {@code config} an OCI manifest), else null.
   *
   * @throws InvalidContentException when the bytes are not a JSON object or {@code mediaType} is not a string
   */
  public static String mediaTypeOf(byte[] manifestBytes) throws InvalidContentException {
    JsonNode root = tree(manifestBytes, "manifest");
    JsonNode mediaType = root.get("mediaType");
    if (mediaType != null && !mediaType.isNull()) {
      if (!mediaType.isTextual()) {
        throw new InvalidContentException("invalid manifest: mediaType must be a string");
      }
      return mediaType.textValue();
    }
    if (root.hasNonNull("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.hasNonNull("config")) {
      return MediaTypes.OCI_MANIFEST;
    }
    return null;
  }

  /** The compact JSON of {@code manifest}. */
  public static byte[] write(Manifest manifest) {
    return bytes(manifest);
  }

  /** The compact JSON of {@code index}. */
  public static byte[] write(Index index) {
    return bytes(index);
  }

  /** The compact JSON of {@code descriptor}. */
  public static byte[] write(Descriptor descriptor) {
    return bytes(descriptor);
  }

  private static byte[] bytes(Object value) {
    try {
      return Writer.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      // the records hold only strings, numbers, lists and maps: this cannot happen
      throw new IllegalStateException("writing " + value.getClass().getSimpleName() + " as JSON failed", e);
    }
  }

  private static JsonNode tree(byte[] bytes, String what) throws InvalidContentException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidContentException("invalid " + what + ": empty content");
    }
    JsonNode root;
    try {
      root = READER.read(bytes);
    } catch (JsonEOFException e) {
      throw new InvalidContentException("invalid " + what + ": truncated JSON (unexpected end of input)", e);
    } catch (IOException e) {
      throw new InvalidContentException("invalid " + what + ": not valid JSON: " + firstLine(e), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidContentException("invalid " + what + ": empty content");
    }
    if (!root.isObject()) {
      throw new InvalidContentException(
          "invalid " + what + ": expected a JSON object, found " + kind(root));
    }
    return root;
  }

  private static String firstLine(IOException e) {
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return Digest.abbreviate(nl < 0 ? m : m.substring(0, nl));
  }

  private static Manifest manifest(JsonNode root) throws InvalidContentException {
    String doc = "manifest";
    schemaVersion(root, doc);
    String mediaType = string(root, doc, "", "mediaType");
    if (mediaType != null) {
      if (MediaTypes.isIndex(mediaType)) {
        throw invalid(doc, "mediaType \"" + mediaType + "\" is an index, not an image manifest");
      }
      if (MediaTypes.OCI_ARTIFACT_MANIFEST.equals(mediaType)) {
        throw invalid(doc, "mediaType \"" + mediaType + "\" (the withdrawn OCI artifact manifest) is not supported");
      }
      if (!MediaTypes.OCI_MANIFEST.equals(mediaType) && !MediaTypes.DOCKER_MANIFEST.equals(mediaType)) {
        throw invalid(doc, "unknown mediaType \"" + Digest.abbreviate(mediaType) + "\"");
      }
    } else if (present(root, "manifests") && !present(root, "config")) {
      throw invalid(doc, "it has \"manifests\" and no \"config\": it is an index, not an image manifest");
    }
    if (!present(root, "config")) {
      throw invalid(doc, "config is missing");
    }
    Descriptor config = descriptor(root.get("config"), doc, "config");
    List<Descriptor> layers = descriptors(root, doc, "layers");
    Descriptor subject = present(root, "subject") ? descriptor(root.get("subject"), doc, "subject") : null;
    String artifactType = string(root, doc, "", "artifactType");
    Map<String, String> annotations = stringMap(root, doc, "", "annotations");
    return new Manifest(2, mediaType, artifactType, config, layers, subject, annotations);
  }

  private static Index index(JsonNode root) throws InvalidContentException {
    String doc = "index";
    schemaVersion(root, doc);
    String mediaType = string(root, doc, "", "mediaType");
    if (mediaType != null && !MediaTypes.isIndex(mediaType)) {
      if (MediaTypes.isManifest(mediaType)) {
        throw invalid(doc, "mediaType \"" + mediaType + "\" is an image manifest, not an index");
      }
      throw invalid(doc, "unknown mediaType \"" + Digest.abbreviate(mediaType) + "\"");
    }
    if (mediaType == null && present(root, "config") && !present(root, "manifests")) {
      throw invalid(doc, "it has \"config\" and no \"manifests\": it is an image manifest, not an index");
    }
    List<Descriptor> manifests = descriptors(root, doc, "manifests");
    String artifactType = string(root, doc, "", "artifactType");
    Descriptor subject = present(root, "subject") ? descriptor(root.get("subject"), doc, "subject") : null;
    Map<String, String> annotations = stringMap(root, doc, "", "annotations");
    return new Index(2, mediaType, artifactType, manifests, subject, annotations);
  }

  private static Descriptor descriptor(JsonNode node, String doc, String path) throws InvalidContentException {
    if (!node.isObject()) {
      throw invalid(doc, label(path) + "must be an object");
    }
    String mediaType = string(node, doc, path, "mediaType");
    if (mediaType == null || mediaType.isEmpty()) {
      throw invalid(doc, join(path, "mediaType") + " is missing");
    }
    String digestText = string(node, doc, path, "digest");
    if (digestText == null) {
      throw invalid(doc, join(path, "digest") + " is missing");
    }
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (InvalidContentException e) {
      throw invalid(doc, join(path, "digest") + ": " + e.getMessage());
    }
    if (!present(node, "size")) {
      throw invalid(doc, join(path, "size") + " is missing");
    }
    JsonNode sizeNode = node.get("size");
    if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong()) {
      throw invalid(doc, join(path, "size") + " must be an integer that fits in 64 bits, found "
          + Digest.abbreviate(sizeNode.toString()));
    }
    long size = sizeNode.longValue();
    if (size < 0) {
      throw invalid(doc, join(path, "size") + " must not be negative, found " + size);
    }
    byte[] data = null;
    String dataText = string(node, doc, path, "data");
    if (dataText != null) {
      try {
        if (dataText.length() % 4 != 0) {
          throw new IllegalArgumentException("length " + dataText.length() + " is not a multiple of 4");
        }
        data = Base64.getDecoder().decode(dataText);
      } catch (IllegalArgumentException e) {
        throw invalid(doc, join(path, "data") + " is not padded standard base64: " + e.getMessage());
      }
      if (data.length != size || !digest.matches(data)) {
        throw invalid(doc, join(path, "data") + " does not match " + join(path, "digest") + " and "
            + join(path, "size"));
      }
    }
    Platform platform = present(node, "platform") ? platform(node.get("platform"), doc, join(path, "platform")) : null;
    return new Descriptor(mediaType, digest, size, strings(node, doc, path, "urls"),
        stringMap(node, doc, path, "annotations"), data, platform, string(node, doc, path, "artifactType"));
  }

  private static Platform platform(JsonNode node, String doc, String path) throws InvalidContentException {
    if (!node.isObject()) {
      throw invalid(doc, path + " must be an object");
    }
    String architecture = string(node, doc, path, "architecture");
    String os = string(node, doc, path, "os");
    if (architecture == null) {
      throw invalid(doc, join(path, "architecture") + " is missing");
    }
    if (os == null) {
      throw invalid(doc, join(path, "os") + " is missing");
    }
    return new Platform(architecture, os, string(node, doc, path, "os.version"),
        strings(node, doc, path, "os.features"), string(node, doc, path, "variant"));
  }

  private static List<Descriptor> descriptors(JsonNode parent, String doc, String field)
      throws InvalidContentException {
    if (!present(parent, field)) {
      return List.of();
    }
    JsonNode array = parent.get(field);
    if (!array.isArray()) {
      throw invalid(doc, field + " must be an array, found " + kind(array));
    }
    List<Descriptor> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(descriptor(array.get(i), doc, field + "[" + i + "]"));
    }
    return out;
  }

  private static void schemaVersion(JsonNode root, String doc) throws InvalidContentException {
    if (!present(root, "schemaVersion")) {
      throw invalid(doc, "schemaVersion is missing (expected 2)");
    }
    JsonNode v = root.get("schemaVersion");
    if (!v.isIntegralNumber()) {
      throw invalid(doc, "schemaVersion must be the number 2, found " + Digest.abbreviate(v.toString()));
    }
    if (!v.canConvertToInt() || v.intValue() != 2) {
      throw invalid(doc, "schemaVersion is " + Digest.abbreviate(v.toString()) + ", expected 2");
    }
  }

  /** The string at {@code field}, null when absent or JSON null. */
  private static String string(JsonNode node, String doc, String path, String field) throws InvalidContentException {
    if (!present(node, field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isTextual()) {
      throw invalid(doc, join(path, field) + " must be a string, found " + kind(v));
    }
    return v.textValue();
  }

  private static List<String> strings(JsonNode node, String doc, String path, String field)
      throws InvalidContentException {
    if (!present(node, field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isArray()) {
      throw invalid(doc, join(path, field) + " must be an array of strings, found " + kind(v));
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw invalid(doc, join(path, field) + " must be an array of strings, found an element that is " + kind(e));
      }
      out.add(e.textValue());
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode node, String doc, String path, String field)
      throws InvalidContentException {
    if (!present(node, field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isObject()) {
      throw invalid(doc, join(path, field) + " must be an object of strings, found " + kind(v));
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw invalid(doc, join(path, field) + "[\"" + Digest.abbreviate(e.getKey()) + "\"] must be a string, found "
            + kind(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /** Go's encoding/json treats a JSON null like an absent field; so does nota. */
  private static boolean present(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  private static String kind(JsonNode v) {
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String label(String path) {
    return path.isEmpty() ? "" : path + " ";
  }

  private static InvalidContentException invalid(String doc, String problem) {
    return new InvalidContentException("invalid " + doc + ": " + problem);
  }

  /** The escapes Go's json.Marshal writes that Jackson would not, or would write in upper-case hex. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
      for (int c = 0; c < 0x20; c++) {
        if (ASCII[c] == ESCAPE_STANDARD) {
          ASCII[c] = ESCAPE_CUSTOM;
        }
      }
      ASCII['<'] = ESCAPE_CUSTOM;
      ASCII['>'] = ESCAPE_CUSTOM;
      ASCII['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return Arrays.copyOf(ASCII, ASCII.length);
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
