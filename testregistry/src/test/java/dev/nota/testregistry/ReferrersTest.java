package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Digest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReferrersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SBOM = "application/spdx+json";

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

  private Digest push(String repo, byte[] manifest) throws Exception {
    Digest d = Digest.sha256(manifest);
    HttpResponse<byte[]> r = http.putManifest(repo, d.toString(), Http.OCI_MANIFEST, manifest);
    assertEquals(201, r.statusCode(), () -> Http.text(r));
    return d;
  }

  @Test
  void listsReferrersWithArtifactTypeAndAnnotations() throws Exception {
    Digest subject = push("a/b", Content.image(http, "a/b", "x"));
    byte[] sig = Content.referrer(http, "a/b", subject, Content.NOTARY, Map.of("k", "v"));
    Digest sigDigest = push("a/b", sig);
    HttpResponse<byte[]> r = http.get("/v2/a/b/referrers/" + subject);
    assertEquals(200, r.statusCode());
    assertEquals(Http.OCI_INDEX, Http.header(r, "Content-Type"));
    assertNull(Http.header(r, "OCI-Filters-Applied"));
    JsonNode index = JSON.readTree(r.body());
    assertEquals(2, index.get("schemaVersion").asInt());
    assertEquals(Http.OCI_INDEX, index.get("mediaType").asText());
    JsonNode d = index.get("manifests").get(0);
    assertEquals(Http.OCI_MANIFEST, d.get("mediaType").asText());
    assertEquals(sigDigest.toString(), d.get("digest").asText());
    assertEquals(sig.length, d.get("size").asLong());
    assertEquals(Content.NOTARY, d.get("artifactType").asText());
    assertEquals("v", d.get("annotations").get("k").asText());
  }

  @Test
  void artifactTypeFallsBackToConfigMediaType() throws Exception {
    Digest subject = push("a/b", Content.image(http, "a/b", "x"));
    push("a/b", Content.referrer(http, "a/b", subject, null, Map.of()));
    JsonNode d = JSON.readTree(http.get("/v2/a/b/referrers/" + subject).body()).get("manifests").get(0);
    assertEquals(Content.EMPTY_TYPE, d.get("artifactType").asText());
  }

  @Test
  void filterByArtifactTypeSetsFiltersAppliedHeader() throws Exception {
    Digest subject = push("a/b", Content.image(http, "a/b", "x"));
    Digest sig = push("a/b", Content.referrer(http, "a/b", subject, Content.NOTARY, Map.of()));
    push("a/b", Content.referrer(http, "a/b", subject, SBOM, Map.of()));
    HttpResponse<byte[]> all = http.get("/v2/a/b/referrers/" + subject);
    assertEquals(2, JSON.readTree(all.body()).get("manifests").size());
    HttpResponse<byte[]> only = http.get("/v2/a/b/referrers/" + subject + "?artifactType=" + Content.NOTARY);
    assertEquals("artifactType", Http.header(only, "OCI-Filters-Applied"));
    JsonNode list = JSON.readTree(only.body()).get("manifests");
    assertEquals(1, list.size());
    assertEquals(sig.toString(), list.get(0).get("digest").asText());
    HttpResponse<byte[]> encoded = http.get("/v2/a/b/referrers/" + subject + "?artifactType="
        + SBOM.replace("+", "%2B"));
    assertEquals(1, JSON.readTree(encoded.body()).get("manifests").size());
  }

  @Test
  void paginatesWithNAndLinkHeader() throws Exception {
    Digest subject = push("a/b", Content.image(http, "a/b", "x"));
    Set<String> pushed = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      pushed.add(push("a/b", Content.referrer(http, "a/b", subject, Content.NOTARY, Map.of("i", "" + i)))
          .toString());
    }
    Set<String> seen = new HashSet<>();
    String next = "/v2/a/b/referrers/" + subject + "?n=2";
    int pages = 0;
    while (next != null) {
      HttpResponse<byte[]> r = http.get(next);
      assertEquals(200, r.statusCode());
      for (JsonNode d : JSON.readTree(r.body()).get("manifests")) {
        assertTrue(seen.add(d.get("digest").asText()), "listed twice");
      }
      pages++;
      String link = Http.header(r, "Link");
      next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
      if (link != null) {
        assertTrue(link.endsWith("; rel=\"next\""), link);
      }
    }
    assertEquals(3, pages);
    assertEquals(pushed, seen);
  }

  @Test
  void unknownSubjectAndUnknownRepositoryGiveAnEmptyIndex() throws Exception {
    Digest nothing = Digest.sha256(new byte[] {7});
    HttpResponse<byte[]> r = http.get("/v2/never/pushed/referrers/" + nothing);
    assertEquals(200, r.statusCode());
    assertEquals(0, JSON.readTree(r.body()).get("manifests").size());
  }

  @Test
  void badDigestAnswers400() throws Exception {
    assertEquals(400, http.get("/v2/a/b/referrers/sha256:1234").statusCode());
  }

  @Test
  void withoutReferrersApiTheRouteIsAPlainTextNotFoundAndNoSubjectHeader() throws Exception {
    try (TestRegistry old = TestRegistry.builder().referrersApi(false).start()) {
      Http h = new Http(old);
      byte[] image = Content.image(h, "a/b", "x");
      Digest subject = Digest.sha256(image);
      h.putManifest("a/b", "v1", Http.OCI_MANIFEST, image);
      byte[] sig = Content.referrer(h, "a/b", subject, Content.NOTARY, Map.of());
      HttpResponse<byte[]> put = h.putManifest("a/b", Digest.sha256(sig).toString(), Http.OCI_MANIFEST, sig);
      assertEquals(201, put.statusCode());
      assertNull(Http.header(put, "OCI-Subject"));
      HttpResponse<byte[]> r = h.get("/v2/a/b/referrers/" + subject);
      assertEquals(404, r.statusCode());
      assertTrue(Http.header(r, "Content-Type").startsWith("text/plain"));
      assertEquals("404 page not found", Http.text(r).trim());
      assertFalse(Http.text(r).contains("errors"));
    }
  }

  /** The session of the issue, as a curl user would type it: push, attach, list, filter, delete. */
  @Test
  void curlStyleSessionPushAttachListFilterDelete() throws Exception {
    String repo = "test/repo";
    byte[] config = Content.EMPTY;
    Digest configDigest = Digest.sha256(config);
    String location = Http.header(http.send("POST", "/v2/" + repo + "/blobs/uploads/", null), "Location");
    assertEquals(201, http.send("PUT", location + "?digest=" + configDigest, config,
        "Content-Type", "application/octet-stream").statusCode());

    String image = "{\"schemaVersion\":2,\"mediaType\":\"" + Http.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\""
        + Content.EMPTY_TYPE + "\",\"digest\":\"" + configDigest + "\",\"size\":2},\"layers\":[]}";
    byte[] imageBytes = image.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Digest imageDigest = Digest.sha256(imageBytes);
    assertEquals(201, http.putManifest(repo, "v1", Http.OCI_MANIFEST, imageBytes).statusCode());

    byte[] sig = Content.referrer(http, repo, imageDigest, Content.NOTARY,
        Map.of("io.cncf.notary.x509chain.thumbprint#S256", "[\"abc\"]"));
    Digest sigDigest = Digest.sha256(sig);
    HttpResponse<byte[]> put = http.putManifest(repo, sigDigest.toString(), Http.OCI_MANIFEST, sig);
    assertEquals(201, put.statusCode());
    assertEquals(imageDigest.toString(), Http.header(put, "OCI-Subject"));

    JsonNode all = JSON.readTree(http.get("/v2/" + repo + "/referrers/" + imageDigest).body());
    assertEquals(sigDigest.toString(), all.get("manifests").get(0).get("digest").asText());
    HttpResponse<byte[]> filtered = http.get("/v2/" + repo + "/referrers/" + imageDigest + "?artifactType="
        + Content.NOTARY);
    assertEquals("artifactType", Http.header(filtered, "OCI-Filters-Applied"));
    assertEquals(1, JSON.readTree(filtered.body()).get("manifests").size());
    HttpResponse<byte[]> none =
        http.get("/v2/" + repo + "/referrers/" + imageDigest + "?artifactType=" + SBOM);
    assertEquals(0, JSON.readTree(none.body()).get("manifests").size());

    assertEquals(202, http.send("DELETE", "/v2/" + repo + "/manifests/" + sigDigest, null).statusCode());
    assertEquals(0, JSON.readTree(http.get("/v2/" + repo + "/referrers/" + imageDigest).body())
        .get("manifests").size());
  }
}
