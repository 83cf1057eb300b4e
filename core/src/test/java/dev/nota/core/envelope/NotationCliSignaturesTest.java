package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Envelopes the notation CLI wrote into its e2e OCI layouts (found through their signature manifests) verify. */
class NotationCliSignaturesTest {
  private static final Path LAYOUTS = EnvelopeFixtures.vectors().resolve("notation-cli/oci-layouts");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Each envelope blob named by a signature manifest's layer: {@code [layout name, media type, blob path]}. */
  static Stream<List<Object>> envelopes() throws IOException {
    List<List<Object>> out = new ArrayList<>();
    try (Stream<Path> blobs = Files.walk(LAYOUTS)) {
      for (Path blob : blobs.filter(p -> p.getParent().endsWith("sha256")).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(blob);
        if (bytes.length == 0 || bytes[0] != '{') {
          continue;
        }
        JsonNode manifest;
        try {
          manifest = JSON.readTree(bytes);
        } catch (IOException notJson) {
          continue;
        }
        for (JsonNode layer : manifest.path("layers")) {
          String type = layer.path("mediaType").asText();
          if (type.equals(MediaTypes.JWS) || type.equals(MediaTypes.COSE)) {
            String hex = layer.path("digest").asText().substring("sha256:".length());
            out.add(List.of(LAYOUTS.relativize(blob).getName(0).toString(), type,
                blob.getParent().resolve(hex)));
          }
        }
      }
    }
    return out.stream();
  }

  @Test
  void everyLayoutButTheEmptyAndTheInvalidOneHasEnvelopes() throws Exception {
    List<Object> layouts = envelopes().map(e -> e.get(0)).distinct().toList();
    assertEquals(List.of("e2e-expired-signature", "e2e-valid-multiple-signatures", "e2e-valid-signature",
        "e2e-with-expired-cert", "e2e-with-invalid-timestamped-signature", "e2e-with-timestamped-signature"),
        layouts);
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void notationCliEnvelopesPassIntegrity(List<Object> envelope) throws Exception {
    EnvelopeContent c = Envelopes.parse((String) envelope.get(1), Files.readAllBytes((Path) envelope.get(2)))
        .verify();
    assertNotNull(c.signedAttributes().signingTime());
    assertTrue(c.unprocessedCriticalKeys().isEmpty());
    assertNotNull(Payload.parse(c.payload()).targetArtifact());
  }
}
