package dev.nota.oci.registry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.oci.OciException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The write side of docker's {@code config.json}: where {@code nota login} puts credentials and {@code nota logout}
 * takes them away, in the place docker itself would, so that docker, notation, oras and crane find them too (and
 * {@link DockerConfigCredentials} reads them back): the helper named by {@code credHelpers[registry]}, else the one
 * named by {@code credsStore}, else {@code auths[registry].auth} (base64 {@code user:password}) in the file.
 *
 * <p>The file is rewritten atomically (a temporary file in the same directory, then a rename), with mode 0600, every
 * field nota does not touch kept as it was. A file that is not a JSON object is never overwritten: the error names
 * the file and the position, and never quotes its content (it holds secrets).
 */
public final class DockerConfig {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
      Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
      .withObjectIndenter(new DefaultIndenter("\t", "\n"))
      .withArrayIndenter(new DefaultIndenter("\t", "\n"));

  private final Path file;
  private final CredentialHelpers helpers;

  /**
   * @param file the {@code config.json} ({@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}); it
   *     and its directory are created when missing
   * @param helpers where the {@code docker-credential-*} executables named in it are found
   */
  public DockerConfig(Path file, CredentialHelpers helpers) {
    this.file = file;
    this.helpers = helpers;
  }

  public Path file() {
    return file;
  }

  /**
   * The server address docker keys {@code registry} ({@code host[:port]}) under: itself, or
   * {@code https://index.docker.io/v1/} for Docker Hub.
   */
  public static String serverAddress(String registry) {
    return isHub(registry) ? DockerConfigCredentials.HUB_KEY : registry;
  }

  private static boolean isHub(String registry) {
    return DockerConfigCredentials.HUB_ALIASES.contains(registry.toLowerCase(Locale.ROOT));
  }

  /**
   * The credential helper that keeps {@code registry}'s credentials ({@code credHelpers}, else {@code credsStore}),
   * or null when they go into the file itself.
   */
  public String helperFor(String registry) throws OciException {
    return helperFor(read(), registry);
  }

  private static String helperFor(ObjectNode config, String registry) {
    String helper = DockerConfigCredentials.find(config.path("credHelpers"), registry, isHub(registry));
    if (helper != null && !helper.isEmpty()) {
      return helper;
    }
    String store = config.path("credsStore").asText("");
    return store.isEmpty() ? null : store;
  }

  /** Stores {@code credential} for {@code registry}; returns the helper that took it, or null for the file. */
  public String store(String registry, Credential credential) throws OciException {
    ObjectNode config = read();
    String helper = helperFor(config, registry);
    String server = serverAddress(registry);
    if (helper != null) {
      helpers.store(helper, server, credential);
      return helper;
    }
    ObjectNode entry = JSON.createObjectNode();
    if (credential.identityToken() != null) {
      entry.put("identitytoken", credential.identityToken());
    } else {
      entry.put("auth", Base64.getEncoder().encodeToString(
          (credential.username() + ":" + credential.password()).getBytes(StandardCharsets.UTF_8)));
    }
    auths(config, true).set(server, entry);
    write(config);
    return null;
  }

  /**
   * Removes what is stored for {@code registry}: through its helper when it has one, and every {@code auths} entry
   * whose key names it (with or without scheme and path). Returns false when nothing was stored; then the file is not
   * rewritten.
   */
  public boolean erase(String registry) throws OciException {
    ObjectNode config = read();
    String helper = helperFor(config, registry);
    boolean found = helper != null && helpers.erase(helper, serverAddress(registry));
    ObjectNode auths = auths(config, false);
    if (auths != null) {
      List<String> keys = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : auths.properties()) {
        String key = e.getKey();
        String host = DockerConfigCredentials.hostOf(key);
        if (key.equals(registry) || host.equals(registry.toLowerCase(Locale.ROOT))
            || (isHub(registry) && DockerConfigCredentials.HUB_ALIASES.contains(host))) {
          keys.add(key);
        }
      }
      if (!keys.isEmpty()) {
        auths.remove(keys);
        write(config);
        found = true;
      }
    }
    return found;
  }

  private ObjectNode auths(ObjectNode config, boolean create) throws OciException {
    JsonNode auths = config.get("auths");
    if (auths == null || auths.isNull()) {
      return create ? config.putObject("auths") : null;
    }
    if (!auths.isObject()) {
      throw new OciException("docker config " + file + ": \"auths\" is not a JSON object; fix or remove it "
          + "(nothing was changed)");
    }
    return (ObjectNode) auths;
  }

  /** The file as a JSON object; an empty object when it is missing or empty. */
  ObjectNode read() throws OciException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return JSON.createObjectNode();
    } catch (IOException e) {
      throw new OciException("reading docker config " + file + ": " + e.getMessage(), e);
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new OciException(malformed(file, e) + "; fix or remove it (nothing was changed)");
    } catch (IOException e) {
      throw new OciException("reading docker config " + file + ": " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new OciException("docker config " + file + " is not a JSON object; fix or remove it "
          + "(nothing was changed)");
    }
    return (ObjectNode) node;
  }

  /** Says that {@code file} is not JSON: where, never what (the file holds secrets, parser messages quote it). */
  static String malformed(Path file, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "docker config " + file + " is not valid JSON" + where;
  }

  /** Replaces the file atomically with {@code config}, mode 0600, creating its directory (0700) if needed. */
  void write(ObjectNode config) throws OciException {
    Path target = file.toAbsolutePath();
    try {
      if (Files.isSymbolicLink(target)) {
        target = target.toRealPath(); // keep the link, replace what it points to (as docker does)
      }
      Path dir = target.getParent();
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      if (!Files.isDirectory(dir)) {
        if (posix) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
              "rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      FileAttribute<?>[] attrs = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
          : new FileAttribute<?>[0];
      Path temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp", attrs);
      try {
        byte[] bytes = JSON.writer(PRETTY).writeValueAsBytes(config);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
            OutputStream out = Channels.newOutputStream(channel)) {
          out.write(bytes);
          out.write('\n');
          out.flush();
          channel.force(true);
        }
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new OciException("writing docker config " + file + ": " + e.getMessage(), e);
    }
  }
}
