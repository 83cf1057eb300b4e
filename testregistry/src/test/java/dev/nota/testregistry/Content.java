package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds manifests for the tests, pushing the blobs they need first. */
final class Content {
  static final byte[] EMPTY = {'{', '}'};
  static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";
  static final String NOTARY = "application/vnd.cncf.notary.signature";

  private Content() {}

  /**
   * An image manifest with the empty config and one layer of {@code layer}; blobs are pushed to {@code repo}.
   */
  static byte[] image(Http http, String repo, String layer) throws IOException, InterruptedException {
    Digest config = http.pushBlob(repo, EMPTY);
    byte[] layerBytes = layer.getBytes(StandardCharsets.UTF_8);
    Digest l = http.pushBlob(repo, layerBytes);
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + Http.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
        + "\",\"size\":2},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + l
        + "\",\"size\":" + layerBytes.length + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  /** An artifact manifest referring to {@code subject}, with {@code artifactType} and annotations. */
  static byte[] referrer(
      Http http, String repo, Digest subject, String artifactType, Map<String, String> annotations)
      throws IOException, InterruptedException {
    Digest config = http.pushBlob(repo, EMPTY);
    StringBuilder ann = new StringBuilder();
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      String value = e.getValue().replace("\"", "\\\"");
      ann.append(ann.length() == 0 ? "" : ",")
          .append('"').append(e.getKey()).append("\":\"").append(value).append('"');
    }
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + Http.OCI_MANIFEST + "\","
        + (artifactType == null ? "" : "\"artifactType\":\"" + artifactType + "\",")
        + "\"config\":{\"mediaType\":\"" + EMPTY_TYPE + "\",\"digest\":\"" + config + "\",\"size\":2},"
        + "\"layers\":[{\"mediaType\":\"" + EMPTY_TYPE + "\",\"digest\":\"" + config + "\",\"size\":2}],"
        + "\"subject\":{\"mediaType\":\"" + Http.OCI_MANIFEST + "\",\"digest\":\"" + subject
        + "\",\"size\":123}"
        + (annotations.isEmpty() ? "" : ",\"annotations\":{" + ann + "}")
        + "}").getBytes(StandardCharsets.UTF_8);
  }
}
