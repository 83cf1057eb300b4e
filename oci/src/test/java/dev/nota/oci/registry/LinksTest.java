package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nota.oci.Digest;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class LinksTest {
  private static final HttpUrl POST = HttpUrl.get("http://127.0.0.1:5000/v2/app/blobs/uploads/");

  @Test
  void resolvesRelativeLocationAgainstTheRequest() {
    assertEquals("http://127.0.0.1:5000/v2/app/blobs/uploads/abc?_state=x",
        Links.resolve(POST, "/v2/app/blobs/uploads/abc?_state=x").toString());
  }

  @Test
  void keepsAbsoluteLocationEvenOnAnotherHost() {
    assertEquals("https://storage.example.com/up/1",
        Links.resolve(POST, "https://storage.example.com/up/1").toString());
  }

  @Test
  void rejectsEmptyLocation() {
    assertNull(Links.resolve(POST, " "));
    assertNull(Links.resolve(POST, null));
  }

  @Test
  void appendsDigestWithAmpersandOrQuestionMark() {
    Digest d = Digest.sha256(new byte[0]);
    HttpUrl withQuery = HttpUrl.get("http://h/v2/app/blobs/uploads/u?_state=abc");
    assertEquals("http://h/v2/app/blobs/uploads/u?_state=abc&digest=" + d, Links.withDigest(withQuery, d).toString());
    assertEquals("http://h/v2/app/blobs/uploads/u?digest=" + d,
        Links.withDigest(HttpUrl.get("http://h/v2/app/blobs/uploads/u"), d).toString());
    assertEquals("http://h/r?artifactType=application%2Fvnd.x%2Bjson",
        Links.withQuery(HttpUrl.get("http://h/r"), "artifactType", "application/vnd.x+json").toString());
  }

  @Test
  void findsNextLinkWithAngleBrackets() {
    HttpUrl tags = HttpUrl.get("http://h/v2/app/tags/list?n=2");
    assertEquals("http://h/v2/app/tags/list?last=b&n=2",
        Links.next(tags, List.of("</v2/app/tags/list?last=b&n=2>; rel=\"next\"")).toString());
  }

  @Test
  void findsNextLinkWithoutBracketsOrQuotesAmongOthers() {
    HttpUrl tags = HttpUrl.get("http://h/v2/app/tags/list");
    assertEquals("http://h/v2/app/tags/list?last=c",
        Links.next(tags, List.of("</first>; rel=\"first\", /v2/app/tags/list?last=c; rel=next")).toString());
    assertNull(Links.next(tags, List.of("</first>; rel=\"prev\"")));
    assertNull(Links.next(tags, List.of()));
  }
}
