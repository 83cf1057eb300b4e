package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("docker").resolve("config.json");
  }

  private DockerConfig config() {
    return new DockerConfig(file(), CredentialHelpers.inDirectory(dir));
  }

  private Path write(String json) throws IOException {
    Files.createDirectories(file().getParent());
    return Files.writeString(file(), json);
  }

  private JsonNode read() throws IOException {
    return JSON.readTree(Files.readAllBytes(file()));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A credential helper keeping one file per server in {@code dir/keychain}, logging each verb. */
  private void keychainHelper(String name) throws IOException {
    Path keychain = Files.createDirectories(dir.resolve("keychain"));
    Path script = dir.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n"
        + "input=$(cat)\n"
        + "echo \"$1\" >> '" + dir.resolve(name + ".log") + "'\n"
        + "case \"$1\" in\n"
        + "  store) server=$(printf '%s' \"$input\" | sed -n 's/.*\"ServerURL\":\"\\([^\"]*\\)\".*/\\1/p')\n"
        + "         printf '%s' \"$input\" > '" + keychain + "'/$(printf '%s' \"$server\" | tr -c 'A-Za-z0-9' _) ;;\n"
        + "  get|erase) f='" + keychain + "'/$(printf '%s' \"$input\" | tr -c 'A-Za-z0-9' _)\n"
        + "         if [ ! -f \"$f\" ]; then echo 'credentials not found in native keychain'; exit 1; fi\n"
        + "         if [ \"$1\" = get ]; then cat \"$f\"; else rm \"$f\"; fi ;;\n"
        + "  *) echo \"unknown verb $1\"; exit 1 ;;\n"
        + "esac\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void storingCreatesTheDirectoryAndAFileOnlyItsOwnerCanRead() throws Exception {
    assertNull(config().store("127.0.0.1:5000", Credential.basic("alice", "pw")));
    assertEquals(b64("alice:pw"), read().path("auths").path("127.0.0.1:5000").path("auth").asText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())));
    Credential back = new DockerConfigCredentials(file(), dir).get("127.0.0.1:5000");
    assertEquals("alice", back.username());
    assertEquals("pw", back.password());
  }

  @Test
  void storingKeepsEveryOtherFieldAndEntryAsItWas() throws Exception {
    write("{\"auths\":{\"other.example\":{\"auth\":\"" + b64("o:p") + "\",\"email\":\"o@example\"}},"
        + "\"HttpHeaders\":{\"X-Meta\":\"1\"},\"psFormat\":\"table {{.ID}}\",\"big\":12345678901234567890,"
        + "\"pi\":3.14159265358979323846264338327950288,\"proxies\":{\"default\":{\"httpProxy\":\"http://p:3128\"}},"
        + "\"list\":[1,{\"a\":null}]}");
    JsonNode before = read();
    config().store("127.0.0.1:5000", Credential.basic("alice", "pw"));
    JsonNode after = read();
    assertEquals(before.path("auths").path("other.example"), after.path("auths").path("other.example"));
    for (String field : List.of("HttpHeaders", "psFormat", "big", "proxies", "list")) {
      assertEquals(before.get(field), after.get(field), field);
    }
    assertTrue(Files.readString(file()).contains("3.14159265358979323846264338327950288"), Files.readString(file()));
    assertTrue(Files.readString(file()).contains("12345678901234567890"));
  }

  @Test
  void storingLeavesNoTemporaryFileBehind() throws Exception {
    write("{}");
    config().store("r.example", Credential.basic("u", "p"));
    config().store("r.example", Credential.basic("u", "q"));
    try (Stream<Path> files = Files.list(file().getParent())) {
      assertEquals(List.of(file()), files.toList());
    }
    assertEquals(b64("u:q"), read().path("auths").path("r.example").path("auth").asText());
  }

  @Test
  void storingReplacesTheFileRatherThanWritingIntoIt() throws Exception {
    write("{}");
    Path link = dir.resolve("hardlink.json");
    Files.createLink(link, file());
    config().store("r.example", Credential.basic("u", "p"));
    // a writer that truncated and rewrote the file in place would have changed the other link too
    assertEquals("{}", Files.readString(link));
  }

  @Test
  void malformedConfigIsAClearErrorAndTheFileStaysUntouched() throws Exception {
    String broken = "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("u:secret-value") + "\" oops";
    write(broken);
    OciException e = assertThrows(OciException.class,
        () -> config().store("127.0.0.1:5000", Credential.basic("alice", "pw")));
    assertTrue(e.getMessage().contains(file().toString()) && e.getMessage().contains("not valid JSON at line 1"),
        e.getMessage());
    assertFalse(e.getMessage().contains(b64("u:secret-value")) || e.getMessage().contains("oops"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    assertEquals(broken, Files.readString(file()));
    assertThrows(OciException.class, () -> config().erase("r.example"));
    assertEquals(broken, Files.readString(file()));
  }

  @Test
  void configThatIsNotAnObjectOrHasNonObjectAuthsIsRefused() throws Exception {
    write("[1,2]");
    OciException array = assertThrows(OciException.class, () -> config().store("r", Credential.basic("u", "p")));
    assertTrue(array.getMessage().contains("not a JSON object"), array.getMessage());
    assertEquals("[1,2]", Files.readString(file()));
    write("{\"auths\":\"x\"}");
    OciException auths = assertThrows(OciException.class, () -> config().store("r", Credential.basic("u", "p")));
    assertTrue(auths.getMessage().contains("\"auths\" is not a JSON object"), auths.getMessage());
    assertEquals("{\"auths\":\"x\"}", Files.readString(file()));
  }

  @Test
  void erasingRemovesEveryKeyNamingTheRegistryAndNothingElse() throws Exception {
    write("{\"auths\":{\"r.example:5000\":{\"auth\":\"" + b64("a:b") + "\"},"
        + "\"https://r.example:5000/v2/\":{\"auth\":\"" + b64("c:d") + "\"},"
        + "\"r.example\":{\"auth\":\"" + b64("e:f") + "\"}},\"credsStore\":\"\"}");
    assertTrue(config().erase("r.example:5000"));
    JsonNode after = read();
    assertEquals(List.of("r.example"), List.copyOf(after.path("auths").properties().stream()
        .map(java.util.Map.Entry::getKey).toList()));
    assertEquals("", after.path("credsStore").asText());
  }

  @Test
  void erasingWhatIsNotStoredSaysSoAndDoesNotWrite() throws Exception {
    String original = "{\"auths\":{\"other\":{}}}";
    write(original);
    assertFalse(config().erase("r.example"));
    assertEquals(original, Files.readString(file()));
    Files.delete(file());
    assertFalse(config().erase("r.example"));
    assertFalse(Files.exists(file()));
  }

  @Test
  void dockerHubIsStoredUnderTheLegacyIndexKey() throws Exception {
    config().store("docker.io", Credential.basic("hub", "pw"));
    assertEquals(b64("hub:pw"), read().path("auths").path("https://index.docker.io/v1/").path("auth").asText());
    assertEquals("hub", new DockerConfigCredentials(file(), dir).get("docker.io").username());
    assertTrue(config().erase("docker.io"));
    assertTrue(read().path("auths").isEmpty());
  }

  @Test
  void credHelperForTheRegistryTakesTheSecretAndTheFileKeepsNone() throws Exception {
    keychainHelper("kc");
    String original = "{\"credHelpers\":{\"127.0.0.1:5000\":\"kc\"},\"auths\":{}}";
    write(original);
    assertEquals("kc", config().helperFor("127.0.0.1:5000"));
    assertNull(config().helperFor("elsewhere.example"));
    assertEquals("kc", config().store("127.0.0.1:5000", Credential.basic("alice", "pw")));
    assertEquals(original, Files.readString(file()));
    Credential back = new DockerConfigCredentials(file(), dir).get("127.0.0.1:5000");
    assertEquals("alice", back.username());
    assertEquals("pw", back.password());
    assertTrue(config().erase("127.0.0.1:5000"));
    assertNull(new DockerConfigCredentials(file(), dir).get("127.0.0.1:5000"));
    assertFalse(config().erase("127.0.0.1:5000"));
    assertEquals(List.of("store", "get", "erase", "get", "erase"),
        Files.readAllLines(dir.resolve("kc.log")));
  }

  @Test
  void credsStoreTakesEveryRegistryWithoutACredHelper() throws Exception {
    keychainHelper("all");
    write("{\"credsStore\":\"all\"}");
    assertEquals("all", config().store("r.example", Credential.basic("bob", "pw")));
    assertEquals("bob", new DockerConfigCredentials(file(), dir).get("r.example").username());
    assertArrayEquals("{\"credsStore\":\"all\"}".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file()));
  }
}
