package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload sessions left idle past the expiry are dropped, with their bytes, when another session starts. */
class UploadExpiryTest {
  @TempDir Path storage;

  @Test
  void anAbandonedUploadIsDroppedAndALiveOneKept() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().storage(storage).uploadExpiry(Duration.ofMillis(300))
        .start()) {
      Http http = new Http(registry);
      byte[] part = "half of a blob".getBytes(StandardCharsets.UTF_8);
      String abandoned = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
      abandoned = Http.header(http.send("PATCH", abandoned, part, "Content-Type", "application/octet-stream"),
          "Location");
      assertEquals(1, uploadFiles().size());
      Thread.sleep(600); // past the expiry: nothing touches the first session meanwhile

      String live = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");

      var gone = http.send("PATCH", abandoned, part, "Content-Type", "application/octet-stream");
      assertEquals(404, gone.statusCode());
      assertTrue(Http.text(gone).contains("BLOB_UPLOAD_UNKNOWN"), Http.text(gone));
      assertEquals(1, uploadFiles().size(), "the abandoned upload's bytes are gone, the live one's file stays");
      // the live session, just started, survives the sweep of a third session's start
      http.send("POST", "/v2/a/b/blobs/uploads/", null);
      byte[] blob = "a whole blob".getBytes(StandardCharsets.UTF_8);
      Digest d = Digest.sha256(blob);
      assertEquals(201, http.send("PUT", live + (live.contains("?") ? "&" : "?") + "digest=" + d, blob,
          "Content-Type", "application/octet-stream").statusCode());
    }
  }

  @Test
  void theExpiryMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> TestRegistry.builder().uploadExpiry(Duration.ZERO));
  }

  private List<Path> uploadFiles() throws Exception {
    try (Stream<Path> files = Files.list(storage.resolve("uploads"))) {
      return files.filter(p -> !p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }
}
