package dev.nota.core.key;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * notation's {@code signingkeys.json}: the named signing keys and which one is the default, so that a notation
 * configuration directory works unchanged with nota. Immutable: changes return a new value, {@link #save} writes
 * it atomically. Loading applies notation's checks (no empty or duplicate names, the default must exist); saving
 * writes the file as notation does (four-space indent, {@code default} left out when unset). nota's own kinds of key
 * live in the fields notation keeps when it rewrites the file: a PKCS#12 bundle is named by both {@code keyPath} and
 * {@code certPath} (plus an optional {@code pkcs12Alias}, the one field notation drops), a token key by a PKCS#11
 * URI in {@code keyPath} (see {@link Pkcs11Uri}).
 */
public record SigningKeys(String defaultKey, List<KeyEntry> keys) {
  /** The file name inside the configuration directory. */
  public static final String FILE = "signingkeys.json";
  private static final long MAX_FILE = 1024 * 1024;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /**
   * @throws IllegalArgumentException for duplicate names or a default that names no key
   */
  public SigningKeys {
    keys = keys == null ? List.of() : List.copyOf(keys);
    Set<String> names = new HashSet<>();
    for (KeyEntry k : keys) {
      if (!names.add(k.name())) {
        throw new IllegalArgumentException("more than one signing key is named \"" + k.name() + "\"");
      }
    }
    if (defaultKey != null && !names.contains(defaultKey)) {
      throw new IllegalArgumentException("default signing key \"" + defaultKey + "\" is not among the keys");
    }
  }

  /** No keys and no default. */
  public static SigningKeys empty() {
    return new SigningKeys(null, List.of());
  }

  /** Reads {@code signingkeys.json} from {@code configDir}; a missing file means no keys. */
  public static SigningKeys load(Path configDir) throws KeyException {
    Path file = configDir.resolve(FILE);
    if (!Files.exists(file)) {
      return empty();
    }
    JsonNode root;
    try {
      if (Files.size(file) > MAX_FILE) {
        throw new KeyException(file + " is over " + MAX_FILE + " bytes");
      }
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new KeyException("malformed " + file + ": not valid JSON: " + e.getOriginalMessage().replace('\n', ' '),
          e);
    } catch (IOException e) {
      throw new KeyException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new KeyException("malformed " + file + ": it must hold a JSON object");
    }
    String where = "malformed " + file + ": ";
    String def = string(root, "default", where);
    List<KeyEntry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    JsonNode keys = root.get("keys");
    if (keys != null && !keys.isNull()) {
      if (!keys.isArray()) {
        throw new KeyException(where + "\"keys\" must be an array");
      }
      for (JsonNode k : keys) {
        KeyEntry e = entry(k, where);
        if (!names.add(e.name())) {
          throw new KeyException(where + "more than one key is named \"" + e.name() + "\"");
        }
        entries.add(e);
      }
    }
    if (def != null) {
      if (def.isEmpty()) {
        throw new KeyException(where + "the default key name is empty");
      }
      if (!names.contains(def)) {
        throw new KeyException(where + "the default key \"" + def + "\" is not among the keys");
      }
    }
    return new SigningKeys(def, entries);
  }

  private static KeyEntry entry(JsonNode k, String where) throws KeyException {
    if (!k.isObject()) {
      throw new KeyException(where + "each entry of \"keys\" must be an object");
    }
    String name = string(k, "name", where);
    if (name == null || name.isEmpty()) {
      throw new KeyException(where + "a key has no name");
    }
    String at = where + "key \"" + name + "\": ";
    String keyPath = string(k, "keyPath", at);
    String certPath = string(k, "certPath", at);
    String pluginName = string(k, "pluginName", at);
    String id = string(k, "id", at);
    Map<String, String> config = new LinkedHashMap<>();
    JsonNode pc = k.get("pluginConfig");
    if (pc != null && !pc.isNull()) {
      if (!pc.isObject()) {
        throw new KeyException(at + "\"pluginConfig\" must be an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = pc.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw new KeyException(at + "pluginConfig value \"" + e.getKey() + "\" must be a string");
        }
        config.put(e.getKey(), e.getValue().textValue());
      }
    }
    String alias = string(k, "pkcs12Alias", at);
    boolean local = !isEmpty(keyPath) || !isEmpty(certPath);
    boolean plugin = !isEmpty(pluginName) || !isEmpty(id);
    if (local && plugin) {
      throw new KeyException(at + "it has both local files (keyPath, certPath) and a plugin (pluginName, id)");
    }
    if (plugin) {
      if (isEmpty(pluginName) || isEmpty(id)) {
        throw new KeyException(at + "a plugin key needs both \"pluginName\" and \"id\"");
      }
      if (alias != null) {
        throw new KeyException(at + "\"pkcs12Alias\" is only for PKCS#12 keys");
      }
      return KeyEntry.plugin(name, id, pluginName, config);
    }
    if (isEmpty(keyPath) || isEmpty(certPath)) {
      throw new KeyException(at + "it needs \"keyPath\" and \"certPath\", or \"pluginName\" and \"id\"");
    }
    if (!config.isEmpty()) {
      throw new KeyException(at + "\"pluginConfig\" is only for plugin keys");
    }
    if (Pkcs11Uri.isUri(keyPath)) {
      if (alias != null) {
        throw new KeyException(at + "\"pkcs12Alias\" is only for PKCS#12 keys");
      }
      try {
        Pkcs11Uri uri = Pkcs11Uri.parse(keyPath);
        return KeyEntry.pkcs11(name, uri, Pkcs11Uri.isUri(certPath) ? null : Path.of(certPath));
      } catch (IllegalArgumentException e) {
        throw new KeyException(at + e.getMessage(), e);
      }
    }
    if (Pkcs11Uri.isUri(certPath)) {
      throw new KeyException(at + "\"certPath\" is a PKCS#11 URI but \"keyPath\" is not");
    }
    if (alias != null && (alias.isEmpty() || !keyPath.equals(certPath))) {
      throw new KeyException(at + "\"pkcs12Alias\" needs a PKCS#12 bundle in both \"keyPath\" and \"certPath\"");
    }
    return alias != null ? KeyEntry.pkcs12(name, Path.of(keyPath), alias)
        : KeyEntry.local(name, Path.of(keyPath), Path.of(certPath));
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static String string(JsonNode node, String field, String where) throws KeyException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new KeyException(where + "\"" + field + "\" must be a string");
    }
    return v.textValue();
  }

  /**
   * Writes {@code signingkeys.json} into {@code configDir} (created if missing) atomically: a temporary file,
   * readable by its owner only where the file system has POSIX permissions, renamed over the old one.
   */
  public void save(Path configDir) throws KeyException {
    Path file = configDir.resolve(FILE);
    Path tmp = null;
    try {
      Files.createDirectories(configDir);
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      FileAttribute<?>[] ownerOnly = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
          : new FileAttribute<?>[0];
      tmp = Files.createTempFile(configDir, ".tmp-signingkeys-", ".json", ownerOnly);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new KeyException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the write already failed; that error is the one to report
        }
      }
    }
  }

  /** The file content as notation's Go JSON encoder writes it: four-space indent, trailing newline. */
  String toJson() {
    StringBuilder sb = new StringBuilder("{\n");
    if (defaultKey != null) {
      sb.append("    \"default\": ").append(quote(defaultKey)).append(",\n");
    }
    sb.append("    \"keys\": [");
    for (int i = 0; i < keys.size(); i++) {
      KeyEntry e = keys.get(i);
      sb.append(i == 0 ? "\n" : ",\n").append("        {\n");
      List<String> fields = new ArrayList<>();
      fields.add(field("name", e.name()));
      if (e.isPlugin()) {
        fields.add(field("id", e.id()));
        fields.add(field("pluginName", e.pluginName()));
        if (!e.pluginConfig().isEmpty()) {
          StringBuilder pc = new StringBuilder("            \"pluginConfig\": {\n");
          List<String> pairs = new ArrayList<>();
          e.pluginConfig().forEach((k, v) -> pairs.add("                " + quote(k) + ": " + quote(v)));
          pc.append(String.join(",\n", pairs)).append("\n            }");
          fields.add(pc.toString());
        }
      } else if (e.pkcs11() != null) {
        fields.add(field("keyPath", e.pkcs11().toString()));
        fields.add(field("certPath",
            e.certPath() == null ? e.pkcs11().certificateUri() : e.certPath().toString()));
      } else {
        fields.add(field("keyPath", e.keyPath().toString()));
        fields.add(field("certPath", e.certPath().toString()));
        if (e.pkcs12Alias() != null) {
          fields.add(field("pkcs12Alias", e.pkcs12Alias()));
        }
      }
      sb.append(String.join(",\n", fields)).append("\n        }");
    }
    sb.append(keys.isEmpty() ? "]\n" : "\n    ]\n").append("}\n");
    return sb.toString();
  }

  private static String field(String name, String value) {
    return "            \"" + name + "\": " + quote(value);
  }

  /** A JSON string as Go's encoder writes it, which also escapes {@code <}, {@code >} and {@code &}. */
  private static String quote(String s) {
    String q = new String(JsonStringEncoder.getInstance().quoteAsString(s));
    q = q.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    return "\"" + q + "\"";
  }

  /**
   * Adds a key.
   *
   * @throws KeyException if a key of that name already exists
   */
  public SigningKeys add(KeyEntry entry, boolean makeDefault) throws KeyException {
    if (find(entry.name()) != null) {
      throw new KeyException("signing key \"" + entry.name() + "\" already exists");
    }
    List<KeyEntry> next = new ArrayList<>(keys);
    next.add(entry);
    return new SigningKeys(makeDefault ? entry.name() : defaultKey, next);
  }

  /**
   * Removes a key, and the default mark with it if it was the default.
   *
   * @throws KeyException if no key has that name
   */
  public SigningKeys remove(String name) throws KeyException {
    if (find(name) == null) {
      throw notFound(name);
    }
    List<KeyEntry> next = keys.stream().filter(k -> !k.name().equals(name)).toList();
    return new SigningKeys(name.equals(defaultKey) ? null : defaultKey, next);
  }

  /**
   * Makes an existing key the default.
   *
   * @throws KeyException if no key has that name
   */
  public SigningKeys withDefault(String name) throws KeyException {
    if (find(name) == null) {
      throw notFound(name);
    }
    return new SigningKeys(name, keys);
  }

  /**
   * The key named {@code name}, or the default key when {@code name} is null.
   *
   * @throws KeyException if there is no such key, or no default is set
   */
  public KeyEntry get(String name) throws KeyException {
    if (name == null) {
      if (defaultKey == null) {
        throw new KeyException("no signing key was named and no default signing key is set; name one with --key, "
            + "or set a default with 'nota key update --default NAME'");
      }
      name = defaultKey;
    }
    KeyEntry e = find(name);
    if (e == null) {
      throw notFound(name);
    }
    return e;
  }

  private static KeyException notFound(String name) {
    return new KeyException("signing key \"" + name + "\" not found in " + FILE);
  }

  private KeyEntry find(String name) {
    for (KeyEntry k : keys) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
