package dev.nota.testregistry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paginated lists: tags ({@code /v2/<name>/tags/list}), repositories ({@code /v2/_catalog}) and referrers
 * ({@code /v2/<name>/referrers/<digest>}). Pages are cut by {@code n} and continued after {@code last}, with
 * an RFC 5988 {@code Link: <...>; rel="next"} header while more remain.
 */
final class ListingHandler {
  /** Referrers per page when the client gives no {@code n}. */
  static final int REFERRERS_PAGE = 100;

  private final Services services;

  ListingHandler(Services services) {
    this.services = services;
  }

  void tags(Call call, String name) throws IOException, RegistryError {
    List<String> tags = services.repos().tags(name);
    if (tags == null) {
      throw new RegistryError(404, "NAME_UNKNOWN", "repository name not known to registry", name);
    }
    List<String> page = page(call, tags, "/v2/" + name + "/tags/list", -1);
    ObjectNode body = Call.JSON.createObjectNode();
    body.put("name", name);
    ArrayNode array = body.putArray("tags");
    page.forEach(array::add);
    call.json(200, body);
  }

  void catalog(Call call) throws IOException, RegistryError {
    List<String> page = page(call, services.repos().catalog(), "/v2/_catalog", -1);
    ObjectNode body = Call.JSON.createObjectNode();
    ArrayNode array = body.putArray("repositories");
    page.forEach(array::add);
    call.json(200, body);
  }

  void referrers(Call call, String name, String reference) throws IOException, RegistryError {
    Digest subject = Names.digest(reference);
    List<Descriptor> all = services.repos().referrers(name, subject);
    String artifactType = call.param("artifactType");
    if (artifactType != null) {
      List<Descriptor> kept = new ArrayList<>();
      for (Descriptor d : all) {
        if (artifactType.equals(d.artifactType())) {
          kept.add(d);
        }
      }
      all = kept;
      call.setHeader("OCI-Filters-Applied", "artifactType");
    }
    List<String> keys = new ArrayList<>();
    all.forEach(d -> keys.add(d.digest().toString()));
    String self = "/v2/" + name + "/referrers/" + subject
        + (artifactType == null ? "" : "?artifactType=" + Call.encode(artifactType));
    List<String> page = page(call, keys, self, REFERRERS_PAGE);
    ObjectNode body = Call.JSON.createObjectNode();
    body.put("schemaVersion", 2);
    body.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = body.putArray("manifests");
    int from = keys.indexOf(page.isEmpty() ? null : page.get(0));
    for (int i = 0; i < page.size(); i++) {
      manifests.add(json(all.get(from + i)));
    }
    call.bytes(200, MediaTypes.OCI_INDEX, Call.JSON.writeValueAsBytes(body));
  }

  private static ObjectNode json(Descriptor d) {
    ObjectNode node = Call.JSON.createObjectNode();
    node.put("mediaType", d.mediaType());
    node.put("digest", d.digest().toString());
    node.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      ObjectNode ann = node.putObject("annotations");
      for (Map.Entry<String, String> e : d.annotations().entrySet()) {
        ann.put(e.getKey(), e.getValue());
      }
    }
    if (d.artifactType() != null) {
      node.put("artifactType", d.artifactType());
    }
    return node;
  }

  /**
   * The page of sorted {@code items} after {@code last}, at most {@code n} long ({@code defaultN} when
   * absent, -1 = unlimited); sets the Link header when more follow. {@code self} may already carry a query.
   */
  private static List<String> page(Call call, List<String> items, String self, int defaultN)
      throws RegistryError {
    int n = defaultN;
    String nParam = call.param("n");
    if (nParam != null && !nParam.isEmpty()) {
      try {
        n = Integer.parseInt(nParam);
      } catch (NumberFormatException e) {
        throw new RegistryError(
            400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested", nParam);
      }
      if (n < 0) {
        n = -1;
      }
    }
    String last = call.param("last");
    int start = 0;
    if (last != null && !last.isEmpty()) {
      while (start < items.size() && items.get(start).compareTo(last) <= 0) {
        start++;
      }
    }
    int end = n < 0 ? items.size() : Math.min(items.size(), start + n);
    List<String> page = items.subList(start, end);
    if (n > 0 && end < items.size()) {
      String sep = self.indexOf('?') < 0 ? "?" : "&";
      call.setHeader("Link", "<" + self + sep + "last=" + Call.encode(page.get(page.size() - 1)) + "&n=" + n
          + ">; rel=\"next\"");
    }
    return page;
  }
}
