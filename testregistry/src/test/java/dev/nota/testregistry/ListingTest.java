package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListingTest {
  private TestRegistry registry;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    registry = TestRegistry.start();
    http = new Http(registry);
    byte[] image = Content.image(http, "a/b", "x");
    for (String tag : new String[] {"v2", "b", "v10", "a", "c"}) {
      assertEquals(201, http.putManifest("a/b", tag, Http.OCI_MANIFEST, image).statusCode());
    }
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void tagsAreListedInLexicalOrder() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/a/b/tags/list");
    assertEquals("{\"name\":\"a/b\",\"tags\":[\"a\",\"b\",\"c\",\"v10\",\"v2\"]}", Http.text(r));
    assertNull(Http.header(r, "Link"));
  }

  @Test
  void tagsArePaginatedWithNLastAndLink() throws Exception {
    HttpResponse<byte[]> first = http.get("/v2/a/b/tags/list?n=2");
    assertEquals("{\"name\":\"a/b\",\"tags\":[\"a\",\"b\"]}", Http.text(first));
    assertEquals("</v2/a/b/tags/list?last=b&n=2>; rel=\"next\"", Http.header(first, "Link"));
    HttpResponse<byte[]> second = http.get("/v2/a/b/tags/list?last=b&n=2");
    assertEquals("{\"name\":\"a/b\",\"tags\":[\"c\",\"v10\"]}", Http.text(second));
    HttpResponse<byte[]> third = http.get("/v2/a/b/tags/list?last=v10&n=2");
    assertEquals("{\"name\":\"a/b\",\"tags\":[\"v2\"]}", Http.text(third));
    assertNull(Http.header(third, "Link"));
    HttpResponse<byte[]> zero = http.get("/v2/a/b/tags/list?n=0");
    assertEquals("{\"name\":\"a/b\",\"tags\":[]}", Http.text(zero));
    assertNull(Http.header(zero, "Link"));
  }

  @Test
  void tagsOfUnknownRepositoryAnswerNameUnknown() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/no/such/tags/list");
    assertEquals(404, r.statusCode());
    assertTrue(Http.text(r).contains("NAME_UNKNOWN"));
  }

  @Test
  void catalogIsPaginated() throws Exception {
    http.pushBlob("c/d", new byte[] {1});
    http.pushBlob("e", new byte[] {1});
    HttpResponse<byte[]> first = http.get("/v2/_catalog?n=2");
    assertEquals("{\"repositories\":[\"a/b\",\"c/d\"]}", Http.text(first));
    assertEquals("</v2/_catalog?last=c%2Fd&n=2>; rel=\"next\"", Http.header(first, "Link"));
    HttpResponse<byte[]> second = http.get("/v2/_catalog?last=c%2Fd&n=2");
    assertEquals("{\"repositories\":[\"e\"]}", Http.text(second));
    assertNull(Http.header(second, "Link"));
  }

  @Test
  void unknownRouteIsPlainTextNotFound() throws Exception {
    HttpResponse<byte[]> r = http.get("/v2/a/b/unknown/x");
    assertEquals(404, r.statusCode());
    assertEquals("404 page not found", Http.text(r).trim());
  }

  @Test
  void badPageSizeIsRefused() throws Exception {
    assertEquals(400, http.get("/v2/a/b/tags/list?n=abc").statusCode());
  }
}
