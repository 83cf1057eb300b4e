package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.core.verify.NotationVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notation e2e cases (expected-results.json ids {@code e2e-*}): real OCI layouts with signatures made by
 * notation, verified through {@code nota verify --oci-layout}, must give notation's outcome.
 */
class NotationLayoutVectorsTest {
  @TempDir Path temp;

  @TestFactory
  Stream<DynamicTest> layoutCasesReproduceNotationOutcomes() {
    return NotationVectors.cases().stream()
        .filter(c -> c.has("ociLayout"))
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c)));
  }

  private void run(JsonNode c) throws Exception {
    Path home = Files.createDirectories(temp.resolve(c.get("id").asText()));
    Cli cli = new Cli(home);
    Files.createDirectories(cli.config);
    NotationVectors.buildTrustStore(c.get("trustStores"), cli.config.resolve("truststore"));
    Files.copy(NotationVectors.root().resolve(c.get("trustPolicyFile").asText()),
        cli.config.resolve("trustpolicy.json"));
    Path layout = copyTree(NotationVectors.root().resolve(c.get("ociLayout").asText()), home.resolve("layout"));
    String ref = layout + "@" + c.get("target").get("digest").asText();

    Cli.Result r = cli.run("verify", "--oci-layout", "--scope", "local/e2e", ref);

    JsonNode expected = c.get("expected");
    switch (expected.get("result").asText()) {
      case "success" -> {
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Successfully verified signature"), r::toString);
        if (expected.has("loggedFailures")) {
          for (JsonNode n : expected.get("loggedFailures")) {
            assertTrue(r.err().contains("Warning: " + n.asText() + " was set to \"log\""), r::toString);
          }
        }
      }
      case "skipped" -> {
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains(expected.get("message").asText()), r::toString);
      }
      default -> {
        assertEquals(1, r.code(), r::toString);
        if (expected.has("failingCheck")) {
          assertTrue(r.err().contains(expected.get("failingCheck").asText() + " failed"), r::toString);
        }
        if (expected.has("messageContains")) {
          assertTrue(r.err().contains(expected.get("messageContains").asText()), r::toString);
        }
        if (expected.has("message")) {
          assertTrue(r.err().contains("no signature is associated with"), r::toString);
        }
      }
    }
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
    return to;
  }
}
