package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlobTest {
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

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void pingAnswersEmptyJsonWithApiVersionHeader() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/");
    assertEquals(200, r.statusCode());
    assertEquals("{}", Http.text(r));
    assertEquals("registry/2.0", Http.header(r, "Docker-Distribution-Api-Version"));
  }

  @Test
  void monolithicPostStoresTheBlobAndGetReturnsIt() throws Exception {
    byte[] content = random(100_000, 1);
    Digest d = http.pushBlob("a/b", content);
    HttpResponse<byte[]> r = http.get("/v2/a/b/blobs/" + d);
    assertEquals(200, r.statusCode());
    assertArrayEquals(content, r.body());
    assertEquals(d.toString(), Http.header(r, "Docker-Content-Digest"));
    assertEquals("application/octet-stream", Http.header(r, "Content-Type"));
    assertEquals("bytes", Http.header(r, "Accept-Ranges"));
  }

  @Test
  void headAnswersLengthAndDigestWithoutBody() throws Exception {
    Digest d = http.pushBlob("a/b", random(1234, 2));
    HttpResponse<byte[]> r = http.send("HEAD", "/v2/a/b/blobs/" + d, null);
    assertEquals(200, r.statusCode());
    assertEquals("1234", Http.header(r, "Content-Length"));
    assertEquals(d.toString(), Http.header(r, "Docker-Content-Digest"));
    assertEquals(0, r.body().length);
  }

  @Test
  void postThenPutUploadsInTwoSteps() throws Exception {
    byte[] content = random(5000, 3);
    HttpResponse<byte[]> start = http.send("POST", "/v2/a/b/blobs/uploads/", null);
    assertEquals(202, start.statusCode());
    String location = Http.header(start, "Location");
    assertTrue(location.startsWith("/v2/a/b/blobs/uploads/"), location);
    assertEquals("0-0", Http.header(start, "Range"));
    assertEquals(location.substring(location.lastIndexOf('/') + 1), Http.header(start, "Docker-Upload-UUID"));
    Digest d = Digest.sha256(content);
    HttpResponse<byte[]> put = http.send("PUT", location + "?digest=" + d, content);
    assertEquals(201, put.statusCode());
    assertEquals("/v2/a/b/blobs/" + d, Http.header(put, "Location"));
    assertEquals(d.toString(), Http.header(put, "Docker-Content-Digest"));
    assertArrayEquals(content, http.get("/v2/a/b/blobs/" + d).body());
  }

  @Test
  void chunksInOrderAreAppendedAndReportedByRange() throws Exception {
    byte[] content = random(3 * 70_000 + 5, 4);
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    int chunk = 70_000;
    for (int off = 0; off < content.length; off += chunk) {
      int end = Math.min(content.length, off + chunk);
      HttpResponse<byte[]> r = http.send("PATCH", location, Arrays.copyOfRange(content, off, end),
          "Content-Range", off + "-" + (end - 1), "Content-Type", "application/octet-stream");
      assertEquals(202, r.statusCode(), () -> Http.text(r));
      assertEquals("0-" + (end - 1), Http.header(r, "Range"));
      location = Http.header(r, "Location");
    }
    HttpResponse<byte[]> status = http.get(location);
    assertEquals(204, status.statusCode());
    assertEquals("0-" + (content.length - 1), Http.header(status, "Range"));
    Digest d = Digest.sha256(content);
    assertEquals(201, http.send("PUT", location + "?digest=" + d, null).statusCode());
    assertArrayEquals(content, http.get("/v2/a/b/blobs/" + d).body());
  }

  @Test
  void chunkOutOfOrderIsRefusedWith416AndTheSessionKeepsItsBytes() throws Exception {
    byte[] content = random(20, 5);
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    assertEquals(202, http.send("PATCH", location, Arrays.copyOfRange(content, 0, 10), "Content-Range", "0-9")
        .statusCode());
    HttpResponse<byte[]> skipped = http.send("PATCH", location, Arrays.copyOfRange(content, 15, 20),
        "Content-Range", "15-19");
    assertEquals(416, skipped.statusCode());
    assertEquals("0-9", Http.header(skipped, "Range"));
    HttpResponse<byte[]> rewound = http.send("PATCH", location, Arrays.copyOfRange(content, 0, 10),
        "Content-Range", "0-9");
    assertEquals(416, rewound.statusCode());
    byte[] tail = Arrays.copyOfRange(content, 10, 20);
    assertEquals(202, http.send("PATCH", location, tail, "Content-Range", "10-19").statusCode());
    assertEquals(201, http.send("PUT", location + "?digest=" + Digest.sha256(content), null).statusCode());
  }

  @Test
  void finalPutWithAnOutOfOrderChunkIsRefusedWith416() throws Exception {
    byte[] content = random(20, 13);
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    http.send("PATCH", location, Arrays.copyOfRange(content, 0, 10), "Content-Range", "0-9");
    String put = location + "?digest=" + Digest.sha256(content);
    assertEquals(416, http.send("PUT", put, Arrays.copyOfRange(content, 12, 20), "Content-Range", "12-19")
        .statusCode());
    assertEquals(201, http.send("PUT", put, Arrays.copyOfRange(content, 10, 20), "Content-Range", "10-19")
        .statusCode());
  }

  @Test
  void finalPutMayCarryTheLastChunk() throws Exception {
    byte[] content = random(1000, 6);
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    http.send("PATCH", location, Arrays.copyOfRange(content, 0, 600));
    HttpResponse<byte[]> put = http.send("PUT", location + "?digest=" + Digest.sha256(content),
        Arrays.copyOfRange(content, 600, 1000));
    assertEquals(201, put.statusCode());
  }

  @Test
  void wrongDigestIsRefusedAndTheSessionSurvives() throws Exception {
    byte[] content = "payload".getBytes(StandardCharsets.UTF_8);
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    http.send("PATCH", location, content);
    HttpResponse<byte[]> wrong = http.send("PUT", location + "?digest=" + Digest.sha256(new byte[1]), null);
    assertEquals(400, wrong.statusCode());
    assertTrue(Http.text(wrong).contains("DIGEST_INVALID"));
    assertEquals(201, http.send("PUT", location + "?digest=" + Digest.sha256(content), null).statusCode());
  }

  @Test
  void monolithicPostWithWrongDigestIsRefused() throws Exception {
    HttpResponse<byte[]> r = http.send("POST", "/v2/a/b/blobs/uploads/?digest=" + Digest.sha256(new byte[1]),
        new byte[] {1, 2});
    assertEquals(400, r.statusCode());
    assertTrue(Http.text(r).contains("DIGEST_INVALID"));
  }

  @Test
  void sha512DigestsAreAccepted() throws Exception {
    byte[] content = random(999, 7);
    Digest d = Digest.of(Digest.Algorithm.SHA512, content);
    assertEquals(201, http.send("POST", "/v2/a/b/blobs/uploads/?digest=" + d, content).statusCode());
    HttpResponse<byte[]> r = http.get("/v2/a/b/blobs/" + d);
    assertArrayEquals(content, r.body());
    assertEquals(d.toString(), Http.header(r, "Docker-Content-Digest"));
  }

  @Test
  void zeroLengthBlobCanBeUploaded() throws Exception {
    Digest d = Digest.sha256(new byte[0]);
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    assertEquals(201, http.send("PUT", location + "?digest=" + d, null).statusCode());
    HttpResponse<byte[]> r = http.get("/v2/a/b/blobs/" + d);
    assertEquals(200, r.statusCode());
    assertEquals(0, r.body().length);
  }

  @Test
  void cancelledSessionIsGone() throws Exception {
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    assertEquals(204, http.send("DELETE", location, null).statusCode());
    HttpResponse<byte[]> r = http.get(location);
    assertEquals(404, r.statusCode());
    assertTrue(Http.text(r).contains("BLOB_UPLOAD_UNKNOWN"));
  }

  @Test
  void sessionOfAnotherRepositoryIsUnknown() throws Exception {
    String location = Http.header(http.send("POST", "/v2/a/b/blobs/uploads/", null), "Location");
    String other = location.replace("/v2/a/b/", "/v2/c/d/");
    assertEquals(404, http.get(other).statusCode());
  }

  @Test
  void mountLinksABlobFromAnotherRepository() throws Exception {
    Digest d = http.pushBlob("src/repo", random(64, 8));
    assertEquals(404, http.get("/v2/dst/repo/blobs/" + d).statusCode());
    String mount = "/v2/dst/repo/blobs/uploads/?mount=" + d + "&from=src/repo";
    HttpResponse<byte[]> r = http.send("POST", mount, null);
    assertEquals(201, r.statusCode());
    assertEquals("/v2/dst/repo/blobs/" + d, Http.header(r, "Location"));
    assertEquals(d.toString(), Http.header(r, "Docker-Content-Digest"));
    assertEquals(200, http.get("/v2/dst/repo/blobs/" + d).statusCode());
  }

  @Test
  void mountWithoutFromFindsTheBlobInAnyRepository() throws Exception {
    Digest d = http.pushBlob("src/repo", random(64, 14));
    HttpResponse<byte[]> r = http.send("POST", "/v2/dst/repo/blobs/uploads/?mount=" + d, null);
    assertEquals(201, r.statusCode());
    assertEquals(200, http.get("/v2/dst/repo/blobs/" + d).statusCode());
  }

  @Test
  void mountOfAMissingBlobStartsAnUploadSession() throws Exception {
    Digest d = Digest.sha256(new byte[] {9});
    String mount = "/v2/dst/repo/blobs/uploads/?mount=" + d + "&from=src/repo";
    HttpResponse<byte[]> r = http.send("POST", mount, null);
    assertEquals(202, r.statusCode());
    assertTrue(Http.header(r, "Location").startsWith("/v2/dst/repo/blobs/uploads/"));
  }

  @Test
  void rangeRequestAnswersPartialContent() throws Exception {
    byte[] content = random(1024, 9);
    Digest d = http.pushBlob("a/b", content);
    HttpResponse<byte[]> r = http.get("/v2/a/b/blobs/" + d, "Range", "bytes=10-19");
    assertEquals(206, r.statusCode());
    assertEquals("bytes 10-19/1024", Http.header(r, "Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(content, 10, 20), r.body());
    HttpResponse<byte[]> open = http.get("/v2/a/b/blobs/" + d, "Range", "bytes=1000-");
    assertArrayEquals(Arrays.copyOfRange(content, 1000, 1024), open.body());
  }

  @Test
  void unsatisfiableRangeAnswers416() throws Exception {
    Digest d = http.pushBlob("a/b", random(100, 10));
    HttpResponse<byte[]> r = http.get("/v2/a/b/blobs/" + d, "Range", "bytes=100-200");
    assertEquals(416, r.statusCode());
    assertEquals("bytes */100", Http.header(r, "Content-Range"));
  }

  @Test
  void deletedBlobIsUnlinkedFromThatRepositoryOnly() throws Exception {
    Digest d = http.pushBlob("a/b", random(10, 11));
    http.pushBlob("c/d", random(10, 11));
    assertEquals(202, http.send("DELETE", "/v2/a/b/blobs/" + d, null).statusCode());
    HttpResponse<byte[]> gone = http.get("/v2/a/b/blobs/" + d);
    assertEquals(404, gone.statusCode());
    assertTrue(Http.text(gone).contains("BLOB_UNKNOWN"));
    assertEquals(200, http.get("/v2/c/d/blobs/" + d).statusCode());
  }

  @Test
  void malformedDigestAnswers400() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/a/b/blobs/sha256:XYZ");
    assertEquals(400, r.statusCode());
    assertTrue(Http.text(r).contains("DIGEST_INVALID"));
  }

  @Test
  void invalidRepositoryNameAnswersNameInvalid() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/Upper/Case/blobs/" + Digest.sha256(new byte[0]));
    assertEquals(400, r.statusCode());
    assertTrue(Http.text(r).contains("NAME_INVALID"));
  }

  @Test
  void deleteIsUnsupportedWhenDisabled() throws Exception {
    try (TestRegistry noDelete = TestRegistry.builder().deleteEnabled(false).start()) {
      Http h = new Http(noDelete);
      Digest d = h.pushBlob("a/b", random(10, 12));
      HttpResponse<byte[]> r = h.send("DELETE", "/v2/a/b/blobs/" + d, null);
      assertEquals(405, r.statusCode());
      assertTrue(Http.text(r).contains("UNSUPPORTED"));
      assertEquals(200, h.get("/v2/a/b/blobs/" + d).statusCode());
    }
  }
}
