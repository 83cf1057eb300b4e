package dev.nota.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The real notation vectors of {@code ../shared/vectors/notation} and their expected outcomes. */
public final class NotationVectors {
  private NotationVectors() {}

  /**
   * The {@code vectors/notation} directory of {@code ../shared} (the build passes its location as the system property
   * {@code nota.shared}), else the first one found walking up from the working directory.
   */
  public static Path root() {
    String shared = System.getProperty("nota.shared");
    if (shared != null && Files.isDirectory(Path.of(shared, "vectors/notation"))) {
      return Path.of(shared, "vectors/notation");
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/vectors/notation");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("../shared/vectors/notation not found above " + Path.of("").toAbsolutePath());
  }

  /** Every case of expected-results.json. */
  public static List<JsonNode> cases() {
    try {
      JsonNode doc = new ObjectMapper().readTree(root().resolve("expected-results.json").toFile());
      List<JsonNode> out = new ArrayList<>();
      doc.get("cases").forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Builds a notation trust store directory ({@code x509/<type>/<name>/}) under {@code root} from a case's
   * {@code trustStores} object: each value names a directory (copied whole) or a file (copied as the only file), with
   * optional prose after the path.
   */
  public static void buildTrustStore(JsonNode trustStores, Path root) throws IOException {
    Iterator<Map.Entry<String, JsonNode>> it = trustStores.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String[] typeName = e.getKey().split(":", 2);
      Path dir = root.resolve("x509").resolve(typeName[0]).resolve(typeName[1]);
      Files.createDirectories(dir);
      Path source = root().resolve(e.getValue().asText().split(" ")[0]);
      if (Files.isDirectory(source)) {
        try (Stream<Path> files = Files.list(source)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            Files.copy(f, dir.resolve(f.getFileName()));
          }
        }
      } else {
        Files.copy(source, dir.resolve(source.getFileName()));
      }
    }
  }
}
