package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Platform;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.RegistryTarget;
import dev.nota.oci.registry.StaticCredentials;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nota against a real CNCF distribution 2.8, which has no Referrers API: signatures go into the {@code sha256-<hex>}
 * referrers tag index, concurrent signers in separate processes must both survive the read-modify-write of that
 * index (2.8 ignores {@code If-Match}), and htpasswd basic auth works with {@code --password-stdin}.
 */
@Tag("real")
class DistributionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "s3cret";

  @TempDir static Path work;
  private static Distribution open;
  private static Distribution authenticated;
  private static RegistryClient client;
  private static CliAccess nota;

  @BeforeAll
  static void start() throws Exception {
    open = Distribution.start(Files.createDirectories(work.resolve("open")));
    authenticated = Distribution.start(Files.createDirectories(work.resolve("auth")), "alice:" + PASSWORD);
    client = new RegistryClient(RegistryOptions.defaults());
    nota = new CliAccess(work.resolve("home"));
    ok(nota.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
    ok(nota.run("cert", "generate-test", "--key-type", "ec-256", "bob"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (authenticated != null) {
      authenticated.close();
    }
    if (open != null) {
      open.close();
    }
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  private static void trust(String scope, String store) {
    ok(nota.run("policy", "init", "--force", "--name", "p", "--scope", scope, "--trust-store", "ca:" + store,
        "--trusted-identity", "*"));
  }

  private static RegistryTarget target(String repository) throws Exception {
    return client.repository(Reference.parse(open.host() + "/" + repository));
  }

  /** The digests {@code nota ls -o json} lists for {@code ref}. */
  private static Set<String> listed(String ref) throws Exception {
    CliAccess.Result r = ok(nota.run("ls", "-o", "json", ref));
    Set<String> digests = new HashSet<>();
    for (JsonNode s : JSON.readTree(r.out()).path("signatures")) {
      assertEquals(MediaTypes.NOTARY_SIGNATURE, s.path("artifactType").asText(), r::toString);
      digests.add(s.path("digest").asText());
    }
    return digests;
  }

  private static Set<String> envelopeTypes(String ref) throws Exception {
    CliAccess.Result r = ok(nota.run("inspect", "-o", "json", ref));
    Set<String> types = new HashSet<>();
    for (JsonNode s : JSON.readTree(r.out()).path("signatures")) {
      types.add(s.path("signatureEnvelopeType").asText());
    }
    return types;
  }

  private void signsBothFormatsAndVerifies(Target target, String repo, Descriptor artifact) throws Exception {
    String ref = repo + "@" + artifact.digest();
    CliAccess.Result jws = ok(nota.run("sign", ref));
    assertTrue(jws.out().contains("Successfully signed " + ref), jws::toString);
    ok(nota.run("sign", "--signature-format", "cose", ref));

    assertTrue(target.tags().contains(artifact.digest().referrersTag()),
        () -> "no referrers tag " + artifact.digest().referrersTag() + " in " + tagsOf(target));
    Index tagIndex = OciJson.parseIndex(target.fetchManifest(artifact.digest().referrersTag()).bytes());
    assertEquals(2, tagIndex.manifests().size(), tagIndex::toString);

    assertEquals(2, listed(ref).size());
    assertEquals(Set.of(MediaTypes.JWS, MediaTypes.COSE), envelopeTypes(ref));

    CliAccess.Result verified = ok(nota.run("verify", ref));
    assertTrue(verified.out().contains("Successfully verified signature for " + ref), verified::toString);

    trust(repo, "bob");
    CliAccess.Result untrusted = nota.run("verify", ref);
    assertEquals(1, untrusted.code(), untrusted::toString);
    trust(repo, "alice");
  }

  private static String tagsOf(Target target) {
    try {
      return target.tags().toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void signsAnImageInJwsAndCoseThroughTheReferrersTagThenListsInspectsAndVerifies() throws Exception {
    String repo = open.host() + "/app";
    trust(repo, "alice");
    try (RegistryTarget t = target("app")) {
      Descriptor image = CliAccess.pushSampleImage(t, "v1", "real image");
      signsBothFormatsAndVerifies(t, repo, image);
    }
  }

  @Test
  void signsAndVerifiesATwoPlatformIndex() throws Exception {
    String repo = open.host() + "/multi";
    trust(repo, "alice");
    try (RegistryTarget t = target("multi")) {
      // Children first: distribution 2.8 refuses an index listing manifests it does not have.
      Descriptor amd64 = CliAccess.pushSampleImage(t, null, "amd64 image");
      Descriptor arm64 = CliAccess.pushSampleImage(t, null, "arm64 image");
      byte[] index = OciJson.write(Index.of(List.of(amd64.withPlatform(Platform.of("linux", "amd64")),
          arm64.withPlatform(Platform.of("linux", "arm64")))));
      Descriptor pushed = t.pushManifest(MediaTypes.OCI_INDEX, index, "v1");
      assertEquals(MediaTypes.OCI_INDEX, t.resolve("v1").mediaType());
      signsBothFormatsAndVerifies(t, repo, pushed);
      // The children were not signed.
      assertEquals(Set.of(), listed(repo + "@" + amd64.digest()));
    }
  }

  @Test
  void twoConcurrentSignProcessesOnOneArtifactAreBothListed() throws Exception {
    try (GatedRelay relay = new GatedRelay(open.port(), "GET /v2/race/manifests/sha256-")) {
      String repo = relay.host() + "/race";
      trust(repo, "alice");
      List<String> refs = new ArrayList<>();
      try (RegistryTarget t = client.repository(Reference.parse(repo))) {
        for (int round = 0; round < 3; round++) {
          refs.add(repo + "@" + CliAccess.pushSampleImage(t, null, "race " + round).digest());
        }
      }
      for (String ref : refs) {
        // Both signers' first read of the referrers tag index is held until the other's has arrived too.
        relay.arm(2);
        List<Signer> signers = List.of(signProcess(ref, "jws"), signProcess(ref, "cose"));
        for (Signer s : signers) {
          if (!s.process().waitFor(60, TimeUnit.SECONDS)) {
            s.process().destroyForcibly();
            fail("nota sign process did not finish in 60 s:\n" + s.output());
          }
        }
        for (Signer s : signers) {
          String output = s.output();
          assertEquals(0, s.process().exitValue(), () -> "exit " + s.process().exitValue() + "\n" + output);
        }
        assertTrue(relay.tripped(), "the two signers never read the index at the same time");
      }
      for (String ref : refs) {
        assertEquals(2, listed(ref).size(), () -> "signatures of " + ref + " after two concurrent signers\n"
            + nota.run("ls", ref) + "\nregistry log:\n" + tail(open.log()));
        ok(nota.run("verify", ref));
      }
    }
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** A separate JVM running {@code nota sign} with this test's configuration; output read after it exits. */
  private static Signer signProcess(String ref, String format) throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path home = work.resolve("home");
    Path log = Files.createTempFile(work, "sign-" + format, ".log");
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.nota.cli.Nota", "sign", "--signature-format", format, ref)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("NOTA_CONFIG", nota.config().toString());
    builder.environment().put("DOCKER_CONFIG", home.resolve("docker").toString());
    return new Signer(builder.start(), log);
  }

  /** A running {@code nota sign} process and the file its output goes to. */
  private record Signer(Process process, Path log) {
    String output() throws java.io.IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }
  }

  @Test
  void basicAuthSignsWithThePasswordFromStdinAndAWrongPasswordExitsThreeWithoutShowingIt() throws Exception {
    String repo = authenticated.host() + "/private";
    Descriptor image;
    try (RegistryClient alice = new RegistryClient(RegistryOptions.defaults()
        .withCredentials(new StaticCredentials("alice", PASSWORD)));
        Target t = alice.repository(Reference.parse(repo))) {
      image = CliAccess.pushSampleImage(t, "v1", "private image");
    }
    String ref = repo + "@" + image.digest();
    trust(repo, "alice");

    CliAccess.Result anonymous = nota.stdin("").run("sign", ref);
    assertEquals(3, anonymous.code(), anonymous::toString);

    CliAccess.Result signed = nota.stdin(PASSWORD + "\n").run("sign", "-u", "alice", "--password-stdin", ref);
    ok(signed);
    ok(nota.stdin(PASSWORD + "\n").run("verify", "-u", "alice", "--password-stdin", ref));
    CliAccess.Result list = ok(nota.stdin(PASSWORD + "\n").run("ls", "-u", "alice", "--password-stdin", ref));
    assertTrue(list.out().contains("sha256:"), list::toString);

    String wrong = "not-" + PASSWORD + "-wrong";
    CliAccess.Result refused = nota.stdin(wrong + "\n").run("sign", "-u", "alice", "--password-stdin", ref);
    nota.stdin("");
    assertEquals(3, refused.code(), refused::toString);
    assertEquals(1, refused.err().strip().lines().count(), refused::toString);
    assertFalse(refused.err().contains(wrong) || refused.out().contains(wrong), refused::toString);
    assertFalse(refused.err().contains(PASSWORD), refused::toString);
  }
}
