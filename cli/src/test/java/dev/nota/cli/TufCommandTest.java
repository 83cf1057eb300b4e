package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.core.tuf.NotaryFixtures;
import dev.nota.core.tuf.StaticTufServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code nota tuf} on trust data written by Debian's real notary server and client (notary-v1-fixtures.sh, run once
 * for this class; the script stops its server, so the server's files are served on 127.0.0.1 with notary-server's
 * routes by {@link StaticTufServer}).
 */
@Tag("real")
class TufCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path fixtures;
  @TempDir Path home;

  @BeforeAll
  static void generate() throws Exception {
    NotaryFixtures.generate(fixtures);
  }

  static Stream<String> cases() {
    return NotaryFixtures.CASES.stream();
  }

  static JsonNode expected(String name) throws Exception {
    return NotaryFixtures.expected(fixtures, name);
  }

  static String validAt(JsonNode expected) {
    return expected.path("clock").path("verify_at_valid").asText();
  }

  static Map<String, String> expectedTags(JsonNode expected) {
    Map<String, String> want = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("tags").fields(); it.hasNext(); ) {
      var e = it.next();
      want.put(e.getKey(), "sha256:" + e.getValue().get("sha256").asText() + " " + e.getValue().get("size").asLong()
          + " " + e.getValue().get("role").asText());
    }
    return want;
  }

  static Map<String, String> listed(Cli.Result r) throws Exception {
    assertEquals(0, r.code(), r.toString());
    Map<String, String> got = new TreeMap<>();
    for (JsonNode t : JSON.readTree(r.out()).get("tags")) {
      got.put(t.get("name").asText(), t.get("digest").asText() + " " + t.get("size").asLong() + " "
          + t.get("role").asText());
    }
    return got;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void listFromTheClientCacheEqualsWhatNotaryListed(String name) throws Exception {
    JsonNode expected = expected(name);
    Cli.Result r = new Cli(home).run("tuf", "list", expected.get("gun").asText(), "--trust-dir",
        fixtures.resolve(name).resolve("client-cache").toString(), "--at", validAt(expected), "-o", "json");
    assertEquals(expectedTags(expected), listed(r));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void listFromTheServersFilesEqualsWhatNotaryListed(String name) throws Exception {
    JsonNode expected = expected(name);
    String gun = expected.get("gun").asText();
    try (StaticTufServer server = StaticTufServer.start(gun, fixtures.resolve(name).resolve("server"))) {
      Cli cli = new Cli(home);
      for (int run = 0; run < 2; run++) { // cold, then with the cache nota kept in its config dir
        Cli.Result r = cli.run("tuf", "list", gun, "--server", server.uri().toString(), "--at", validAt(expected),
            "-o", "json");
        assertEquals(expectedTags(expected), listed(r));
      }
    }
    assertTrue(Files.isRegularFile(home.resolve("config/tuf").resolve(gun).resolve("metadata/timestamp.json")));
  }

  @Test
  void listWithRolesWalksOnlyBelowThatRole() throws Exception {
    JsonNode expected = expected("delegations");
    Cli.Result r = new Cli(home).run("tuf", "list", expected.get("gun").asText(), "--roles", "targets/releases",
        "--trust-dir", fixtures.resolve("delegations/client-cache").toString(), "--at", validAt(expected),
        "-o", "json");
    Map<String, String> got = listed(r);
    assertEquals(expected.path("notary_list_with_roles").path("targets/releases").size(), got.size());
    assertTrue(got.get("dup").startsWith("sha256:" + expected.path("docker_view").path("tags").path("dup")
        .path("sha256").asText()), got.toString());
  }

  @Test
  void listPrintsATableLikeNotary() throws Exception {
    JsonNode expected = expected("plain");
    Cli.Result r = new Cli(home).run("tuf", "list", expected.get("gun").asText(), "--trust-dir",
        fixtures.resolve("plain/client-cache").toString(), "--at", validAt(expected));
    assertEquals(0, r.code(), r.toString());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].matches("NAME +DIGEST +SIZE \\(BYTES\\) +ROLE"), lines[0]);
    assertTrue(lines[2].matches("latest +[0-9a-f]{64} +\\d+ +targets"), lines[2]);
  }

  @Test
  void verifyPrintsTheDigestDockerWouldPull() throws Exception {
    JsonNode expected = expected("delegations");
    String gun = expected.get("gun").asText();
    String dir = fixtures.resolve("delegations/client-cache").toString();
    Cli cli = new Cli(home);
    for (String tag : new String[] {"dup", "v1.0", "v2.0"}) {
      Cli.Result r = cli.run("tuf", "verify", gun + ":" + tag, "--trust-dir", dir, "--at", validAt(expected));
      assertEquals(0, r.code(), r.toString());
      assertEquals("sha256:" + expected.path("docker_view").path("tags").path(tag).path("sha256").asText(),
          r.out().strip());
    }
    Cli.Result r = cli.run("tuf", "verify", gun + ":alice-dev", "--trust-dir", dir, "--at", validAt(expected));
    assertEquals(1, r.code(), r.toString());
    assertEquals("Error: targets: no trusted signature for tag \"alice-dev\" in " + gun
        + " (looked in targets/releases, then targets)", r.err().strip());
  }

  @Test
  void inspectShowsSignedTagsSignersAndAdministrativeKeysLikeDocker() throws Exception {
    JsonNode expected = expected("delegations");
    String gun = expected.get("gun").asText();
    Cli.Result r = new Cli(home).run("tuf", "inspect", gun, "--trust-dir",
        fixtures.resolve("delegations/client-cache").toString(), "--at", validAt(expected), "-o", "json");
    assertEquals(0, r.code(), r.toString());
    JsonNode doc = JSON.readTree(r.out()).get(0);
    Map<String, String> tags = new TreeMap<>();
    doc.get("SignedTags").forEach(t -> tags.put(t.get("SignedTag").asText(), t.get("Digest").asText() + " "
        + t.get("Signers").get(0).asText()));
    assertEquals(expected.path("docker_view").path("tags").path("dup").path("sha256").asText() + " releases",
        tags.get("dup"));
    assertEquals(expected.path("docker_view").path("tags").path("v1.0").path("sha256").asText() + " Repo Admin",
        tags.get("v1.0"));
    assertEquals(expected.path("docker_view").path("tags").size(), tags.size());
    Map<String, String> canonical = new TreeMap<>();
    expected.path("x509_key_id_forms").forEach(f -> canonical.put(f.get("metadata_keyid").asText(),
        f.get("canonical_keyid").asText()));
    String rootId = expected.path("role_keys").path("root").path("keyids").get(0).asText();
    assertEquals(canonical.get(rootId), doc.get("AdministrativeKeys").get(0).get("Keys").get(0).get("ID").asText());
    JsonNode releases = null;
    for (JsonNode s : doc.get("Signers")) {
      if (s.get("Name").asText().equals("releases")) {
        releases = s;
      }
    }
    assertEquals(2, releases.get("Keys").size());
  }

  @Test
  void anExpiredTimestampExitsOneNamingTheRole() throws Exception {
    JsonNode expected = expected("plain");
    Cli.Result r = new Cli(home).run("tuf", "list", expected.get("gun").asText(), "--trust-dir",
        fixtures.resolve("plain/client-cache").toString(), "--at",
        expected.path("clock").path("verify_at_timestamp_expired").asText());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("Error: timestamp: expired at "), r.err());
  }

  @Test
  void anOlderTimestampAfterANewerOneExitsOneAsRollback() throws Exception {
    JsonNode expected = expected("removed-tag");
    String gun = expected.get("gun").asText();
    Path server = fixtures.resolve("removed-tag/server");
    Cli cli = new Cli(home);
    try (StaticTufServer s = StaticTufServer.start(gun, server)) {
      assertEquals(0, cli.run("tuf", "list", gun, "--server", s.uri().toString(), "--at", validAt(expected)).code());
    }
    Path old = home.resolve("old");
    try (Stream<Path> files = Files.list(server)) {
      Files.createDirectories(old);
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          Files.copy(p, old.resolve(p.getFileName()));
        }
      }
    }
    Files.copy(server.resolve("1.timestamp.json"), old.resolve("timestamp.json"),
        StandardCopyOption.REPLACE_EXISTING);
    try (StaticTufServer s = StaticTufServer.start(gun, old)) {
      Cli.Result r = cli.run("tuf", "list", gun, "--server", s.uri().toString(), "--at", validAt(expected));
      assertEquals(1, r.code(), r.toString());
      assertTrue(r.err()
          .matches("Error: timestamp: version 1 is lower than the cached version \\d+ \\(rollback\\)\\s*"),
          r.err());
    }
  }

  @Test
  void badInputExitsTwoWithOneLine() throws Exception {
    Cli cli = new Cli(home);
    String dir = fixtures.resolve("plain/client-cache").toString();
    Cli.Result r = cli.run("tuf", "list", "registry.example.com/acme/app", "--trust-dir", dir, "--at", "soon");
    assertEquals(2, r.code(), r.toString());
    assertEquals("Error: --at \"soon\" is not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)", r.err().strip());
    r = cli.run("tuf", "list", "Not/Valid", "--trust-dir", dir);
    assertEquals(2, r.code(), r.toString());
    r = cli.run("tuf", "list", "registry.example.com/acme/none", "--trust-dir", home.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().startsWith("Error: no trust data for registry.example.com/acme/none in"), r.err());
    r = cli.run("tuf", "list", "a/b", "--trust-dir", dir, "--server", "https://127.0.0.1:1");
    assertEquals(2, r.code(), r.toString());
    r = cli.run("tuf", "verify", "registry.example.com/acme/app", "--trust-dir", dir);
    assertEquals(2, r.code(), r.toString());
    assertEquals("Error: give a tag: registry.example.com/acme/app:<tag>", r.err().strip());
  }

  @Test
  void aPinnedRootCertificateMustBeTheRepositorysRootKey() throws Exception {
    JsonNode expected = expected("plain");
    String gun = expected.get("gun").asText();
    Path cache = fixtures.resolve("plain/client-cache");
    JsonNode root = JSON.readTree(cache.resolve("root.json").toFile()).get("signed");
    String rootId = root.path("roles").path("root").path("keyids").get(0).asText();
    Path pin = home.resolve("root.pem");
    Files.write(pin, java.util.Base64.getDecoder().decode(root.path("keys").path(rootId).path("keyval")
        .path("public").asText()));
    Cli cli = new Cli(home);
    Cli.Result r = cli.run("tuf", "list", gun, "--trust-dir", cache.toString(), "--at", validAt(expected),
        "--root-cert", pin.toString());
    assertEquals(0, r.code(), r.toString());
    r = cli.run("tuf", "list", gun, "--trust-dir", cache.toString(), "--at", validAt(expected), "--root-cert",
        fixtures.resolve("tls/ca.crt").toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("Error: root: no root key matches the pinned root certificate"), r.err());
  }

  @Test
  void aPinOfTheRootBeforeTheRealRotationsLeadsToTheNewestRootAndAStrangePinFails() throws Exception {
    JsonNode expected = expected("root-rotation");
    String gun = expected.get("gun").asText();
    Path served = fixtures.resolve("root-rotation/server");
    JsonNode root1 = JSON.readTree(served.resolve("1.root.json").toFile()).get("signed");
    String id1 = root1.path("roles").path("root").path("keyids").get(0).asText();
    Path pin1 = home.resolve("root-v1.pem");
    Files.write(pin1, java.util.Base64.getDecoder().decode(root1.path("keys").path(id1).path("keyval")
        .path("public").asText()));
    try (StaticTufServer server = StaticTufServer.start(gun, served)) {
      Cli cli = new Cli(home);
      String[] base = {"tuf", "list", gun, "--server", server.uri().toString(), "--at", validAt(expected), "-o",
          "json", "--cache-dir"};
      Cli.Result r = cli.run(concat(base, home.resolve("c1").toString(), "--root-cert", pin1.toString()));
      assertEquals(expectedTags(expected), listed(r));
      assertTrue(server.requests().contains("GET /v2/" + gun + "/_trust/tuf/1.root.json"), server.requests()
          .toString());
      // again with the cache now holding root version 3: the pin of version 1 still anchors it
      r = cli.run(concat(base, home.resolve("c1").toString(), "--root-cert", pin1.toString()));
      assertEquals(expectedTags(expected), listed(r));
      r = cli.run(concat(base, home.resolve("c2").toString(), "--root-key-id", id1));
      assertEquals(expectedTags(expected), listed(r));
      JsonNode key1 = root1.path("keys").path(id1);
      String canonical1 = new dev.nota.core.tuf.TufKey(id1, key1.path("keytype").asText(),
          key1.path("keyval").path("public").asText()).canonicalId();
      r = cli.run(concat(base, home.resolve("c4").toString(), "--root-key-id", canonical1));
      assertEquals(expectedTags(expected), listed(r));
      r = cli.run(concat(base, home.resolve("c3").toString(), "--root-cert",
          fixtures.resolve("tls/ca.crt").toString()));
      assertEquals(1, r.code(), r.toString());
      assertTrue(r.err().startsWith("Error: root: no root key matches the pinned root certificate"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(Files.notExists(home.resolve("c3/root.json")), "nothing cached after a failed pin");
      r = cli.run(concat(base, home.resolve("c3").toString(), "--root-key-id", "12345"));
      assertEquals(2, r.code(), r.toString());
      assertEquals("Error: --root-key-id must be 64 hex digits, got \"12345\"", r.err().strip());
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void anUnreachableServerExitsThree() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result r = new Cli(home).run("tuf", "list", "registry.example.com/acme/app", "--server",
        "http://127.0.0.1:" + port);
    assertEquals(3, r.code(), r.toString());
    assertTrue(r.err().startsWith("Error: root: GET http://127.0.0.1:" + port), r.err());
  }
}
