package dev.nota.core.tuf;

/**
 * The GUN (globally unique name) of an image's trust data, derived the way docker does: the fully qualified
 * repository name, {@code docker.io/library/alpine} for {@code alpine}; tags and digests are dropped.
 */
public record Gun(String name, String tag) {
  /** Splits {@code image} ({@code [host/]path[:tag][@digest]}) into GUN and tag (null when none). */
  public static Gun fromImage(String image) throws TufException {
    if (image == null || image.isBlank() || image.chars().anyMatch(c -> c <= ' ')) {
      throw new TufException(TufException.Kind.INPUT, null, "invalid image reference \"" + image + "\"");
    }
    String rest = image;
    int at = rest.indexOf('@');
    if (at >= 0) {
      rest = rest.substring(0, at);
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
        throw new TufException(TufException.Kind.INPUT, null, "invalid tag \"" + tag + "\" in " + image);
      }
    }
    if (rest.isEmpty() || rest.startsWith("/") || rest.endsWith("/") || rest.contains("//")) {
      throw new TufException(TufException.Kind.INPUT, null, "invalid image reference \"" + image + "\"");
    }
    int first = rest.indexOf('/');
    String host = first < 0 ? null : rest.substring(0, first);
    boolean isHost = host != null && (host.contains(".") || host.contains(":") || host.equals("localhost"));
    String gun;
    if (!isHost) {
      gun = "docker.io/" + (first < 0 ? "library/" + rest : rest);
    } else if (host.equals("index.docker.io")) {
      String path = rest.substring(first + 1);
      gun = "docker.io/" + (path.contains("/") ? path : "library/" + path);
    } else {
      gun = rest;
    }
    String path = gun.substring(gun.indexOf('/') + 1);
    if (!path.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")) {
      throw new TufException(TufException.Kind.INPUT, null, "invalid repository name in \"" + image + "\"");
    }
    return new Gun(gun, tag);
  }
}
