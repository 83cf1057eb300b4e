package dev.nota.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Notary v1 (Docker Content Trust) trust source of {@code trustpolicy.nota.json}, named by requirements like a
 * statement: it is satisfied when the v1 trust data of {@code gun}, fully verified, has a signed tag pinning the
 * artifact's digest, so during a migration a policy can accept a v2 signature or the v1 signature the image already
 * has ({@code atLeast 1 of [vendor, legacy]}).
 *
 * @param name how requirements name it (unique among statements and sources)
 * @param server the notary server (https, or http for a loopback test server); null with {@code trustDir}
 * @param trustDir a trust directory in docker's layout; null with {@code server}
 * @param gun the GUN; null to derive it from the artifact's repository as docker does
 * @param rootCert a PEM certificate the root must hold (a pin); null to trust the cached or first-seen root
 * @param roles the targets roles whose signatures count, in lookup order (Docker's: targets/releases, then targets)
 */
public record NotaryV1Source(String name, URI server, Path trustDir, String gun, Path rootCert,
    List<String> roles) {
  /** The roles Docker resolves tags with, in its order. */
  public static final List<String> DOCKER_ROLES = List.of("targets/releases", "targets");

  private static final Set<String> FIELDS = Set.of("name", "server", "trustDir", "gun", "rootCert", "roles");

  public NotaryV1Source {
    Objects.requireNonNull(name, "name");
    if ((server == null) == (trustDir == null)) {
      throw new IllegalArgumentException("exactly one of server and trustDir");
    }
    roles = List.copyOf(roles);
  }

  /** Parses the top-level {@code notaryV1} array; names must not clash with {@code statementNames}. */
  static List<NotaryV1Source> parseAll(JsonNode node, Set<String> statementNames) throws PolicyException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new PolicyException("notaryV1: must be an array of Notary v1 trust sources");
    }
    List<NotaryV1Source> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "notaryV1[" + i + "]";
      NotaryV1Source s = parse(path, node.get(i));
      if (statementNames.contains(s.name())) {
        throw new PolicyException(path + ".name: " + GoText.quote(s.name())
            + " is also a trust policy statement name, names must be unique");
      }
      if (!names.add(s.name())) {
        throw new PolicyException(path + ".name: Notary v1 source name " + GoText.quote(s.name())
            + " is used twice, names must be unique");
      }
      out.add(s);
    }
    return out;
  }

  private static NotaryV1Source parse(String path, JsonNode n) throws PolicyException {
    if (n == null || !n.isObject()) {
      throw new PolicyException(path + ": must be an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new PolicyException(path + "." + field + ": unknown field, expected one of "
            + GoText.quoteList(FIELDS.stream().sorted().toList()));
      }
    }
    String name = text(path + ".name", n.get("name"));
    if (name == null || name.isEmpty()) {
      throw new PolicyException(path + ".name: missing, requirements name the source by it");
    }
    String serverText = text(path + ".server", n.get("server"));
    String dirText = text(path + ".trustDir", n.get("trustDir"));
    if (serverText == null && dirText == null) {
      throw new PolicyException(path + ": give server (a notary server URL) or trustDir (a trust directory)");
    }
    if (serverText != null && dirText != null) {
      throw new PolicyException(path + ": give server or trustDir, not both");
    }
    URI server = null;
    if (serverText != null) {
      server = server(path + ".server", serverText);
    }
    Path trustDir = dirText == null ? null : path(path + ".trustDir", dirText);
    String gun = text(path + ".gun", n.get("gun"));
    if (gun != null && !gun.matches("[A-Za-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+")) {
      throw new PolicyException(path + ".gun: " + GoText.quote(gun)
          + " is not a GUN, use the full repository name, e.g. docker.io/library/alpine");
    }
    String rootText = text(path + ".rootCert", n.get("rootCert"));
    Path rootCert = rootText == null ? null : path(path + ".rootCert", rootText);
    List<String> roles = DOCKER_ROLES;
    JsonNode r = n.get("roles");
    if (r != null && !r.isNull()) {
      if (!r.isArray() || r.isEmpty()) {
        throw new PolicyException(path + ".roles: must be a non-empty array of targets roles");
      }
      List<String> list = new ArrayList<>();
      for (JsonNode role : r) {
        if (!role.isTextual() || !(role.asText().equals("targets")
            || role.asText().matches("targets(/[A-Za-z0-9_.-]+)+"))) {
          throw new PolicyException(path + ".roles: " + role + " is not a targets role (targets or"
              + " targets/<delegation>)");
        }
        if (list.contains(role.asText())) {
          throw new PolicyException(path + ".roles: " + GoText.quote(role.asText()) + " is listed twice");
        }
        list.add(role.asText());
      }
      roles = list;
    }
    return new NotaryV1Source(name, server, trustDir, gun, rootCert, roles);
  }

  private static URI server(String path, String text) throws PolicyException {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new PolicyException(path + ": " + GoText.quote(text) + " is not a URL");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
        || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new PolicyException(path + ": " + GoText.quote(text)
          + " is not a notary server URL, use https://host[:port]");
    }
    return uri;
  }

  private static Path path(String path, String text) throws PolicyException {
    if (text.isEmpty()) {
      throw new PolicyException(path + ": is empty");
    }
    Path p;
    try {
      p = Path.of(text);
    } catch (InvalidPathException e) {
      throw new PolicyException(path + ": " + GoText.quote(text) + " is not a valid path");
    }
    if (!p.isAbsolute()) {
      throw new PolicyException(path + ": " + GoText.quote(text) + " must be an absolute path");
    }
    return p;
  }

  private static String text(String path, JsonNode node) throws PolicyException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new PolicyException(path + ": must be a string");
    }
    return node.asText();
  }
}
