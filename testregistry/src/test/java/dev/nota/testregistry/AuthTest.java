package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private static Map<String, String> challenge(HttpResponse<byte[]> r) {
    String header = Http.header(r, "WWW-Authenticate");
    assertTrue(header.startsWith("Bearer "), header);
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(header);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    return params;
  }

  private static String token(Http http, Map<String, String> challenge, String authorization)
      throws Exception {
    String url = challenge.get("realm") + "?service=" + challenge.get("service") + "&scope="
        + challenge.get("scope");
    HttpResponse<byte[]> r =
        authorization == null ? http.get(url) : http.get(url, "Authorization", authorization);
    assertEquals(200, r.statusCode(), () -> Http.text(r));
    JsonNode body = JSON.readTree(r.body());
    assertEquals(body.get("token").asText(), body.get("access_token").asText());
    assertEquals(300, body.get("expires_in").asInt());
    return body.get("token").asText();
  }

  @Test
  void basicAuthAnswers401WithoutAndWrongCredentialsAnd200WithRightOnes() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").start()) {
      Http http = new Http(registry);
      HttpResponse<byte[]> none = http.get("/v2/");
      assertEquals(401, none.statusCode());
      assertEquals("Basic realm=\"nota-testregistry\"", Http.header(none, "WWW-Authenticate"));
      assertTrue(Http.text(none).contains("UNAUTHORIZED"));
      assertEquals(401, http.get("/v2/", "Authorization", Http.basic("alice", "wrong")).statusCode());
      assertEquals(200, http.get("/v2/", "Authorization", Http.basic("alice", "s3cret")).statusCode());
      assertEquals(401, http.get("/v2/a/b/tags/list").statusCode());
      String alice = Http.basic("alice", "s3cret");
      assertEquals(404, http.get("/v2/a/b/tags/list", "Authorization", alice).statusCode());
    }
  }

  @Test
  void tokenFlowChallengesIssuesATokenAndAcceptsIt() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").start()) {
      Http http = new Http(registry);
      byte[] content = {1, 2, 3};
      String path = "/v2/a/b/blobs/uploads/?digest=" + Digest.sha256(content);
      HttpResponse<byte[]> first = http.send("POST", path, content);
      assertEquals(401, first.statusCode());
      Map<String, String> c = challenge(first);
      assertEquals(registry.baseUri() + "/token", c.get("realm"));
      assertEquals("nota-testregistry", c.get("service"));
      assertEquals("repository:a/b:pull,push", c.get("scope"));

      String token = token(http, c, Http.basic("alice", "s3cret"));
      HttpResponse<byte[]> retry = http.send("POST", path, content, "Authorization", "Bearer " + token);
      assertEquals(201, retry.statusCode(), () -> Http.text(retry));
      String blob = "/v2/a/b/blobs/" + Digest.sha256(content);
      assertEquals(200, http.get(blob, "Authorization", "Bearer " + token).statusCode());
      assertEquals(401, http.get(blob, "Authorization", "Bearer forged").statusCode());
    }
  }

  @Test
  void tokenWithoutTheNeededScopeGetsInsufficientScope() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").start()) {
      Http http = new Http(registry);
      Map<String, String> pull = challenge(http.get("/v2/a/b/tags/list"));
      assertEquals("repository:a/b:pull", pull.get("scope"));
      String token = token(http, pull, Http.basic("alice", "s3cret"));
      assertEquals(404, http.get("/v2/a/b/tags/list", "Authorization", "Bearer " + token).statusCode());
      HttpResponse<byte[]> push =
          http.send("POST", "/v2/a/b/blobs/uploads/", null, "Authorization", "Bearer " + token);
      assertEquals(401, push.statusCode());
      assertEquals("insufficient_scope", challenge(push).get("error"));
      HttpResponse<byte[]> other = http.get("/v2/c/d/tags/list", "Authorization", "Bearer " + token);
      assertEquals("insufficient_scope", challenge(other).get("error"));
    }
  }

  @Test
  void tokenEndpointRefusesWrongCredentials() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").start()) {
      Http http = new Http(registry);
      HttpResponse<byte[]> r = http.get("/token?service=nota-testregistry&scope=repository:a/b:pull",
          "Authorization", Http.basic("alice", "nope"));
      assertEquals(401, r.statusCode());
    }
  }

  @Test
  void anonymousTokensGrantPullOnly() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth(null, null).start()) {
      Http http = new Http(registry);
      Map<String, String> c = challenge(http.send("POST", "/v2/a/b/blobs/uploads/", null));
      String token = token(http, c, null);
      assertEquals(404, http.get("/v2/a/b/tags/list", "Authorization", "Bearer " + token).statusCode());
      HttpResponse<byte[]> push =
          http.send("POST", "/v2/a/b/blobs/uploads/", null, "Authorization", "Bearer " + token);
      assertEquals(401, push.statusCode());
      assertEquals("insufficient_scope", challenge(push).get("error"));
    }
  }

  @Test
  void pingWithTokenFlowNeedsAnyValidToken() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").start()) {
      Http http = new Http(registry);
      HttpResponse<byte[]> r = http.get("/v2/");
      assertEquals(401, r.statusCode());
      Map<String, String> c = challenge(r);
      c.put("scope", "repository:x:pull");
      String token = token(http, c, Http.basic("alice", "s3cret"));
      assertEquals(200, http.get("/v2/", "Authorization", "Bearer " + token).statusCode());
    }
  }

  @Test
  void oauth2PasswordGrantIssuesATokenToo() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").start()) {
      Http http = new Http(registry);
      String form = "grant_type=password&service=nota-testregistry&client_id=nota"
          + "&username=alice&password=s3cret"
          + "&scope=repository%3Aa%2Fb%3Apull+registry:catalog:*";
      HttpResponse<byte[]> r = http.send("POST", "/token", form.getBytes(StandardCharsets.UTF_8),
          "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(200, r.statusCode(), () -> Http.text(r));
      String token = JSON.readTree(r.body()).get("access_token").asText();
      assertEquals(404, http.get("/v2/a/b/tags/list", "Authorization", "Bearer " + token).statusCode());
      assertEquals(200, http.get("/v2/_catalog", "Authorization", "Bearer " + token).statusCode());
      String wrong = form.replace("s3cret", "nope");
      assertEquals(401, http.send("POST", "/token", wrong.getBytes(StandardCharsets.UTF_8)).statusCode());
    }
  }
}
