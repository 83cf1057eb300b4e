package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A thin JDK HttpClient wrapper for the tests: requests by path against one registry. */
final class Http {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String ALL_MANIFESTS = OCI_MANIFEST + ", " + OCI_INDEX
      + ", application/vnd.docker.distribution.manifest.v2+json"
      + ", application/vnd.docker.distribution.manifest.list.v2+json";

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final URI base;

  Http(TestRegistry registry) {
    this.base = registry.baseUri();
  }

  HttpResponse<byte[]> send(String method, String pathOrUrl, byte[] body, String... headers)
      throws IOException, InterruptedException {
    URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : base.resolve(pathOrUrl);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
    return send("GET", path, null, headers);
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String header(HttpResponse<byte[]> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  static String basic(String user, String password) {
    byte[] pair = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair);
  }

  /** Pushes {@code content} as a blob with one monolithic POST and returns its digest. */
  Digest pushBlob(String repo, byte[] content) throws IOException, InterruptedException {
    Digest d = Digest.sha256(content);
    HttpResponse<byte[]> r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, content,
        "Content-Type", "application/octet-stream");
    assertEquals(201, r.statusCode(), () -> text(r));
    return d;
  }

  /** Pushes a manifest by {@code reference} and returns the response. */
  HttpResponse<byte[]> putManifest(String repo, String reference, String mediaType, byte[] body)
      throws IOException, InterruptedException {
    return send("PUT", "/v2/" + repo + "/manifests/" + reference, body, "Content-Type", mediaType);
  }

  /** A raw HTTP/1.1 exchange on a fresh socket: returns every byte the server sent until it closed. */
  static byte[] raw(TestRegistry registry, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", registry.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return in.readAllBytes();
    }
  }
}
