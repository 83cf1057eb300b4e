package dev.nota.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trust data written by Debian's real notary server and client (five cases from notary-v1-fixtures.sh, generated
 * once for this class): nota lists what {@code notary list} lists, from the client cache and from the server's files
 * served on 127.0.0.1 with notary-server's routes (the script stops its server when it is done).
 */
@Tag("real")
class NotaryFixturesTest {
  @TempDir static Path fixtures;
  @TempDir Path tmp;

  @BeforeAll
  static void generate() throws Exception {
    NotaryFixtures.generate(fixtures);
  }

  static Stream<String> cases() {
    return NotaryFixtures.CASES.stream();
  }

  static TufClient.Options at(Instant t) {
    return TufClient.Options.of(Clock.fixed(t, ZoneOffset.UTC));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theClientCacheListsWhatNotaryListed(String name) throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, name);
    String gun = expected.get("gun").asText();
    TrustedRepository repo = TufClient.load(gun, TrustDirSource.of(fixtures.resolve(name).resolve("client-cache"),
        gun), at(NotaryFixtures.validAt(expected)));
    assertMatches(expected, repo);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theServersFilesListWhatNotaryListedAndFillTheCache(String name) throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, name);
    String gun = expected.get("gun").asText();
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    try (StaticTufServer server = StaticTufServer.start(gun, fixtures.resolve(name).resolve("server"))) {
      MetadataSource source = ServerSource.of(server.uri(), gun, null);
      assertMatches(expected, TufClient.load(gun, source, at(NotaryFixtures.validAt(expected)).withCache(cache)));
      assertTrue(server.requests().stream()
          .anyMatch(r -> r.matches("GET .*/_trust/tuf/snapshot\\.[0-9a-f]{64}\\.json")),
          "the snapshot is fetched by its hash: " + server.requests());
      // warm: the cache is now the trust anchor and the rollback floor
      assertMatches(expected, TufClient.load(gun, source, at(NotaryFixtures.validAt(expected)).withCache(cache)));
    }
    assertEquals(expected.path("roles").path("targets").path("version").asInt(), cache.version("targets"));
  }

  @Test
  void aReaderThatTrustedRootVersion1FollowsTheRotationToVersion3() throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, "root-rotation");
    String gun = expected.get("gun").asText();
    Path cacheDir = tmp.resolve("cache");
    copy(fixtures.resolve("root-rotation/client-cache-before-rotation"), cacheDir);
    TrustCache cache = new TrustCache(cacheDir);
    assertEquals(1, cache.version("root"));
    try (StaticTufServer server = StaticTufServer.start(gun, fixtures.resolve("root-rotation/server"))) {
      TrustedRepository repo = TufClient.load(gun, ServerSource.of(server.uri(), gun, null),
          at(NotaryFixtures.validAt(expected)).withCache(cache));
      assertEquals(3, repo.root().version());
      assertMatches(expected, repo);
      assertTrue(server.requests().contains("GET /v2/" + gun + "/_trust/tuf/2.root.json"), server.requests()
          .toString());
    }
    assertEquals(3, cache.version("root"));
  }

  @Test
  void theRealTimestampExpiresAtTheTimeTheFixtureRecords() throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, "plain");
    String gun = expected.get("gun").asText();
    Instant late = Instant.parse(expected.path("clock").path("verify_at_timestamp_expired").asText());
    TufException e = assertThrows(TufException.class, () -> TufClient.load(gun,
        TrustDirSource.of(fixtures.resolve("plain/client-cache"), gun), at(late)));
    assertTrue(e.getMessage().startsWith("timestamp: expired at"), e.getMessage());
  }

  @Test
  void servingTheOlderMetadataThatStillListsARemovedTagIsRefusedAsRollback() throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, "removed-tag");
    String gun = expected.get("gun").asText();
    Path server = fixtures.resolve("removed-tag/server");
    TrustCache cache = new TrustCache(tmp.resolve("cache"));
    try (StaticTufServer s = StaticTufServer.start(gun, server)) {
      TufClient.load(gun, ServerSource.of(s.uri(), gun, null), at(NotaryFixtures.validAt(expected)).withCache(cache));
    }
    Path old = tmp.resolve("old");
    copy(server, old);
    int ts = cache.version("timestamp");
    Files.copy(server.resolve("1.timestamp.json"), old.resolve("timestamp.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (StaticTufServer s = StaticTufServer.start(gun, old)) {
      TufException e = assertThrows(TufException.class, () -> TufClient.load(gun, ServerSource.of(s.uri(), gun,
          null), at(NotaryFixtures.validAt(expected)).withCache(cache)));
      assertEquals("timestamp: version 1 is lower than the cached version " + ts + " (rollback)", e.getMessage());
    }
  }

  @Test
  void anOlderRealSnapshotBesideTheCurrentTimestampIsRefusedAsMixAndMatch() throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, "removed-tag");
    String gun = expected.get("gun").asText();
    Path dir = tmp.resolve("mixed");
    copy(fixtures.resolve("removed-tag/client-cache"), dir);
    Files.copy(fixtures.resolve("removed-tag/server/2.snapshot.json"), dir.resolve("snapshot.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    TufException e = assertThrows(TufException.class, () -> TufClient.load(gun, TrustDirSource.of(dir, gun),
        at(NotaryFixtures.validAt(expected))));
    assertTrue(e.getMessage().startsWith("snapshot: "), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void x509KeysHaveBothOfNotarysKeyIds(String name) throws Exception {
    JsonNode expected = NotaryFixtures.expected(fixtures, name);
    String gun = expected.get("gun").asText();
    TrustedRepository repo = TufClient.load(gun, TrustDirSource.of(fixtures.resolve(name).resolve("client-cache"),
        gun), at(NotaryFixtures.validAt(expected)));
    Map<String, TufKey> keys = new TreeMap<>(repo.root().keys());
    repo.roles().forEach(r -> keys.putAll(r.targets().delegationKeys()));
    for (JsonNode form : expected.path("x509_key_id_forms")) {
      TufKey k = keys.get(form.get("metadata_keyid").asText());
      if (k != null) {
        assertEquals(form.get("canonical_keyid").asText(), k.canonicalId());
      }
    }
  }

  static void assertMatches(JsonNode expected, TrustedRepository repo) throws TufException {
    Map<String, String> want = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("tags").fields(); it.hasNext(); ) {
      var e = it.next();
      want.put(e.getKey(), e.getValue().get("sha256").asText() + " " + e.getValue().get("size").asLong() + " "
          + e.getValue().get("role").asText());
    }
    Map<String, String> got = new TreeMap<>();
    for (SignedTarget t : repo.list(null)) {
      got.put(t.name(), t.meta().sha256Hex() + " " + t.length() + " " + t.role());
      Set<String> signers = new HashSet<>();
      expected.path("tags").path(t.name()).path("signed_by_keyids").forEach(k -> signers.add(k.asText()));
      assertEquals(signers, new HashSet<>(t.signerKeyIds()), "signers of " + t.name());
    }
    assertEquals(want, got);
    for (JsonNode absent : expected.path("absent_tags")) {
      assertThrows(TufException.class, () -> repo.docker(absent.asText()));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("docker_view").path("tags").fields();
        it.hasNext(); ) {
      var e = it.next();
      SignedTarget t = repo.docker(e.getKey());
      assertEquals("sha256:" + e.getValue().get("sha256").asText(), t.digest());
      assertEquals(e.getValue().get("size").asLong(), t.length());
      assertEquals(e.getValue().get("role").asText(), t.role());
    }
    for (String tag : want.keySet()) {
      if (!expected.path("docker_view").path("tags").has(tag)) {
        assertThrows(TufException.class, () -> repo.docker(tag), tag + " is not for Docker");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("notary_list_with_roles").fields();
        it.hasNext(); ) {
      var e = it.next();
      Map<String, String> w = new TreeMap<>();
      e.getValue().fields().forEachRemaining(t -> w.put(t.getKey(), t.getValue().get("sha256").asText() + " "
          + t.getValue().get("role").asText()));
      Map<String, String> g = new TreeMap<>();
      repo.list(e.getKey()).forEach(t -> g.put(t.name(), t.meta().sha256Hex() + " " + t.role()));
      assertEquals(w, g, "--roles " + e.getKey());
    }
    assertEquals(expected.path("roles").path("root").path("version").asInt(), repo.root().version());
    assertEquals(expected.path("roles").path("timestamp").path("version").asInt(),
        repo.timestamp().file().version());
    List<String> none = List.of();
    assertEquals(none, repo.warnings());
  }

  static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
