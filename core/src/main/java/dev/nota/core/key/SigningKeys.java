package dev.nota.core.key;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * notation's {@code signingkeys.json}: the named signing keys and which one is the default. Immutable; changes return
 * a new value, and {@link #save} writes it atomically.
 */
public record SigningKeys(String defaultKey, List<KeyEntry> keys) {
  public static final String FILE = "signingkeys.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SigningKeys {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }

  /** Reads {@code signingkeys.json} from {@code configDir}; a missing file is an empty key list. */
  public static SigningKeys load(Path configDir) throws KeyException {
    Path file = configDir.resolve(FILE);
    if (!Files.exists(file)) {
      return new SigningKeys(null, List.of());
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !root.isObject()) {
        throw new KeyException(file + " is not a JSON object");
      }
      String def = text(root, "default");
      List<KeyEntry> entries = new ArrayList<>();
      JsonNode keys = root.get("keys");
      if (keys != null && !keys.isNull()) {
        if (!keys.isArray()) {
          throw new KeyException(file + ": \"keys\" must be an array");
        }
        for (JsonNode k : keys) {
          entries.add(entry(file, k));
        }
      }
      return new SigningKeys(def == null || def.isEmpty() ? null : def, entries);
    } catch (JsonProcessingException e) {
      throw new KeyException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new KeyException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static KeyEntry entry(Path file, JsonNode k) throws KeyException {
    String name = text(k, "name");
    if (name == null || name.isEmpty()) {
      throw new KeyException(file + ": a key has no name");
    }
    String keyPath = text(k, "keyPath");
    String certPath = text(k, "certPath");
    String plugin = text(k, "pluginName");
    Map<String, String> config = new LinkedHashMap<>();
    JsonNode pc = k.get("pluginConfig");
    if (pc != null && pc.isObject()) {
      pc.fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
    }
    if (plugin == null && (keyPath == null || certPath == null)) {
      throw new KeyException(file + ": key \"" + name + "\" needs keyPath and certPath, or pluginName and id");
    }
    return new KeyEntry(name, keyPath == null ? null : Path.of(keyPath), certPath == null ? null : Path.of(certPath),
        plugin, text(k, "id"), config);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Writes {@code signingkeys.json} atomically, readable by its owner only where the file system allows. */
  public void save(Path configDir) throws KeyException {
    ObjectNode root = JSON.createObjectNode();
    if (defaultKey != null) {
      root.put("default", defaultKey);
    }
    ArrayNode arr = root.putArray("keys");
    for (KeyEntry e : keys) {
      ObjectNode k = arr.addObject();
      k.put("name", e.name());
      if (e.isPlugin()) {
        k.put("id", e.id());
        k.put("pluginName", e.pluginName());
        if (!e.pluginConfig().isEmpty()) {
          ObjectNode pc = k.putObject("pluginConfig");
          e.pluginConfig().forEach(pc::put);
        }
      } else {
        k.put("keyPath", e.keyPath().toString());
        k.put("certPath", e.certPath().toString());
      }
    }
    try {
      Files.createDirectories(configDir);
      Path tmp = Files.createTempFile(configDir, ".tmp-", ".json");
      Files.write(tmp, JSON.writeValueAsBytes(root));
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      }
      try {
        Files.move(tmp, configDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, configDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new KeyException("cannot write " + configDir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  /** Adds a key; its name must be new. */
  public SigningKeys add(KeyEntry entry, boolean makeDefault) throws KeyException {
    if (find(entry.name()) != null) {
      throw new KeyException("signing key \"" + entry.name() + "\" already exists");
    }
    List<KeyEntry> next = new ArrayList<>(keys);
    next.add(entry);
    return new SigningKeys(makeDefault ? entry.name() : defaultKey, next);
  }

  /** Removes a key (and clears the default if it was the default). */
  public SigningKeys remove(String name) throws KeyException {
    if (find(name) == null) {
      throw new KeyException("signing key \"" + name + "\" not found");
    }
    List<KeyEntry> next = keys.stream().filter(k -> !k.name().equals(name)).toList();
    return new SigningKeys(name.equals(defaultKey) ? null : defaultKey, next);
  }

  /** Makes an existing key the default. */
  public SigningKeys withDefault(String name) throws KeyException {
    if (find(name) == null) {
      throw new KeyException("signing key \"" + name + "\" not found");
    }
    return new SigningKeys(name, keys);
  }

  /** The key named {@code name}, or the default key when {@code name} is null. */
  public KeyEntry get(String name) throws KeyException {
    if (name == null) {
      if (defaultKey == null) {
        throw new KeyException("no signing key given and no default key is set; use --key, or "
            + "'nota cert generate-test --default NAME' / 'nota key update --default NAME'");
      }
      name = defaultKey;
    }
    KeyEntry e = find(name);
    if (e == null) {
      throw new KeyException("signing key \"" + name + "\" not found in " + FILE);
    }
    return e;
  }

  private KeyEntry find(String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
  }
}
