package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Digest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
  @TempDir
  Path root;

  @Test
  void contentTagsAndReferrersSurviveARestart() throws Exception {
    byte[] image;
    Digest subject;
    Digest sig;
    try (TestRegistry first = TestRegistry.builder().storage(root).start()) {
      Http http = new Http(first);
      image = Content.image(http, "a/b", "persisted layer");
      subject = Digest.sha256(image);
      assertEquals(201, http.putManifest("a/b", "v1", Http.OCI_MANIFEST, image).statusCode());
      byte[] sigBytes = Content.referrer(http, "a/b", subject, Content.NOTARY, Map.of("k", "v"));
      sig = Digest.sha256(sigBytes);
      assertEquals(201, http.putManifest("a/b", sig.toString(), Http.OCI_MANIFEST, sigBytes).statusCode());
    }
    try (TestRegistry second = TestRegistry.builder().storage(root).start()) {
      Http http = new Http(second);
      HttpResponse<byte[]> get = http.get("/v2/a/b/manifests/v1", "Accept", Http.OCI_MANIFEST);
      assertEquals(200, get.statusCode());
      assertArrayEquals(image, get.body());
      assertEquals("{\"name\":\"a/b\",\"tags\":[\"v1\"]}", Http.text(http.get("/v2/a/b/tags/list")));
      assertTrue(Http.text(http.get("/v2/a/b/referrers/" + subject)).contains(sig.toString()));
      assertEquals(200, http.get("/v2/a/b/blobs/" + Digest.sha256(Content.EMPTY)).statusCode());
      assertEquals(202, http.send("DELETE", "/v2/a/b/manifests/v1", null).statusCode());
    }
    try (TestRegistry third = TestRegistry.builder().storage(root).start()) {
      Http http = new Http(third);
      assertEquals("{\"name\":\"a/b\",\"tags\":[]}", Http.text(http.get("/v2/a/b/tags/list")));
      assertEquals(200, http.get("/v2/a/b/manifests/" + subject).statusCode());
    }
  }

  @Test
  void largeChunkedUploadStreamsThroughFileStorage() throws Exception {
    int chunk = 8 * 1024 * 1024;
    int chunks = 6;
    byte[] block = new byte[chunk];
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (TestRegistry registry = TestRegistry.builder().storage(root).start()) {
      Http http = new Http(registry);
      String location = Http.header(http.send("POST", "/v2/big/blob/blobs/uploads/", null), "Location");
      Random random = new Random(3);
      for (int i = 0; i < chunks; i++) {
        random.nextBytes(block);
        md.update(block);
        HttpResponse<byte[]> r = http.send("PATCH", location, block,
            "Content-Range", ((long) i * chunk) + "-" + ((long) (i + 1) * chunk - 1));
        assertEquals(202, r.statusCode());
      }
      Digest d = Digest.of(Digest.Algorithm.SHA256, md);
      assertEquals(201, http.send("PUT", location + "?digest=" + d, null).statusCode());
      assertEquals((long) chunk * chunks, Files.size(root.resolve("blobs/sha256/" + d.hex())));

      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<InputStream> get = client.send(
          HttpRequest.newBuilder(URI.create(registry.baseUri() + "/v2/big/blob/blobs/" + d)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      MessageDigest check = MessageDigest.getInstance("SHA-256");
      long total = 0;
      try (InputStream in = get.body()) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
          check.update(buf, 0, n);
          total += n;
        }
      }
      assertEquals((long) chunk * chunks, total);
      assertEquals(d, Digest.of(Digest.Algorithm.SHA256, check));
    }
  }
}
