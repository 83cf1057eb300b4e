package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossChecksTest {
  @TempDir Path dir;
  /** A table of this test's own: its rows must not reach docs/interop.md. */
  private final CrossChecks.Table table = new CrossChecks.Table();

  @Test
  void aFailingCheckIsRecordedAsFailingAndStillFailsTheTest() {
    AssertionError e = assertThrows(AssertionError.class, () -> table.check("CrossChecksTest area",
        "a check that fails", () -> assertEquals(1, 2, "peer said no")));
    assertTrue(e.getMessage().contains("peer said no"));
  }

  @Test
  void writtenTableReadsBackAndKeepsAreasThatDidNotRunThisTime() throws Exception {
    Path file = dir.resolve("interop.md");
    Files.writeString(file, "# old\n\n## Old area\n\n| Check | Result |\n|---|---|\n| kept row | agree |\n"
        + "\n## CrossChecksTest written area\n\n| Check | Result |\n|---|---|\n| stale row | agree |\n");
    table.check("CrossChecksTest written area", "fresh | row", () -> { });
    table.write(file);

    Map<String, Map<String, String>> read = CrossChecks.read(file);
    assertEquals(Map.of("kept row", "agree"), read.get("Old area"));
    assertEquals(Map.of("fresh / row", "agree"), read.get("CrossChecksTest written area"),
        "an area recorded in this session replaces its old rows");
  }
}
