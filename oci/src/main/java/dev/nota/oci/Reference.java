package dev.nota.oci;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference to an artifact in a registry: {@code registry/repository[:tag][@digest]}, with docker's defaults
 * ({@code docker.io}, {@code library/}) applied when parsing a short name, so that {@code alpine} and
 * {@code docker.io/library/alpine} name the same repository, as they do for docker and notation.
 *
 * <p>The grammar is docker/distribution's: {@code host[:port]/path[:tag][@digest]}. The first path component is the
 * registry when it contains {@code .} or {@code :}, is {@code localhost}, or is a bracketed IPv6 address; otherwise
 * the registry is {@code docker.io}. Use {@link #parse} for user input and {@link #of} for parts already split.
 *
 * @param registry host with optional port, e.g. {@code localhost:5000}, {@code [::1]:5000}, {@code docker.io}
 * @param repository path components, e.g. {@code library/alpine}
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
  /** Docker Hub's canonical name, used as the default registry. */
  public static final String DOCKER_HUB = "docker.io";

  private static final String LEGACY_DOCKER_HUB = "index.docker.io";
  private static final String DOCKER_HUB_API = "registry-1.docker.io";
  private static final int MAX_NAME_LENGTH = 255;
  private static final int MAX_TAG_LENGTH = 128;
  private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Pattern DOMAIN_COMPONENT = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]+");
  private static final Pattern PORT = Pattern.compile("[0-9]+");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  public Reference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
  }

  /**
   * Parses a reference as docker and notation do, applying the {@code docker.io} and {@code library/} defaults.
   *
   * @throws InvalidReferenceException naming the input and what is wrong with it
   */
  public static Reference parse(String text) throws InvalidReferenceException {
    if (text == null || text.isEmpty()) {
      throw new InvalidReferenceException(text, "reference is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new InvalidReferenceException(text, "contains whitespace or a control character at index " + i);
      }
    }
    if (HEX64.matcher(text).matches()) {
      throw new InvalidReferenceException(text,
          "a 64-character hexadecimal string is an image ID, not a repository name");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digestText = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (digestText.indexOf('@') >= 0) {
        throw new InvalidReferenceException(text, "more than one '@'");
      }
      if (digestText.isEmpty()) {
        throw new InvalidReferenceException(text, "digest after '@' is empty");
      }
      try {
        digest = Digest.parse(digestText);
      } catch (InvalidContentException e) {
        throw new InvalidReferenceException(text, e.getMessage());
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/') && !(rest.indexOf('/') < 0 && rest.startsWith("["))) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      checkTag(text, tag);
    }
    if (rest.isEmpty()) {
      throw new InvalidReferenceException(text, "repository name is empty");
    }
    String registry;
    String repository;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? null : rest.substring(0, slash);
    if (first != null && (first.equals("localhost") || first.indexOf('.') >= 0 || first.indexOf(':') >= 0
        || first.startsWith("["))) {
      registry = first;
      repository = rest.substring(slash + 1);
    } else if (slash < 0 && rest.startsWith("[")) {
      throw new InvalidReferenceException(text, "registry " + rest + " is not followed by a repository name");
    } else {
      registry = DOCKER_HUB;
      repository = rest;
    }
    return validated(text, registry, repository, tag, digest);
  }

  /**
   * A reference from parts already split, checked against the same grammar as {@link #parse}; {@code index.docker.io}
   * becomes {@code docker.io}, and a one-component repository on Docker Hub gets the {@code library/} prefix.
   *
   * @param tag the tag, or null
   * @param digest the digest, or null
   * @throws InvalidReferenceException when a part is invalid
   */
  public static Reference of(String registry, String repository, String tag, Digest digest)
      throws InvalidReferenceException {
    String text = (registry == null ? "" : registry) + "/" + (repository == null ? "" : repository)
        + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    if (registry == null || registry.isEmpty()) {
      throw new InvalidReferenceException(text, "registry is empty");
    }
    if (repository == null || repository.isEmpty()) {
      throw new InvalidReferenceException(text, "repository name is empty");
    }
    if (tag != null) {
      checkTag(text, tag);
    }
    return validated(text, registry, repository, tag, digest);
  }

  private static Reference validated(String text, String registry, String repository, String tag, Digest digest)
      throws InvalidReferenceException {
    if (registry.equals(LEGACY_DOCKER_HUB)) {
      registry = DOCKER_HUB;
    }
    checkRegistry(text, registry);
    if (repository.isEmpty()) {
      throw new InvalidReferenceException(text, "repository name after " + registry + "/ is empty");
    }
    if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
      repository = "library/" + repository;
    }
    checkRepository(text, repository);
    if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(text, "name " + registry + "/" + repository + " is longer than "
          + MAX_NAME_LENGTH + " characters");
    }
    return new Reference(registry, repository, tag, digest);
  }

  private static void checkTag(String text, String tag) throws InvalidReferenceException {
    if (tag.isEmpty()) {
      throw new InvalidReferenceException(text, "tag after ':' is empty");
    }
    if (tag.length() > MAX_TAG_LENGTH) {
      throw new InvalidReferenceException(text, "tag is longer than " + MAX_TAG_LENGTH + " characters");
    }
    if (!TAG.matcher(tag).matches()) {
      throw new InvalidReferenceException(text, "tag \"" + Digest.abbreviate(tag)
          + "\" is invalid: it must start with a letter, digit or '_' and contain only those, '.' and '-'");
    }
  }

  private static void checkRegistry(String text, String registry) throws InvalidReferenceException {
    String host = registry;
    String port = null;
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      if (close < 0) {
        throw new InvalidReferenceException(text, "registry " + registry + " has an unclosed '['");
      }
      host = registry.substring(0, close + 1);
      String after = registry.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new InvalidReferenceException(text, "registry " + registry + " has text after ']' that is not a port");
        }
        port = after.substring(1);
      }
      String address = host.substring(1, host.length() - 1);
      if (!IPV6.matcher(address).matches() || address.indexOf(':') < 0) {
        throw new InvalidReferenceException(text, "registry " + host + " is not a valid IPv6 address");
      }
    } else {
      int colon = registry.indexOf(':');
      if (colon >= 0) {
        host = registry.substring(0, colon);
        port = registry.substring(colon + 1);
      }
      if (host.isEmpty()) {
        throw new InvalidReferenceException(text, "registry host is empty");
      }
      for (String component : host.split("\\.", -1)) {
        if (!DOMAIN_COMPONENT.matcher(component).matches()) {
          throw new InvalidReferenceException(text, "registry host \"" + Digest.abbreviate(host)
              + "\" is invalid: each dot-separated part must be letters, digits and inner '-'");
        }
      }
    }
    if (port != null) {
      if (port.isEmpty()) {
        throw new InvalidReferenceException(text, "registry port after ':' is empty");
      }
      if (!PORT.matcher(port).matches()) {
        throw new InvalidReferenceException(text, "registry port \"" + Digest.abbreviate(port) + "\" is not a number");
      }
    }
  }

  private static void checkRepository(String text, String repository) throws InvalidReferenceException {
    for (int i = 0; i < repository.length(); i++) {
      char c = repository.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        throw new InvalidReferenceException(text, "repository name must be lowercase");
      }
    }
    for (String component : repository.split("/", -1)) {
      if (component.isEmpty()) {
        throw new InvalidReferenceException(text, "repository name has an empty path component");
      }
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(text, "repository path component \"" + Digest.abbreviate(component)
            + "\" is invalid: use a-z and 0-9, separated by '.', '_', '__' or dashes");
      }
    }
  }

  /** This reference pinned to {@code newDigest} (the tag, if any, is kept for display). */
  public Reference withDigest(Digest newDigest) {
    return new Reference(registry, repository, tag, newDigest);
  }

  /**
   * This reference with {@code newTag} instead of its tag; null removes the tag.
   *
   * @throws InvalidReferenceException when {@code newTag} is not a valid tag
   */
  public Reference withTag(String newTag) throws InvalidReferenceException {
    if (newTag != null) {
      checkTag(name() + ":" + newTag, newTag);
    }
    return new Reference(registry, repository, newTag, digest);
  }

  /** What to ask the registry for: the digest string when there is one, else the tag, else null. */
  public String reference() {
    return digest != null ? digest.toString() : tag;
  }

  public boolean hasDigest() {
    return digest != null;
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The host (and port) to send API requests to: Docker Hub's API lives on {@code registry-1.docker.io}. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /**
   * Whether the registry is on this machine ({@code localhost}, {@code 127.x.x.x} or {@code [::1]}, any port), where
   * plain HTTP may be allowed. Decided from the text alone: no name is looked up.
   */
  public boolean isLoopback() {
    String host;
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      host = close < 0 ? registry : registry.substring(0, close + 1);
      if (!IPV6.matcher(host.substring(1, Math.max(1, host.length() - 1))).matches()) {
        return false;
      }
      try {
        // a bracketed IPv6 literal of hex digits and colons only: parsed, never resolved
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    int colon = registry.indexOf(':');
    host = colon < 0 ? registry : registry.substring(0, colon);
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IPV4_LOOPBACK.matcher(host).matches()) {
      return false;
    }
    for (String octet : host.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The full form, {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
