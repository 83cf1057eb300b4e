package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManifestTest {
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

  private static String code(HttpResponse<byte[]> r) {
    String body = Http.text(r);
    int i = body.indexOf("\"code\":\"");
    return i < 0 ? body : body.substring(i + 8, body.indexOf('"', i + 8));
  }

  @Test
  void manifestPushedByTagComesBackByteIdenticalByTagAndDigest() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    Digest d = Digest.sha256(body);
    HttpResponse<byte[]> put = http.putManifest("a/b", "v1", Http.OCI_MANIFEST, body);
    assertEquals(201, put.statusCode(), () -> Http.text(put));
    assertEquals("/v2/a/b/manifests/" + d, Http.header(put, "Location"));
    assertEquals(d.toString(), Http.header(put, "Docker-Content-Digest"));
    assertNull(Http.header(put, "OCI-Subject"));
    for (String ref : new String[] {"v1", d.toString()}) {
      HttpResponse<byte[]> get = http.get("/v2/a/b/manifests/" + ref, "Accept", Http.ALL_MANIFESTS);
      assertEquals(200, get.statusCode());
      assertArrayEquals(body, get.body());
      assertEquals(Http.OCI_MANIFEST, Http.header(get, "Content-Type"));
      assertEquals(d.toString(), Http.header(get, "Docker-Content-Digest"));
      assertEquals(Integer.toString(body.length), Http.header(get, "Content-Length"));
    }
    HttpResponse<byte[]> head = http.send("HEAD", "/v2/a/b/manifests/v1", null, "Accept", Http.OCI_MANIFEST);
    assertEquals(200, head.statusCode());
    assertEquals(Integer.toString(body.length), Http.header(head, "Content-Length"));
    assertEquals(0, head.body().length);
  }

  @Test
  void acceptHeaderNamingNeitherTheTypeNorWildcardGets404() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    http.putManifest("a/b", "v1", Http.OCI_MANIFEST, body);
    HttpResponse<byte[]> wrong = http.get("/v2/a/b/manifests/v1", "Accept", "application/json");
    assertEquals(404, wrong.statusCode());
    assertEquals("MANIFEST_UNKNOWN", code(wrong));
    assertEquals(200, http.get("/v2/a/b/manifests/v1", "Accept", "*/*").statusCode());
    assertEquals(200, http.get("/v2/a/b/manifests/v1").statusCode());
    String weighted = "application/json;q=0.5, " + Http.OCI_MANIFEST + ";q=0.9";
    assertEquals(200, http.get("/v2/a/b/manifests/v1", "Accept", weighted).statusCode());
  }

  @Test
  void unknownTagAndDigestAnswerManifestUnknown() throws Exception {
    assertEquals("MANIFEST_UNKNOWN", code(http.get("/v2/a/b/manifests/nope")));
    assertEquals(404, http.get("/v2/a/b/manifests/" + Digest.sha256(new byte[3])).statusCode());
  }

  @Test
  void unsupportedContentTypeIsManifestInvalid() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    HttpResponse<byte[]> r = http.putManifest("a/b", "v1", "application/json", body);
    assertEquals(400, r.statusCode());
    assertEquals("MANIFEST_INVALID", code(r));
    HttpResponse<byte[]> artifact =
        http.putManifest("a/b", "v1", "application/vnd.oci.artifact.manifest.v1+json", body);
    assertEquals("MANIFEST_INVALID", code(artifact));
  }

  @Test
  void bodyThatIsNotJsonOrNotOfTheDeclaredKindIsManifestInvalid() throws Exception {
    assertEquals("MANIFEST_INVALID",
        code(http.putManifest("a/b", "v1", Http.OCI_MANIFEST, "not json".getBytes(StandardCharsets.UTF_8))));
    byte[] body = Content.image(http, "a/b", "layer");
    assertEquals("MANIFEST_INVALID", code(http.putManifest("a/b", "v1", Http.OCI_INDEX, body)));
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + Http.OCI_INDEX + "\",\"manifests\":[]}")
        .getBytes(StandardCharsets.UTF_8);
    assertEquals("MANIFEST_INVALID", code(http.putManifest("a/b", "v1", Http.OCI_MANIFEST, index)));
  }

  @Test
  void manifestReferencingAMissingBlobIsManifestBlobUnknown() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    HttpResponse<byte[]> r = http.putManifest("other/repo", "v1", Http.OCI_MANIFEST, body);
    assertEquals(400, r.statusCode());
    assertEquals("MANIFEST_BLOB_UNKNOWN", code(r));
  }

  @Test
  void sparseManifestsAreAcceptedWhenAllowedAndServedAsPushed() throws Exception {
    try (TestRegistry sparse = TestRegistry.builder().sparseManifests(true).start()) {
      Http other = new Http(sparse);
      byte[] image = Content.image(http, "a/b", "layer not in the sparse registry");
      HttpResponse<byte[]> put = other.putManifest("a/b", "v1", Http.OCI_MANIFEST, image);
      assertEquals(201, put.statusCode(), () -> Http.text(put));
      Digest d = Digest.sha256(image);
      String indexJson = "{\"schemaVersion\":2,\"mediaType\":\"" + Http.OCI_INDEX
          + "\",\"manifests\":[{\"mediaType\":\"" + Http.OCI_MANIFEST + "\",\"digest\":\""
          + Digest.sha256(new byte[] {1}) + "\",\"size\":1}]}";
      byte[] index = indexJson.getBytes(StandardCharsets.UTF_8);
      assertEquals(201, other.putManifest("a/b", "multi", Http.OCI_INDEX, index).statusCode());
      assertArrayEquals(image, other.get("/v2/a/b/manifests/" + d, "Accept", Http.OCI_MANIFEST).body());
      assertArrayEquals(index, other.get("/v2/a/b/manifests/multi", "Accept", Http.OCI_INDEX).body());
      byte[] garbage = {'x'};
      assertEquals("MANIFEST_INVALID", code(other.putManifest("a/b", "v2", Http.OCI_MANIFEST, garbage)));
    }
  }

  @Test
  void indexMustListManifestsOfThisRepository() throws Exception {
    byte[] image = Content.image(http, "a/b", "layer");
    Digest d = Digest.sha256(image);
    String indexJson = "{\"schemaVersion\":2,\"mediaType\":\"" + Http.OCI_INDEX
        + "\",\"manifests\":[{\"mediaType\":\""
        + Http.OCI_MANIFEST + "\",\"digest\":\"" + d + "\",\"size\":" + image.length + "}]}";
    byte[] index = indexJson.getBytes(StandardCharsets.UTF_8);
    assertEquals("MANIFEST_BLOB_UNKNOWN", code(http.putManifest("a/b", "multi", Http.OCI_INDEX, index)));
    http.putManifest("a/b", d.toString(), Http.OCI_MANIFEST, image);
    HttpResponse<byte[]> ok = http.putManifest("a/b", "multi", Http.OCI_INDEX, index);
    assertEquals(201, ok.statusCode(), () -> Http.text(ok));
    HttpResponse<byte[]> get = http.get("/v2/a/b/manifests/multi", "Accept", Http.OCI_INDEX);
    assertEquals(Http.OCI_INDEX, Http.header(get, "Content-Type"));
  }

  @Test
  void digestInTheUrlMustMatchTheBody() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    String other = Digest.sha256(new byte[1]).toString();
    HttpResponse<byte[]> r = http.putManifest("a/b", other, Http.OCI_MANIFEST, body);
    assertEquals(400, r.statusCode());
    assertEquals("DIGEST_INVALID", code(r));
  }

  @Test
  void invalidTagIsTagInvalid() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    assertEquals("TAG_INVALID", code(http.putManifest("a/b", ".hidden", Http.OCI_MANIFEST, body)));
  }

  @Test
  void manifestOverFourMebibytesAnswers413() throws Exception {
    byte[] big = new byte[4 * 1024 * 1024 + 1];
    Arrays.fill(big, (byte) ' ');
    HttpResponse<byte[]> r = http.putManifest("a/b", "big", Http.OCI_MANIFEST, big);
    assertEquals(413, r.statusCode());
    assertEquals("SIZE_INVALID", code(r));
  }

  @Test
  void danglingSubjectIsAcceptedAndAnsweredWithOciSubject() throws Exception {
    Digest missing = Digest.sha256("no such manifest".getBytes(StandardCharsets.UTF_8));
    byte[] sig = Content.referrer(http, "a/b", missing, Content.NOTARY, Map.of());
    HttpResponse<byte[]> r = http.putManifest("a/b", Digest.sha256(sig).toString(), Http.OCI_MANIFEST, sig);
    assertEquals(201, r.statusCode(), () -> Http.text(r));
    assertEquals(missing.toString(), Http.header(r, "OCI-Subject"));
  }

  @Test
  void deleteByDigestRemovesTagsAndReferrerEntry() throws Exception {
    byte[] image = Content.image(http, "a/b", "layer");
    Digest subject = Digest.sha256(image);
    http.putManifest("a/b", "v1", Http.OCI_MANIFEST, image);
    http.putManifest("a/b", "latest", Http.OCI_MANIFEST, image);
    byte[] sig = Content.referrer(http, "a/b", subject, Content.NOTARY, Map.of());
    Digest sigDigest = Digest.sha256(sig);
    http.putManifest("a/b", sigDigest.toString(), Http.OCI_MANIFEST, sig);
    assertTrue(Http.text(http.get("/v2/a/b/referrers/" + subject)).contains(sigDigest.toString()));

    assertEquals(202, http.send("DELETE", "/v2/a/b/manifests/" + sigDigest, null).statusCode());
    assertEquals(404, http.get("/v2/a/b/manifests/" + sigDigest).statusCode());
    assertEquals(404, http.send("DELETE", "/v2/a/b/manifests/" + sigDigest, null).statusCode());
    assertTrue(Http.text(http.get("/v2/a/b/referrers/" + subject)).contains("\"manifests\":[]"));

    assertEquals(202, http.send("DELETE", "/v2/a/b/manifests/" + subject, null).statusCode());
    assertEquals("{\"name\":\"a/b\",\"tags\":[]}", Http.text(http.get("/v2/a/b/tags/list")));
  }

  @Test
  void deleteByTagRemovesOnlyTheTag() throws Exception {
    byte[] image = Content.image(http, "a/b", "layer");
    http.putManifest("a/b", "v1", Http.OCI_MANIFEST, image);
    assertEquals(202, http.send("DELETE", "/v2/a/b/manifests/v1", null).statusCode());
    assertEquals(404, http.get("/v2/a/b/manifests/v1").statusCode());
    assertEquals(200, http.get("/v2/a/b/manifests/" + Digest.sha256(image)).statusCode());
  }

  @Test
  void deleteOfManifestIsUnsupportedWhenDisabled() throws Exception {
    try (TestRegistry r = TestRegistry.builder().deleteEnabled(false).start()) {
      Http h = new Http(r);
      byte[] image = Content.image(h, "a/b", "layer");
      h.putManifest("a/b", "v1", Http.OCI_MANIFEST, image);
      assertEquals(405, h.send("DELETE", "/v2/a/b/manifests/v1", null).statusCode());
      assertEquals(405, h.send("DELETE", "/v2/a/b/manifests/" + Digest.sha256(image), null).statusCode());
    }
  }

  @Test
  void dockerManifestWithoutMediaTypeInBodyIsRefused() throws Exception {
    byte[] body = Content.image(http, "a/b", "layer");
    String noType = new String(body, StandardCharsets.UTF_8)
        .replace("\"mediaType\":\"" + Http.OCI_MANIFEST + "\",", "");
    assertEquals("MANIFEST_INVALID", code(http.putManifest("a/b", "v1",
        "application/vnd.docker.distribution.manifest.v2+json", noType.getBytes(StandardCharsets.UTF_8))));
    byte[] untyped = noType.getBytes(StandardCharsets.UTF_8);
    assertEquals(201, http.putManifest("a/b", "v1", Http.OCI_MANIFEST, untyped).statusCode());
  }
}
