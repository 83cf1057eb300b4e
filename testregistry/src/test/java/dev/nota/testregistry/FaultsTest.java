package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
  private TestRegistry registry;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    registry = TestRegistry.start();
    http = new Http(registry);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void failNextAnswersTheStatusForThatManyRequests() throws Exception {
    registry.faults().failNext(2, 503);
    HttpResponse<byte[]> r = http.get("/v2/");
    assertEquals(503, r.statusCode());
    assertEquals("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected fault\"}]}", Http.text(r));
    assertEquals(503, http.get("/v2/").statusCode());
    assertEquals(200, http.get("/v2/").statusCode());
  }

  @Test
  void tooManyRequestsCarriesRetryAfter() throws Exception {
    registry.faults().failNext(1, 429);
    HttpResponse<byte[]> r = http.get("/v2/");
    assertEquals(429, r.statusCode());
    assertEquals("0", Http.header(r, "Retry-After"));
  }

  @Test
  void failNthHitsOnlyThatRequest() throws Exception {
    registry.faults().failNth(3, 500);
    assertEquals(200, http.get("/v2/").statusCode());
    assertEquals(200, http.get("/v2/").statusCode());
    assertEquals(500, http.get("/v2/").statusCode());
    assertEquals(200, http.get("/v2/").statusCode());
  }

  @Test
  void failedUploadChunkIsAnsweredEvenWithALargeBody() throws Exception {
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    registry.faults().failNext(1, 500);
    assertEquals(500, http.send("PATCH", location, new byte[3 * 1024 * 1024]).statusCode());
    assertEquals("0-0", Http.header(http.get(location), "Range"));
  }

  @Test
  void dropNextClosesTheConnectionWithoutAResponse() throws Exception {
    registry.faults().dropNext(1);
    byte[] raw = Http.raw(registry, "GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(0, raw.length);
    assertThrows(IOException.class, () -> {
      registry.faults().dropNext(1);
      new Http(registry).send("POST", "/v2/a/b/blobs/uploads/", null);
    });
    assertEquals(200, http.get("/v2/").statusCode());
  }

  @Test
  void truncatedBlobAnnouncesFullLengthButSendsHalf() throws Exception {
    byte[] content = new byte[200_000];
    new Random(1).nextBytes(content);
    Digest d = http.pushBlob("a/b", content);
    registry.faults().truncateBlob(d);
    byte[] raw = Http.raw(registry,
        "GET /v2/a/b/blobs/" + d + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    String response = new String(raw, StandardCharsets.ISO_8859_1);
    int headerEnd = response.indexOf("\r\n\r\n") + 4;
    assertTrue(response.toLowerCase().contains("content-length: 200000"), response.substring(0, headerEnd));
    assertEquals(100_000, raw.length - headerEnd);
    assertThrows(IOException.class, () -> http.get("/v2/a/b/blobs/" + d));
    registry.faults().clear();
    assertArrayEquals(content, http.get("/v2/a/b/blobs/" + d).body());
  }

  @Test
  void corruptedBlobHasTheRightLengthAndOneFlippedByte() throws Exception {
    byte[] content = new byte[1000];
    new Random(2).nextBytes(content);
    Digest d = http.pushBlob("a/b", content);
    registry.faults().corruptBlob(d);
    byte[] got = http.get("/v2/a/b/blobs/" + d).body();
    assertEquals(content.length, got.length);
    int differences = 0;
    for (int i = 0; i < got.length; i++) {
      differences += got[i] != content[i] ? 1 : 0;
    }
    assertEquals(1, differences);
    assertFalse(d.matches(got));
  }

  @Test
  void delaySlowsEveryResponseUntilSwitchedOff() throws Exception {
    registry.faults().delay(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertEquals(200, http.get("/v2/").statusCode());
    assertTrue(System.nanoTime() - start >= 300_000_000L);
    registry.faults().delay(Duration.ZERO);
    start = System.nanoTime();
    http.get("/v2/");
    assertTrue(System.nanoTime() - start < 300_000_000L);
  }

  @Test
  void clearSwitchesEverythingOff() throws Exception {
    registry.faults().failNext(5, 500);
    registry.faults().dropNext(5);
    registry.faults().failNth(1, 500);
    registry.faults().clear();
    assertEquals(200, http.get("/v2/").statusCode());
  }

  @Test
  void requestLogRecordsMethodPathAndQueryInOrder() throws Exception {
    http.get("/v2/");
    http.get("/v2/a/b/tags/list?n=1&last=x");
    http.send("DELETE", "/v2/a/b/manifests/v1", null);
    assertEquals(List.of("GET /v2/", "GET /v2/a/b/tags/list?n=1&last=x", "DELETE /v2/a/b/manifests/v1"),
        registry.requestLog());
  }

  @Test
  void exchangesRecordTheStatusEachRequestGotAndZeroForADroppedOne() throws Exception {
    http.get("/v2/");
    http.get("/v2/a/b/tags/list");
    registry.faults().failNext(1, 503);
    http.get("/v2/");
    assertEquals(List.of(new TestRegistry.Exchange("GET", "/v2/", 200),
        new TestRegistry.Exchange("GET", "/v2/a/b/tags/list", 404),
        new TestRegistry.Exchange("GET", "/v2/", 503)), registry.exchanges());
    registry.faults().dropNext(1);
    assertThrows(IOException.class, () -> http.send("POST", "/v2/a/b/blobs/uploads/", null));
    assertEquals("POST /v2/a/b/blobs/uploads/ 0", registry.exchanges().get(3).toString());
  }

  @Test
  void faultArgumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> registry.faults().failNext(1, 200));
    assertThrows(IllegalArgumentException.class, () -> registry.faults().failNth(0, 500));
    assertThrows(IllegalArgumentException.class, () -> registry.faults().delay(Duration.ofMillis(-1)));
  }
}
