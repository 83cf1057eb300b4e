package dev.nota.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** notation's signingkeys.json: reading notation's own files, writing them as notation does, and editing. */
class SigningKeysTest {
  private static final Path CONFIG = vectors().resolve("notation-go/config");
  @TempDir Path dir;

  static Path vectors() {
    return dev.nota.core.verify.NotationVectors.root();
  }

  private String loadFails(String json) throws Exception {
    Files.writeString(dir.resolve(SigningKeys.FILE), json);
    KeyException e = assertThrows(KeyException.class, () -> SigningKeys.load(dir));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void readsNotationsValidSigningKeysFile() throws Exception {
    SigningKeys keys = SigningKeys.load(CONFIG.resolve("valid"));
    assertEquals("wabbit-networks", keys.defaultKey());
    assertEquals(List.of("wabbit-networks", "import.acme-rockets", "external-key"),
        keys.keys().stream().map(KeyEntry::name).toList());
    KeyEntry local = keys.get(null);
    assertFalse(local.isPlugin());
    assertEquals(Path.of("/home/demo/.config/notation/localkeys/wabbit-networks.key"), local.keyPath());
    assertEquals(Path.of("/home/demo/.config/notation/localkeys/wabbit-networks.crt"), local.certPath());
    KeyEntry plugin = keys.get("external-key");
    assertTrue(plugin.isPlugin());
    assertEquals("id1", plugin.id());
    assertEquals("pluginX", plugin.pluginName());
    assertEquals(Map.of("key", "value"), plugin.pluginConfig());
  }

  @Test
  void writesNotationsFileBackExactlyAsNotationWroteIt() throws Exception {
    Path valid = CONFIG.resolve("valid").resolve(SigningKeys.FILE);
    SigningKeys.load(valid.getParent()).save(dir);
    // Go's encoder ends with a newline; the upstream fixture was saved without one.
    assertEquals(Files.readString(valid).strip() + "\n", Files.readString(dir.resolve(SigningKeys.FILE)));
  }

  @Test
  void rejectsNotationsMalformedFilesAsNotationDoes() {
    KeyException dup = assertThrows(KeyException.class,
        () -> SigningKeys.load(CONFIG.resolve("malformed-duplicate")));
    assertTrue(dup.getMessage().endsWith("more than one key is named \"wabbit-networks\""), dup.getMessage());
    KeyException def = assertThrows(KeyException.class,
        () -> SigningKeys.load(CONFIG.resolve("malformed-invalid-default")));
    assertTrue(def.getMessage().endsWith("the default key \"missing-default\" is not among the keys"),
        def.getMessage());
    assertTrue(def.getMessage().startsWith("malformed "), def.getMessage());
  }

  @Test
  void aMissingFileMeansNoKeys() throws Exception {
    SigningKeys keys = SigningKeys.load(dir.resolve("nowhere"));
    assertTrue(keys.keys().isEmpty());
    assertNull(keys.defaultKey());
  }

  @Test
  void writesGoStyleJsonWithSortedPluginConfigAndNoDefaultWhenUnset() throws Exception {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("zone", "z<1>");
    config.put("account", "a&b");
    SigningKeys keys = SigningKeys.empty()
        .add(KeyEntry.local("a", Path.of("/k/a.key"), Path.of("/k/a \"q\".crt")), false)
        .add(KeyEntry.plugin("p", "arn:key/1", "com.example.kms", config), false)
        .add(KeyEntry.plugin("bare", "id2", "plug", Map.of()), false);
    keys.save(dir);
    assertEquals("""
        {
            "keys": [
                {
                    "name": "a",
                    "keyPath": "/k/a.key",
                    "certPath": "/k/a \\"q\\".crt"
                },
                {
                    "name": "p",
                    "id": "arn:key/1",
                    "pluginName": "com.example.kms",
                    "pluginConfig": {
                        "account": "a\\u0026b",
                        "zone": "z\\u003c1\\u003e"
                    }
                },
                {
                    "name": "bare",
                    "id": "id2",
                    "pluginName": "plug"
                }
            ]
        }
        """, Files.readString(dir.resolve(SigningKeys.FILE)));
    assertEquals(keys, SigningKeys.load(dir));
    SigningKeys.empty().save(dir);
    assertEquals("{\n    \"keys\": []\n}\n", Files.readString(dir.resolve(SigningKeys.FILE)));
  }

  @Test
  void savesAtomicallyWithOwnerOnlyPermissions() throws Exception {
    Path config = dir.resolve("new/config");
    SigningKeys one = SigningKeys.empty().add(KeyEntry.local("a", Path.of("/a.key"), Path.of("/a.crt")), true);
    one.save(config);
    SigningKeys two = one.add(KeyEntry.local("b", Path.of("/b.key"), Path.of("/b.crt")), false);
    two.save(config);
    assertEquals(two, SigningKeys.load(config));
    try (Stream<Path> files = Files.list(config)) {
      assertEquals(List.of(config.resolve(SigningKeys.FILE)), files.toList(), "no temporary file left behind");
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve(SigningKeys.FILE))));
    }
  }

  @Test
  void reportsUnwritableConfigDirectories() throws Exception {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    KeyException e = assertThrows(KeyException.class, () -> SigningKeys.empty().save(file));
    assertTrue(e.getMessage().startsWith("cannot write "), e.getMessage());
  }

  @Test
  void rejectsMalformedFilesWithOneLine() throws Exception {
    assertTrue(loadFails("{").contains("not valid JSON"));
    assertTrue(loadFails("[]").endsWith("it must hold a JSON object"));
    assertTrue(loadFails("{\"keys\": 3}").endsWith("\"keys\" must be an array"));
    assertTrue(loadFails("{\"keys\": [3]}").endsWith("each entry of \"keys\" must be an object"));
    assertTrue(loadFails("{\"keys\": [{\"keyPath\": \"k\", \"certPath\": \"c\"}]}").endsWith("a key has no name"));
    assertTrue(loadFails("{\"keys\": [{\"name\": 7}]}").endsWith("\"name\" must be a string"));
    assertTrue(loadFails("{\"default\": \"\", \"keys\": []}").endsWith("the default key name is empty"));
    assertTrue(loadFails("{\"keys\": [{\"name\": \"x\", \"keyPath\": \"k\"}]}")
        .endsWith("key \"x\": it needs \"keyPath\" and \"certPath\", or \"pluginName\" and \"id\""));
    assertTrue(loadFails("{\"keys\": [{\"name\": \"x\", \"pluginName\": \"p\"}]}")
        .endsWith("a plugin key needs both \"pluginName\" and \"id\""));
    assertTrue(loadFails("{\"keys\": [{\"name\": \"x\", \"keyPath\": \"k\", \"certPath\": \"c\", \"id\": \"i\", "
        + "\"pluginName\": \"p\"}]}").endsWith("it has both local files (keyPath, certPath) and a plugin "
        + "(pluginName, id)"));
    assertTrue(loadFails("{\"keys\": [{\"name\": \"x\", \"id\": \"i\", \"pluginName\": \"p\", "
        + "\"pluginConfig\": {\"n\": 1}}]}").endsWith("pluginConfig value \"n\" must be a string"));
    assertTrue(loadFails("{\"keys\": [{\"name\": \"x\", \"id\": \"i\", \"pluginName\": \"p\", "
        + "\"pluginConfig\": []}]}").endsWith("\"pluginConfig\" must be an object of strings"));
    assertTrue(loadFails("{\"keys\": [], \"keys\": []}").contains("not valid JSON"));
  }

  @Test
  void ignoresUnknownFieldsAsGoDoes() throws Exception {
    Files.writeString(dir.resolve(SigningKeys.FILE),
        "{\"future\": true, \"keys\": [{\"name\": \"x\", \"keyPath\": \"k\", \"certPath\": \"c\", \"extra\": 1}]}");
    assertEquals("x", SigningKeys.load(dir).get("x").name());
  }

  @Test
  void addRefusesDuplicateNames() throws Exception {
    SigningKeys keys = SigningKeys.empty().add(KeyEntry.local("a", Path.of("k"), Path.of("c")), false);
    KeyException e = assertThrows(KeyException.class,
        () -> keys.add(KeyEntry.plugin("a", "id", "plugin", null), true));
    assertEquals("signing key \"a\" already exists", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SigningKeys(null, List.of(
        KeyEntry.local("a", Path.of("k"), Path.of("c")), KeyEntry.local("a", Path.of("k2"), Path.of("c2")))));
  }

  @Test
  void handlesTheDefaultKey() throws Exception {
    SigningKeys keys = SigningKeys.empty()
        .add(KeyEntry.local("a", Path.of("k"), Path.of("c")), false)
        .add(KeyEntry.local("b", Path.of("k"), Path.of("c")), false);
    KeyException none = assertThrows(KeyException.class, () -> keys.get(null));
    assertTrue(none.getMessage().startsWith("no signing key was named and no default signing key is set"));
    SigningKeys withB = keys.withDefault("b");
    assertEquals("b", withB.get(null).name());
    assertEquals("a", withB.get("a").name());
    SigningKeys madeDefault = withB.add(KeyEntry.local("c", Path.of("k"), Path.of("c")), true);
    assertEquals("c", madeDefault.defaultKey());
    assertEquals("c", madeDefault.remove("b").defaultKey(), "removing another key keeps the default");
    assertNull(madeDefault.remove("c").defaultKey(), "removing the default key clears the default");
    assertEquals("signing key \"zz\" not found in signingkeys.json",
        assertThrows(KeyException.class, () -> keys.get("zz")).getMessage());
    assertThrows(KeyException.class, () -> keys.withDefault("zz"));
    assertThrows(KeyException.class, () -> keys.remove("zz"));
  }

  @Test
  void keyEntriesAreEitherLocalOrPlugin() {
    assertThrows(IllegalArgumentException.class, () -> new KeyEntry("", Path.of("k"), Path.of("c"), null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new KeyEntry("x", null, null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new KeyEntry("x", Path.of("k"), null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new KeyEntry("x", Path.of("k"), Path.of("c"), "p", "i", null));
    assertThrows(IllegalArgumentException.class, () -> new KeyEntry("x", null, null, "p", null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new KeyEntry("x", Path.of("k"), Path.of("c"), null, null, Map.of("a", "b")));
    assertTrue(KeyEntry.plugin("x", "i", "p", null).isPlugin());
    assertFalse(KeyEntry.local("x", Path.of("k"), Path.of("c")).isPlugin());
  }
}
