package dev.nota.oci.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.OciJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs updating one layout's index.json at once lose no update: the lock file serializes them. */
class CrossProcessLockTest {

  @TempDir Path tmp;

  @Test
  void writersInTwoProcessesLoseNoIndexUpdate() throws Exception {
    int each = 40;
    LayoutTarget.open(tmp).close();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        OtherProcessWriter.class.getName(), tmp.toString(), Integer.toString(each))
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("ready", out.readLine());
      try (LayoutTarget t = LayoutTarget.open(tmp)) {
        for (int i = 0; i < each; i++) {
          LayoutTargetTest.pushImage(t, "this process " + i, null, null);
        }
      }
      StringBuilder rest = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        rest.append(line).append('\n');
      }
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, child.exitValue(), rest.toString());
      assertEquals("done\n", rest.toString());
    } finally {
      child.destroyForcibly();
    }
    int listed = OciJson.parseIndex(Files.readAllBytes(tmp.resolve("index.json"))).manifests().size();
    assertEquals(2 * each, listed);
  }
}
