package dev.nota.oci.registry;

import java.util.List;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * Where a registry points next: the {@code Location} of an upload session (absolute or relative, built from whatever
 * {@code Host} the registry saw) and the {@code Link: <url>; rel="next"} of paginated lists (parsed leniently, since
 * some registries drop the angle brackets).
 */
final class Links {
  private Links() {}

  /** Resolves {@code location} against the URL of the request that returned it; null when it is not a URL. */
  static HttpUrl resolve(HttpUrl requestUrl, String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    return requestUrl.resolve(location.strip());
  }

  /** {@code url} with {@code digest=<alg>:<hex>} appended to its query (colon unescaped, as registries expect). */
  static HttpUrl withDigest(HttpUrl url, dev.nota.oci.Digest digest) {
    return url.newBuilder().addEncodedQueryParameter("digest", digest.toString()).build();
  }

  /** {@code url} with {@code name=value} appended to its query, after {@code ?} or {@code &} as needed. */
  static HttpUrl withQuery(HttpUrl url, String name, String value) {
    return url.newBuilder().addQueryParameter(name, value).build();
  }

  /** The URL of the {@code rel="next"} link among {@code headerValues}, resolved against {@code requestUrl}, or null. */
  static HttpUrl next(HttpUrl requestUrl, List<String> headerValues) {
    for (String header : headerValues) {
      for (String link : splitLinks(header)) {
        String[] parts = link.split(";");
        String target = parts[0].strip();
        if (target.startsWith("<") && target.endsWith(">")) {
          target = target.substring(1, target.length() - 1);
        }
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].strip();
          int eq = p.indexOf('=');
          if (eq < 0 || !p.substring(0, eq).strip().equalsIgnoreCase("rel")) {
            continue;
          }
          String rel = p.substring(eq + 1).strip();
          if (rel.length() >= 2 && rel.startsWith("\"") && rel.endsWith("\"")) {
            rel = rel.substring(1, rel.length() - 1);
          }
          for (String r : rel.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (r.equals("next")) {
              return resolve(requestUrl, target);
            }
          }
        }
      }
    }
    return null;
  }

  /** Splits at commas outside angle brackets and quotes. */
  private static List<String> splitLinks(String header) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    boolean inAngle = false;
    boolean inQuote = false;
    int start = 0;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '<' && !inQuote) {
        inAngle = true;
      } else if (c == '>' && !inQuote) {
        inAngle = false;
      } else if (c == '"' && !inAngle) {
        inQuote = !inQuote;
      } else if (c == ',' && !inAngle && !inQuote) {
        out.add(header.substring(start, i));
        start = i + 1;
      }
    }
    out.add(header.substring(start));
    return out;
  }
}
