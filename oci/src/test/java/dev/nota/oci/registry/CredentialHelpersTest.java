package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialHelpersTest {
  @TempDir Path dir;

  private Path script(String name, String body) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void storeSendsDockersJsonOnStandardInput() throws Exception {
    script("rec", "cat > '" + dir.resolve("stdin") + "'; echo \"$1\" > '" + dir.resolve("verb") + "'\n");
    CredentialHelpers.inDirectory(dir.resolve("bin")).store("rec", "r.example", Credential.basic("al", "p\"w"));
    assertEquals("store\n", Files.readString(dir.resolve("verb")));
    assertEquals("{\"ServerURL\":\"r.example\",\"Username\":\"al\",\"Secret\":\"p\\\"w\"}",
        Files.readString(dir.resolve("stdin")));
  }

  @Test
  void helpersAreFoundOnTheGivenPathInOrder() throws Exception {
    script("first", "echo '{\"Username\":\"u\",\"Secret\":\"s\"}'\n");
    Path other = Files.createDirectories(dir.resolve("empty"));
    CredentialHelpers helpers = CredentialHelpers.onPath(other + ":" + dir.resolve("bin"));
    assertEquals("u", helpers.get("first", "r.example").username());
    OciException missing = assertThrows(OciException.class, () -> helpers.get("absent", "r.example"));
    assertEquals("credential helper docker-credential-absent not found on the PATH", missing.getMessage());
  }

  @Test
  void aFailingStoreQuotesTheHelperButNeverTheSecret() throws Exception {
    script("leaky", "input=$(cat); echo \"cannot save $input\"; echo \"also $input\" >&2; exit 3\n");
    String auth = Base64.getEncoder().encodeToString("al:hunter2".getBytes(StandardCharsets.UTF_8));
    OciException e = assertThrows(OciException.class, () -> CredentialHelpers.inDirectory(dir.resolve("bin"))
        .store("leaky", "r.example", Credential.basic("al", "hunter2")));
    assertTrue(e.getMessage().startsWith("credential helper docker-credential-leaky store failed with exit code 3: "
        + "cannot save"), e.getMessage());
    assertTrue(e.getMessage().contains("also"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains(auth), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void eraseOfNothingStoredIsFalseAndOtherFailuresAreErrors() throws Exception {
    script("none", "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1\n");
    script("broken", "cat >/dev/null; echo 'keychain locked' >&2; exit 1\n");
    CredentialHelpers helpers = CredentialHelpers.inDirectory(dir.resolve("bin"));
    assertFalse(helpers.erase("none", "r.example"));
    assertNull(helpers.get("none", "r.example"));
    OciException e = assertThrows(OciException.class, () -> helpers.erase("broken", "r.example"));
    assertEquals("credential helper docker-credential-broken erase failed with exit code 1: keychain locked",
        e.getMessage());
  }

  @Test
  void aHelperThatHangsIsKilledAfterTheTimeout() throws Exception {
    script("hang", "exec sleep 30\n");
    long start = System.nanoTime();
    OciException e = assertThrows(OciException.class, () -> CredentialHelpers.inDirectory(dir.resolve("bin"))
        .withTimeout(Duration.ofMillis(500)).get("hang", "r.example"));
    assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "took too long");
  }

  @Test
  void aHelperNameWithASlashIsRefused() {
    OciException e = assertThrows(OciException.class,
        () -> CredentialHelpers.onPath("/usr/bin").get("../x", "r.example"));
    assertTrue(e.getMessage().contains("not a plain name"), e.getMessage());
  }

  @Test
  void getThatPrintsSomethingOtherThanJsonIsAClearError() throws Exception {
    script("text", "cat >/dev/null; echo hello\n");
    OciException e = assertThrows(OciException.class,
        () -> CredentialHelpers.inDirectory(dir.resolve("bin")).get("text", "r.example"));
    assertEquals("credential helper docker-credential-text printed something other than JSON", e.getMessage());
  }
}
