package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
  @TempDir
  Path dir;

  private Path config(String json) throws IOException {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a real credential helper script that logs its stdin and answers for one server. */
  private void helper(String name, String server, String user, String secret) throws IOException {
    Path script = dir.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n"
        + "read -r server || true\n"
        + "printf '%s' \"$1 $server\" >> '" + dir.resolve(name + ".log") + "'\n"
        + "if [ \"$server\" = '" + server + "' ]; then\n"
        + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + secret + "\"}' \"$server\"\n"
        + "else\n"
        + "  echo 'credentials not found in native keychain'; exit 1\n"
        + "fi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void readsBase64AuthSplitAtFirstColon() throws Exception {
    Path file = config("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}");
    Credential c = new DockerConfigCredentials(file, dir).get("127.0.0.1:5000");
    assertEquals("alice", c.username());
    assertEquals("pa:ss", c.password());
  }

  @Test
  void matchesKeysAfterStrippingSchemeAndPath() throws Exception {
    Path file = config("{\"auths\":{\"https://reg.example.com:8443/v1/\":{\"username\":\"bob\",\"password\":\"pw\"}}}");
    assertEquals("bob", new DockerConfigCredentials(file, dir).get("reg.example.com:8443").username());
    assertNull(new DockerConfigCredentials(file, dir).get("reg.example.com"));
  }

  @Test
  void findsDockerHubUnderTheLegacyIndexKey() throws Exception {
    Path file = config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:pw") + "\"}}}");
    assertEquals("hub", new DockerConfigCredentials(file, dir).get("docker.io").username());
    assertEquals("hub", new DockerConfigCredentials(file, dir).get("registry-1.docker.io").username());
  }

  @Test
  void readsIdentityToken() throws Exception {
    Path file = config("{\"auths\":{\"r.example\":{\"auth\":\"" + b64("<token>:") + "\",\"identitytoken\":\"rt\"}}}");
    Credential c = new DockerConfigCredentials(file, dir).get("r.example");
    assertEquals("rt", c.identityToken());
    assertNull(c.username());
  }

  @Test
  void missingFileMeansNoCredentials() throws Exception {
    assertNull(new DockerConfigCredentials(dir.resolve("absent.json"), dir).get("r.example"));
  }

  @Test
  void rejectsAuthThatIsNotBase64() throws Exception {
    Path file = config("{\"auths\":{\"r.example\":{\"auth\":\"%%%\"}}}");
    OciException e = assertThrows(OciException.class, () -> new DockerConfigCredentials(file, dir).get("r.example"));
    assertTrue(e.getMessage().contains("not base64"), e.getMessage());
  }

  @Test
  void rejectsMalformedJsonWithTheFileName() throws Exception {
    Path file = config("{not json");
    OciException e = assertThrows(OciException.class, () -> new DockerConfigCredentials(file, dir).get("r.example"));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void credHelperWinsOverAuthsAndGetsTheServerOnStdin() throws Exception {
    helper("test", "127.0.0.1:5000", "helper-user", "helper-secret");
    Path file = config("{\"credHelpers\":{\"127.0.0.1:5000\":\"test\"},"
        + "\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("other:pw") + "\"}}}");
    Credential c = new DockerConfigCredentials(file, dir).get("127.0.0.1:5000");
    assertEquals("helper-user", c.username());
    assertEquals("helper-secret", c.password());
    assertEquals("get 127.0.0.1:5000", Files.readString(dir.resolve("test.log")));
  }

  @Test
  void credsStoreAsksWithTheDockerHubServerUrl() throws Exception {
    helper("store", "https://index.docker.io/v1/", "<token>", "refresh");
    Path file = config("{\"credsStore\":\"store\"}");
    Credential c = new DockerConfigCredentials(file, dir).get("docker.io");
    assertEquals("refresh", c.identityToken());
  }

  @Test
  void helperThatHasNothingFallsThroughToAuths() throws Exception {
    helper("store", "elsewhere", "u", "s");
    Path file = config("{\"credsStore\":\"store\",\"auths\":{\"r.example\":{\"auth\":\"" + b64("a:b") + "\"}}}");
    assertEquals("a", new DockerConfigCredentials(file, dir).get("r.example").username());
  }

  @Test
  void missingHelperIsAClearError() throws Exception {
    Path file = config("{\"credHelpers\":{\"r.example\":\"nothere\"}}");
    OciException e = assertThrows(OciException.class, () -> new DockerConfigCredentials(file, dir).get("r.example"));
    assertTrue(e.getMessage().contains("docker-credential-nothere"), e.getMessage());
  }

  @Test
  void staticCredentialsTreatTokenUserAsIdentityToken() {
    assertEquals("t", new StaticCredentials("<token>", "t").get("any").identityToken());
    assertEquals("u", new StaticCredentials("u", "p").get("any").username());
  }

  @Test
  void credentialToStringHidesSecrets() {
    String s = new Credential("u", "secret-pw", "secret-token").toString();
    assertTrue(!s.contains("secret"), s);
  }
}
