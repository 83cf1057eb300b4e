package dev.nota.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OciJsonTest {
  private static final String EMPTY = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  private static final String SUBJECT = "sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9";
  private static final String ENVELOPE = "sha256:c9af07e038b2b1a463e648986ad7273157511ffeba0b689f33e5472bae471f50";
  private static final String THUMBPRINT = "[\"e38aea13f2b051f7183cca64a51ee676f4d4456f41d9fecf15eb367efc7343b9\"]";

  /** The shared directory beside the project: the first ancestor of the working dir holding {@code shared}. */
  static Path shared() {
    return Path.of(System.getProperty("nota.shared"));
  }

  private static Path layouts() {
    return shared().resolve("vectors/notation/notation-cli/oci-layouts");
  }

  private static Descriptor layer() throws Exception {
    return Descriptor.of(MediaTypes.JWS, Digest.parse(ENVELOPE), 2070);
  }

  private static Descriptor subject() throws Exception {
    return Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(SUBJECT), 517);
  }

  private static Map<String, String> signatureAnnotations(String created) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("org.opencontainers.image.created", created); // deliberately out of order
    a.put("io.cncf.notary.x509chain.thumbprint#S256", THUMBPRINT);
    return a;
  }

  @Test
  void writesTheArtifactTypeSignatureManifestInNotationsFieldOrder() throws Exception {
    Manifest m = Manifest.of(MediaTypes.NOTARY_SIGNATURE, Descriptor.EMPTY_JSON.withData(MediaTypes.EMPTY_JSON),
        List.of(layer()), subject(), signatureAnnotations("2025-02-17T08:17:09Z"));
    String expected = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.cncf.notary.signature\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + EMPTY + "\","
        + "\"size\":2,\"data\":\"e30=\"},"
        + "\"layers\":[{\"mediaType\":\"application/jose+json\",\"digest\":\"" + ENVELOPE + "\",\"size\":2070}],"
        + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + SUBJECT
        + "\",\"size\":517},"
        + "\"annotations\":{\"io.cncf.notary.x509chain.thumbprint#S256\":\"[\\\"e38aea13f2b051f7183cca64a51ee676"
        + "f4d4456f41d9fecf15eb367efc7343b9\\\"]\",\"org.opencontainers.image.created\":\"2025-02-17T08:17:09Z\"}}";
    assertEquals(expected, new String(OciJson.write(m), UTF_8));
  }

  @Test
  void writesTheLegacySignatureManifestByteForByteAsNotationDid() throws Exception {
    Descriptor config = Descriptor.of(MediaTypes.NOTARY_SIGNATURE, Digest.parse(EMPTY), 2);
    Manifest m = Manifest.of(null, config, List.of(layer()), subject(), signatureAnnotations("2023-06-27T05:30:33Z"));
    Path real = layouts().resolve("e2e-valid-signature/blobs/sha256/"
        + "90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f");
    assertEquals(Files.readString(real), new String(OciJson.write(m), UTF_8));
  }

  @Test
  void parsesAndRewritesEveryManifestAndIndexNotationWroteByteForByte() throws IOException, InvalidContentException {
    int manifests = 0;
    int indexes = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(layouts())) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.getParent().endsWith("sha256") || p.getFileName().toString().equals("index.json"))
          .sorted().toList();
    }
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      if (!new String(bytes, UTF_8).startsWith("{\"schemaVersion\"")) {
        continue; // envelopes and layer content
      }
      String mediaType = OciJson.mediaTypeOf(bytes);
      byte[] rewritten;
      if (MediaTypes.isIndex(mediaType)) {
        Index index = OciJson.parseIndex(bytes);
        assertEquals(index, OciJson.parseIndex(OciJson.write(index)));
        rewritten = OciJson.write(index);
        indexes++;
      } else {
        Manifest manifest = OciJson.parseManifest(bytes);
        assertEquals(manifest, OciJson.parseManifest(OciJson.write(manifest)));
        rewritten = OciJson.write(manifest);
        manifests++;
      }
      assertEquals(new String(bytes, UTF_8), new String(rewritten, UTF_8), file.toString());
    }
    assertTrue(manifests >= 15, "manifests read: " + manifests);
    assertTrue(indexes >= 10, "indexes read (referrer indexes and index.json): " + indexes);
  }

  @Test
  void readsTheFieldsOfARealSignatureManifest() throws Exception {
    byte[] bytes = Files.readAllBytes(layouts().resolve("e2e-with-timestamped-signature/blobs/sha256/"
        + "53b0191218aed9a3c1f7c661736ac40cfc8eb928642348fd843ba3f0483c0c20"));
    Manifest m = OciJson.parseManifest(bytes);
    assertEquals("application/vnd.unknown.artifact.v1", m.artifactType());
    assertEquals(Descriptor.EMPTY_JSON.withData(MediaTypes.EMPTY_JSON), m.config());
    assertArrayEquals(MediaTypes.EMPTY_JSON, m.config().data());
    assertEquals(9, m.layers().get(0).size());
    assertEquals("file", m.layers().get(0).annotations().get("org.opencontainers.image.title"));
    assertNull(m.subject());
  }

  @Test
  void writesEveryDescriptorFieldInGoOrderWithSortedAnnotationsAndOmitsEmptyOnes() throws Exception {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("z", "1");
    annotations.put("a", "2");
    Descriptor full = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.parse(EMPTY), 2, List.of("https://x/y"),
        annotations, new byte[] {'{', '}'}, new Platform("arm64", "linux", "1.0", List.of("f"), "v8"), "a/b");
    assertEquals("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + EMPTY + "\","
        + "\"size\":2,\"urls\":[\"https://x/y\"],\"annotations\":{\"a\":\"2\",\"z\":\"1\"},\"data\":\"e30=\","
        + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":\"1.0\",\"os.features\":[\"f\"],"
        + "\"variant\":\"v8\"},\"artifactType\":\"a/b\"}", new String(OciJson.write(full), UTF_8));
    assertEquals(full, OciJson.parseDescriptor(OciJson.write(full)));

    Descriptor bare = new Descriptor("x/y", Digest.parse(EMPTY), 0, List.of(), Map.of(), new byte[0],
        Platform.of("linux", "amd64"), "");
    assertEquals("{\"mediaType\":\"x/y\",\"digest\":\"" + EMPTY + "\",\"size\":0,"
        + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}", new String(OciJson.write(bare), UTF_8));
  }

  @Test
  void writesEmptyLayersAndManifestsAsEmptyArraysLikeGo() throws Exception {
    assertEquals("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}",
        new String(OciJson.write(Index.of(List.of())), UTF_8));
    Manifest m = new Manifest(2, null, null, Descriptor.EMPTY_JSON, null, null, null);
    assertEquals("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + EMPTY + "\",\"size\":2},\"layers\":[]}", new String(OciJson.write(m), UTF_8));
    assertEquals(m, OciJson.parseManifest(OciJson.write(m)));
  }

  @Test
  void escapesHtmlCharactersAndControlsAsGoDoes() throws Exception {
    Descriptor d = Descriptor.of("x/y", Digest.parse(EMPTY), 2)
        .withAnnotations(Map.of("k", "<a&b>\u2028\u2029\n\t\"\\\u0001\u001f\u00e9"));
    String json = new String(OciJson.write(d), UTF_8);
    assertTrue(json.contains("\"k\":\"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\n\\t\\\"\\\\\\u0001\\u001f\u00e9\""),
        json);
    assertEquals(d, OciJson.parseDescriptor(OciJson.write(d)));
  }

  @Test
  void roundTripsAnIndexWithEveryField() throws Exception {
    Descriptor child = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(SUBJECT), 517)
        .withPlatform(Platform.parse("linux/arm/v7")).withArtifactType(MediaTypes.NOTARY_SIGNATURE);
    Index index = new Index(2, MediaTypes.OCI_INDEX, "a/b", List.of(child, subject()), subject(), Map.of("k", "v"));
    byte[] bytes = OciJson.write(index);
    assertEquals(index, OciJson.parseIndex(bytes));
    assertEquals(MediaTypes.OCI_INDEX, OciJson.mediaTypeOf(bytes));
  }

  @Test
  void ignoresUnknownFieldsAndTreatsNullAsAbsent() throws Exception {
    String json = "{\"schemaVersion\":2,\"future\":{\"x\":[1,2]},\"subject\":null,\"mediaType\":null,"
        + "\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" + EMPTY + "\",\"size\":2,\"newField\":true,"
        + "\"annotations\":null},\"layers\":null}";
    Manifest m = OciJson.parseManifest(json.getBytes(UTF_8));
    assertNull(m.subject());
    assertNull(m.mediaType());
    assertEquals(List.of(), m.layers());
    assertEquals(Descriptor.of("a/b", Digest.parse(EMPTY), 2), m.config());
    assertEquals(0, OciJson.parseIndex("{\"schemaVersion\":2}".getBytes(UTF_8)).manifests().size());
  }

  @Test
  void readsTheDeclaredOrImpliedMediaType() throws Exception {
    assertEquals(MediaTypes.DOCKER_MANIFEST, OciJson.mediaTypeOf(
        ("{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"manifests\":[]}").getBytes(UTF_8)));
    assertEquals(MediaTypes.OCI_INDEX, OciJson.mediaTypeOf("{\"manifests\":[]}".getBytes(UTF_8)));
    assertEquals(MediaTypes.OCI_MANIFEST, OciJson.mediaTypeOf("{\"config\":{}}".getBytes(UTF_8)));
    assertNull(OciJson.mediaTypeOf("{\"payload\":\"x\"}".getBytes(UTF_8)));
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> OciJson.mediaTypeOf("{\"mediaType\":7}".getBytes(UTF_8)));
    assertEquals("invalid manifest: mediaType must be a string", e.getMessage());
    assertThrows(InvalidContentException.class, () -> OciJson.mediaTypeOf("awesome notation\n".getBytes(UTF_8)));
  }
}
