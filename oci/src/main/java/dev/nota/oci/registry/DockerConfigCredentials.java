package dev.nota.oci.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.JsonTree;
import dev.nota.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Credentials from a docker {@code config.json}, looked up as the docker CLI does: {@code credHelpers[registry]},
 * else {@code credsStore}, each by running {@code docker-credential-<name> get}; else the {@code auths} entry (base64
 * {@code auth} or {@code username}/{@code password}, and {@code identitytoken}). Keys of {@code auths} match after
 * stripping a scheme and path; {@code docker.io} is also found under {@code https://index.docker.io/v1/}. A missing
 * file means no credentials. The caller decides which file and where helpers are found ({@link CredentialHelpers});
 * nothing is read from the environment here. {@link DockerConfig} is the write side.
 */
public final class DockerConfigCredentials implements CredentialStore {
  static final String HUB_KEY = "https://index.docker.io/v1/";
  static final List<String> HUB_ALIASES =
      List.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private final Path configFile;
  private final CredentialHelpers helpers;

  /**
   * @param configFile the {@code config.json} to read
   * @param helperDir the directory holding {@code docker-credential-*} executables, or null to search this process's
   *     {@code PATH}
   */
  public DockerConfigCredentials(Path configFile, Path helperDir) {
    this.configFile = configFile;
    this.helpers = helperDir == null ? CredentialHelpers.onPath(null) : CredentialHelpers.inDirectory(helperDir);
  }

  private DockerConfigCredentials(Path configFile, CredentialHelpers helpers) {
    this.configFile = configFile;
    this.helpers = helpers;
  }

  /**
   * The credentials in {@code configFile}, with the {@code docker-credential-*} executables found by
   * {@code helpers} (e.g. on the command's own {@code PATH}).
   */
  public static DockerConfigCredentials of(Path configFile, CredentialHelpers helpers) {
    return new DockerConfigCredentials(configFile, Objects.requireNonNull(helpers, "helpers"));
  }

  @Override
  public Credential get(String registry) throws OciException {
    JsonNode config;
    try {
      config = JsonTree.standard().read(Files.readAllBytes(configFile));
    } catch (NoSuchFileException e) {
      return null;
    } catch (JsonProcessingException e) {
      throw new OciException(DockerConfig.malformed(configFile, e));
    } catch (IOException e) {
      throw new OciException("reading docker config " + configFile + ": " + e.getMessage(), e);
    }
    if (config == null || !config.isObject()) {
      return null;
    }
    boolean hub = HUB_ALIASES.contains(registry.toLowerCase(Locale.ROOT));
    String server = hub ? HUB_KEY : registry;
    String helper = find(config.path("credHelpers"), registry, hub);
    if (helper != null && !helper.isEmpty()) {
      return runHelper(helper, server);
    }
    String store = config.path("credsStore").asText("");
    if (!store.isEmpty()) {
      Credential c = runHelper(store, server);
      if (c != null) {
        return c;
      }
    }
    JsonNode auths = config.path("auths");
    JsonNode entry = findNode(auths, registry, hub);
    return entry == null ? null : fromAuth(entry, registry);
  }

  static String find(JsonNode map, String registry, boolean hub) {
    JsonNode n = findNode(map, registry, hub);
    return n == null ? null : n.asText(null);
  }

  /** The value whose key names {@code registry} once scheme and path are stripped. */
  static JsonNode findNode(JsonNode map, String registry, boolean hub) {
    if (!map.isObject()) {
      return null;
    }
    JsonNode exact = map.get(registry);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String host = hostOf(e.getKey());
      if (host.equals(registry.toLowerCase(Locale.ROOT)) || (hub && HUB_ALIASES.contains(host))) {
        return e.getValue();
      }
    }
    return null;
  }

  static String hostOf(String key) {
    String k = key.strip().toLowerCase(Locale.ROOT);
    if (k.startsWith("http://")) {
      k = k.substring(7);
    } else if (k.startsWith("https://")) {
      k = k.substring(8);
    }
    int slash = k.indexOf('/');
    return slash < 0 ? k : k.substring(0, slash);
  }

  private Credential fromAuth(JsonNode entry, String registry) throws OciException {
    String identityToken = entry.path("identitytoken").asText("");
    if (!identityToken.isEmpty()) {
      return Credential.identityToken(identityToken);
    }
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new OciException("reading docker config " + configFile + ": the auth of " + registry
            + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new OciException("reading docker config " + configFile + ": the auth of " + registry
            + " is not user:password");
      }
      return Credential.basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    String user = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    return user.isEmpty() ? null : Credential.basic(user, password);
  }

  private Credential runHelper(String name, String server) throws OciException {
    try {
      return helpers.get(name, server);
    } catch (OciException e) {
      throw new OciException(e.getMessage() + " (named in " + configFile + ")", e);
    }
  }
}
