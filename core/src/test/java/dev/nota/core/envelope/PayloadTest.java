package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PayloadTest {
  private static final String DIGEST = "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";

  @Test
  void writesSortedKeysLikeNotationsJwsPath() throws Exception {
    Descriptor d = Descriptor.of(MediaTypes.DOCKER_MANIFEST, Digest.parse(DIGEST), 528)
        .withAnnotations(Map.of("b", "2", "a", "<&>"));
    assertEquals("{\"targetArtifact\":{\"annotations\":{\"a\":\"\\u003c\\u0026\\u003e\",\"b\":\"2\"},\"digest\":\""
        + DIGEST + "\",\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":528}}",
        new String(new Payload(d).toJson(), StandardCharsets.UTF_8));
  }

  @Test
  void readsAnyKeyOrderAndIgnoresUnknownFields() throws Exception {
    String json = "{\"targetArtifact\":{\"size\":528,\"digest\":\"" + DIGEST + "\",\"urls\":[],"
        + "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"annotations\":{\"k\":\"v\"}}}";
    Descriptor d = Payload.parse(json.getBytes(StandardCharsets.UTF_8)).targetArtifact();
    assertEquals(528, d.size());
    assertEquals(DIGEST, d.digest().toString());
    assertEquals(Map.of("k", "v"), d.annotations());
  }

  @Test
  void roundTrips() throws Exception {
    Payload p = new Payload(Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(DIGEST), 1)
        .withAnnotations(Map.of("x", "y")).withArtifactType("application/example"));
    assertEquals(p, Payload.parse(p.toJson()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]| not a JSON object",
      "{}| \"targetArtifact\" must be a JSON object",
      "{\"targetArtifact\":{\"digest\":\"DIGEST\",\"size\":1}}| targetArtifact.mediaType is missing",
      "{\"targetArtifact\":{\"mediaType\":\"a/b\",\"size\":1}}| targetArtifact.digest is missing",
      "{\"targetArtifact\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:abc\",\"size\":1}}| invalid digest",
      "{\"targetArtifact\":{\"mediaType\":\"a/b\",\"digest\":\"DIGEST\"}}| size must be a non-negative integer",
      "{\"targetArtifact\":{\"mediaType\":\"a/b\",\"digest\":\"DIGEST\",\"size\":-1}}| size must be a non-negative",
      "{\"targetArtifact\":{\"mediaType\":\"a/b\",\"digest\":\"DIGEST\",\"size\":1.5}}| size must be a non-negative",
      "{\"targetArtifact\":{\"mediaType\":7,\"digest\":\"DIGEST\",\"size\":1}}| mediaType must be a non-empty string",
      "{\"targetArtifact\":{\"mediaType\":\"a/b\",\"digest\":\"DIGEST\",\"size\":1,\"annotations\":{\"k\":1}}}"
          + "| annotation \"k\" must be a string",
      "{\"targetArtifact\":{},\"targetArtifact\":{}}| Duplicate field"})
  void rejectsMalformedPayloads(String json, String fragment) {
    EnvelopeException e = assertThrows(EnvelopeException.class,
        () -> Payload.parse(json.replace("DIGEST", DIGEST).getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
