package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * notation's own end-to-end habits on nota: the same argument lists go through the real {@code notation} 1.3.2 and
 * through nota (in-process), against an embedded registry on 127.0.0.1 or an OCI layout, and each tool must accept
 * them and verify what the other signed with them. Where notation 1.3.2 does not have a flag nota has
 * ({@code --plain-http}, {@code -o} on verify and ls, archives for {@code --oci-layout}) the check records notation's
 * refusal next to nota's result, so a peer that gains the flag shows up here.
 */
@Tag("interop")
class NotationFlagsInteropTest {
  private static final String AREA = "notation's flags";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path keys;
  private static Path notation;

  @TempDir Path home;
  private CliAccess nota;
  private Map<String, String> env;
  private TestRegistry registry;
  private RegistryClient client;

  @BeforeAll
  static void generateKey() {
    notation = Peers.require("notation");
    ok(new CliAccess(keys).run("cert", "generate-test", "--key-type", "ec-256", "signer"));
  }

  @BeforeEach
  void copyConfiguration() throws IOException {
    nota = new CliAccess(home);
    Path from = keys.resolve("config");
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(p -> {
        try {
          Files.copy(p, nota.config().resolve(from.relativize(p).toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    env = new HashMap<>(Peers.environment(home, nota.config()));
    env.put("NOTATION_EXPERIMENTAL", "1"); // --oci-layout and --scope are experimental in notation 1.3.2
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  // ---- registry flags ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jws", "cose"})
  void insecureRegistrySignatureFormatUserMetadataAndExpiryMeanTheSameToBoth(String format) throws Exception {
    String repo = startRegistry(true);
    String byNota = pushImage(repo, "flags by nota " + format);
    String byNotation = pushImage(repo, "flags by notation " + format);
    policy(repo);
    String[] sign = {"sign", "--insecure-registry", "--key", "signer", "--signature-format", format,
        "--user-metadata", "team=blue", "--expiry", "24h"};

    CrossChecks.check(AREA, "sign " + String.join(" ", List.of(sign).subList(1, sign.length))
        + " (" + format + "): each tool verifies what the other signed", () -> {
          ok(nota.run(with(sign, byNota)));
          ok(notation(with(sign, byNotation)));
          for (String ref : List.of(byNota, byNotation)) {
            ok(notation("verify", "--insecure-registry", ref));
            ok(nota.run("verify", "--insecure-registry", ref));
          }
        });
    CrossChecks.check(AREA, "verify --insecure-registry --user-metadata (" + format + "): both accept the signed"
        + " pair and both refuse another value", () -> {
          for (String ref : List.of(byNota, byNotation)) {
            String[] good = {"verify", "--insecure-registry", "--user-metadata", "team=blue", ref};
            String[] bad = {"verify", "--insecure-registry", "--user-metadata", "team=red", ref};
            ok(notation(good));
            ok(nota.run(good));
            Peers.Run theirs = notation(bad);
            assertNotEquals(0, theirs.code(), theirs::toString);
            CliAccess.Result ours = nota.run(bad);
            assertEquals(1, ours.code(), ours::toString);
          }
        });
    CrossChecks.check(AREA, "inspect --insecure-registry -o json (" + format + "): same signatures, envelope type,"
        + " algorithm and an expiry", () -> {
          for (String ref : List.of(byNota, byNotation)) {
            String[] args = {"inspect", "--insecure-registry", "-o", "json", ref};
            Map<String, List<String>> theirs = notationInspect(ok(notation(args)).out());
            Map<String, List<String>> ours = notaInspect(ok(nota.run(args)).out());
            assertEquals(theirs, ours, "notation and nota inspect differ for " + ref);
            assertEquals(1, ours.size(), ours::toString);
            String envelope = format.equals("jws") ? "application/jose+json" : "application/cose";
            assertEquals(envelope, ours.values().iterator().next().get(0));
          }
        });
  }

  @Test
  void plainHttpIsNotationsInsecureRegistryUnderItsNewName() throws Exception {
    String repo = startRegistry(true);
    String byNota = pushImage(repo, "plain by nota");
    String byNotation = pushImage(repo, "plain by notation");
    policy(repo);
    CrossChecks.check(AREA, "--plain-http: notation 1.3.2 has no such flag (unknown flag); nota accepts it on"
        + " sign, verify, ls and inspect", () -> {
          for (String verb : List.of("sign", "verify", "ls", "inspect")) {
            String[] args = verb.equals("sign") ? new String[] {verb, "--plain-http", "--key", "signer", byNota}
                : new String[] {verb, "--plain-http", byNota};
            Peers.Run theirs = notation(args);
            assertNotEquals(0, theirs.code(), theirs::toString);
            assertTrue(theirs.err().contains("unknown flag: --plain-http"), theirs::toString);
            ok(nota.run(args));
          }
        });
    CrossChecks.check(AREA, "nota --plain-http and notation --insecure-registry: each verifies and lists what the"
        + " other signed", () -> {
          ok(notation("sign", "--insecure-registry", "--key", "signer", byNotation));
          ok(nota.run("verify", "--plain-http", byNotation));
          ok(notation("verify", "--insecure-registry", byNota));
          for (String ref : List.of(byNota, byNotation)) {
            assertEquals(signatureDigests(ref, ok(notation("ls", "--insecure-registry", ref)).out()),
                signatureDigests(ref, ok(nota.run("ls", "--plain-http", ref)).out()));
          }
        });
  }

  @Test
  void forceReferrersTagWritesTheTagIndexForBothAndFalseForNeither() throws Exception {
    String repo = startRegistry(true);
    policy(repo);
    CrossChecks.check(AREA, "sign --force-referrers-tag (registry with the Referrers API): both also write the"
        + " sha256-<digest> tag index", () -> {
          String byNota = pushImage(repo, "tag by nota");
          String byNotation = pushImage(repo, "tag by notation");
          String[] sign = {"sign", "--insecure-registry", "--force-referrers-tag", "--key", "signer"};
          ok(nota.run(with(sign, byNota)));
          ok(notation(with(sign, byNotation)));
          assertTrue(hasReferrersTag(repo, byNota), "nota wrote no tag index");
          assertTrue(hasReferrersTag(repo, byNotation), "notation wrote no tag index");
          ok(notation("verify", "--insecure-registry", byNota));
          ok(nota.run("verify", "--insecure-registry", byNotation));
        });
    CrossChecks.check(AREA, "sign --force-referrers-tag=false (registry with the Referrers API): neither writes"
        + " the tag index, each verifies the other's", () -> {
          String byNota = pushImage(repo, "no tag by nota");
          String byNotation = pushImage(repo, "no tag by notation");
          String[] sign = {"sign", "--insecure-registry", "--force-referrers-tag=false", "--key", "signer"};
          ok(nota.run(with(sign, byNota)));
          ok(notation(with(sign, byNotation)));
          assertFalse(hasReferrersTag(repo, byNota), "nota wrote a tag index");
          assertFalse(hasReferrersTag(repo, byNotation), "notation wrote a tag index");
          ok(notation("verify", "--insecure-registry", byNota));
          ok(nota.run("verify", "--insecure-registry", byNotation));
        });
    CrossChecks.check(AREA, "sign without --force-referrers-tag: notation writes the tag index (its default true),"
        + " nota does not (default false, on purpose)", () -> {
          String byNota = pushImage(repo, "default by nota");
          String byNotation = pushImage(repo, "default by notation");
          String[] sign = {"sign", "--insecure-registry", "--key", "signer"};
          ok(nota.run(with(sign, byNota)));
          ok(notation(with(sign, byNotation)));
          assertFalse(hasReferrersTag(repo, byNota), "nota wrote a tag index by default");
          assertTrue(hasReferrersTag(repo, byNotation), "notation wrote no tag index by default");
        });
  }

  @Test
  void outputJsonIsOnInspectForNotationAndOnVerifyAndLsForNotaToo() throws Exception {
    String repo = startRegistry(false);
    String ref = pushImage(repo, "json");
    policy(repo);
    ok(notation("sign", "--insecure-registry", "--key", "signer", ref));
    CrossChecks.check(AREA, "verify -o json and ls -o json: notation 1.3.2 refuses -o there (unknown shorthand"
        + " flag); nota prints JSON with the same verdict and signatures", () -> {
          for (String verb : List.of("verify", "ls")) {
            Peers.Run theirs = notation(verb, "--insecure-registry", "-o", "json", ref);
            assertNotEquals(0, theirs.code(), theirs::toString);
            assertTrue(theirs.err().contains("unknown shorthand flag: 'o'"), theirs::toString);
          }
          JsonNode verified = JSON.readTree(ok(nota.run("verify", "--insecure-registry", "-o", "json", ref)).out());
          assertEquals("verified", verified.path("result").asText(), verified::toString);
          ok(notation("verify", "--insecure-registry", ref));
          Set<String> listed = signatureDigests(ref, ok(nota.run("ls", "--insecure-registry", "-o", "json", ref))
              .out());
          assertEquals(signatureDigests(ref, ok(notation("ls", "--insecure-registry", ref)).out()), listed);
        });
  }

  // ---- OCI layouts ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jws", "cose"})
  void ociLayoutWithScopeWorksBothWays(String format) throws Exception {
    Path layout = home.resolve("layout");
    String byNotation = layoutImage(layout, "layout by notation " + format);
    String byNota = layoutImage(layout, "layout by nota " + format);
    layoutPolicy();
    String[] sign = {"sign", "--oci-layout", "--key", "signer", "--signature-format", format};
    String[] verify = {"verify", "--oci-layout", "--scope", "local/x"};
    CrossChecks.check(AREA, "sign --oci-layout --signature-format " + format + ", verify --oci-layout --scope:"
        + " each verifies what the other signed (nota adds --signature-manifest legacy for notation 1.x)", () -> {
          ok(notation(with(sign, byNotation)));
          List<String> ours = new ArrayList<>(List.of(sign));
          ours.addAll(List.of("--signature-manifest", "legacy", byNota));
          ok(nota.run(ours.toArray(String[]::new)));
          for (String ref : List.of(byNota, byNotation)) {
            ok(notation(with(verify, ref)));
            ok(nota.run(with(verify, ref)));
            assertEquals(signatureDigests(ref, ok(notation("ls", "--oci-layout", ref)).out()),
                signatureDigests(ref, ok(nota.run("ls", "--oci-layout", ref)).out()));
          }
        });
    CrossChecks.check(AREA, "inspect --oci-layout -o json: notation 1.3.2 has no --oci-layout on inspect (unknown"
        + " flag); nota inspects the layout and finds the signatures notation ls lists", () -> {
          for (String ref : List.of(byNota, byNotation)) {
            String[] inspect = {"inspect", "--oci-layout", "-o", "json", ref};
            Peers.Run theirs = notation(inspect);
            assertNotEquals(0, theirs.code(), theirs::toString);
            assertTrue(theirs.err().contains("unknown flag: --oci-layout"), theirs::toString);
            assertEquals(signatureDigests(ref, ok(notation("ls", "--oci-layout", ref)).out()),
                notaInspect(ok(nota.run(inspect)).out()).keySet());
          }
        });
    CrossChecks.check(AREA, "verify --oci-layout without --scope: both refuse", () -> {
      Peers.Run theirs = notation("verify", "--oci-layout", byNotation);
      assertNotEquals(0, theirs.code(), theirs::toString);
      CliAccess.Result ours = nota.run("verify", "--oci-layout", byNotation);
      assertEquals(2, ours.code(), ours::toString);
    });
    CrossChecks.check(AREA, "--oci-layout with --insecure-registry: both accept it (no registry involved);"
        + " --plain-http there only nota knows", () -> {
          String[] args = {"verify", "--oci-layout", "--insecure-registry", "--scope", "local/x", byNotation};
          ok(notation(args));
          ok(nota.run(args));
          ok(nota.run("verify", "--oci-layout", "--plain-http", "--scope", "local/x", byNotation));
        });
  }

  @Test
  void ociLayoutArchivesAreNotasOwnNotationReadsDirectoriesOnly() throws Exception {
    Path layout = home.resolve("layout");
    String ref = layoutImage(layout, "archived");
    layoutPolicy();
    ok(notation("sign", "--oci-layout", "--key", "signer", ref));
    String digest = ref.substring(ref.lastIndexOf('@'));
    Path tgz = home.resolve("layout.tar.gz");
    Process tar = new ProcessBuilder("tar", "-C", layout.toString(), "-czf", tgz.toString(), ".")
        .redirectErrorStream(true).start();
    assertTrue(tar.waitFor(30, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar failed");
    CrossChecks.check(AREA, "verify --oci-layout --scope on a .tar.gz of a layout notation signed: notation 1.3.2"
        + " refuses (directories only), nota verifies", () -> {
          String[] args = {"verify", "--oci-layout", "--scope", "local/x", tgz + digest};
          Peers.Run theirs = notation(args);
          assertNotEquals(0, theirs.code(), theirs::toString);
          CliAccess.Result ours = ok(nota.run(args));
          assertTrue(ours.out().contains("Successfully verified signature for " + tgz + digest), ours::toString);
        });
  }

  // ---- helpers ----

  private String startRegistry(boolean referrersApi) throws Exception {
    registry = TestRegistry.builder().referrersApi(referrersApi).start();
    client = new RegistryClient(RegistryOptions.defaults());
    return registry.host() + "/app";
  }

  private String pushImage(String repo, String content) throws Exception {
    try (Target target = client.repository(Reference.parse(repo))) {
      Descriptor d = CliAccess.pushSampleImage(target, null, content);
      return repo + "@" + d.digest();
    }
  }

  private static String layoutImage(Path layout, String content) throws Exception {
    try (Target target = LayoutTarget.open(layout)) {
      return layout + "@" + CliAccess.pushSampleImage(target, null, content).digest();
    }
  }

  private boolean hasReferrersTag(String repo, String ref) throws Exception {
    String hex = ref.substring(ref.lastIndexOf(':') + 1);
    try (Target target = client.repository(Reference.parse(repo))) {
      return target.tags().contains("sha256-" + hex);
    }
  }

  private void policy(String scope) {
    ok(nota.run("policy", "init", "--force", "--name", "flags", "--scope", scope, "--trust-store", "ca:signer",
        "--trusted-identity", "*"));
  }

  private void layoutPolicy() {
    policy("local/x");
  }

  private static String[] with(String[] args, String last) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
  }

  private Peers.Run notation(String... args) throws Exception {
    return Peers.run(notation, env, args);
  }

  /** notation's inspect JSON as digest -> [envelope type, signature algorithm, has expiry]. */
  private static Map<String, List<String>> notationInspect(String json) throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    for (JsonNode s : JSON.readTree(json).path("Signatures")) { // notation 1.3.2 spells this key capitalised
      out.put(s.path("digest").asText(), List.of(s.path("mediaType").asText(),
          s.path("signatureAlgorithm").asText(), String.valueOf(s.path("signedAttributes").has("expiry"))));
    }
    return out;
  }

  /** nota's inspect JSON in the same shape as {@link #notationInspect}. */
  private static Map<String, List<String>> notaInspect(String json) throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    for (JsonNode s : JSON.readTree(json).path("signatures")) {
      out.put(s.path("digest").asText(), List.of(s.path("signatureEnvelopeType").asText(),
          s.path("signatureAlgorithm").asText(), String.valueOf(s.has("expiry"))));
    }
    return out;
  }

  private static Set<String> signatureDigests(String ref, String listing) {
    Set<String> digests = new TreeSet<>();
    Matcher m = DIGEST.matcher(listing);
    while (m.find()) {
      digests.add(m.group());
    }
    digests.remove(ref.substring(ref.lastIndexOf('@') + 1));
    return digests;
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  private static Peers.Run ok(Peers.Run r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }
}
