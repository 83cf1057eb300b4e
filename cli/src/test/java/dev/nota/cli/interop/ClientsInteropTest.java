package dev.nota.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
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
import java.util.TreeSet;
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
 * The embedded registry ({@code nota registry serve}, here {@link TestRegistry} in-process on 127.0.0.1) judged
 * by the real clients people point at it: oras, regctl, crane and notation push, attach, discover and copy with
 * referrers, with and without the Referrers API, and nota still finds and verifies its signature wherever they
 * put it. Blob mounts between repositories are checked in the registry's own exchange log (201, no upload).
 */
@Tag("interop")
class ClientsInteropTest {
  private static final String AREA = "Clients against nota registry serve";
  private static final String SBOM_TYPE = "application/spdx+json";
  private static final String NOTARY_TYPE = "application/vnd.cncf.notary.signature";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A test signing key made once per class; each test copies this configuration. */
  @TempDir static Path keys;

  @TempDir Path home;
  private CliAccess nota;
  private Map<String, String> env;
  private final List<TestRegistry> registries = new ArrayList<>();
  private RegistryClient client;

  @BeforeAll
  static void generateKey() {
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
    env = Peers.environment(home, nota.config());
    ok(nota.run("policy", "init", "--force", "--name", "clients", "--scope", "*", "--trust-store", "ca:signer",
        "--trusted-identity", "*"));
    client = new RegistryClient(RegistryOptions.defaults());
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    registries.forEach(TestRegistry::close);
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void orasAttachesAnSbomBesideNotasSignatureAndDiscoverListsBoth(boolean referrersApi) throws Exception {
    Path oras = Peers.require("oras");
    TestRegistry registry = registry(referrersApi);
    String api = referrersApi ? " (Referrers API)" : " (no Referrers API)";

    CrossChecks.check(AREA, "oras pushes an artifact that nota signs and verifies" + api, () -> {
      Files.writeString(home.resolve("notes.txt"), "pushed by oras " + referrersApi);
      Peers.Run pushed = ok(Peers.run(oras, env, "push", "--plain-http", registry.host() + "/artifact:v1",
          "notes.txt:text/plain"));
      String ref = registry.host() + "/artifact@" + digestAfter("Digest:", pushed.out());
      ok(nota.run("sign", "--key", "signer", ref));
      ok(nota.run("verify", ref));
    });

    String image = image(registry, "app", "attach " + referrersApi);
    ok(nota.run("sign", "--key", "signer", image));
    String signature = single(signatures(image));
    String attach = "oras attach adds an SBOM to an image nota signed; oras discover lists both" + api;
    CrossChecks.check(AREA, attach, () -> {
      Files.writeString(home.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
      Peers.Run attached = ok(Peers.run(oras, env, "attach", "--plain-http", "--artifact-type", SBOM_TYPE, image,
          "sbom.json:application/json"));
      String sbom = digestAfter("Digest:", attached.out());
      Map<String, String> found = orasDiscover(oras, image);
      assertEquals(Map.of(signature, NOTARY_TYPE, sbom, SBOM_TYPE), found);
    });
    CrossChecks.check(AREA, "nota ls lists its signature and not oras's SBOM" + api, () -> {
      assertEquals(Set.of(signature), signatures(image));
      ok(nota.run("verify", image));
    });
  }

  @ParameterizedTest(name = "destination referrers API {0}")
  @ValueSource(booleans = {true, false})
  void orasCopyWithReferrersKeepsNotasSignatureVerifiable(boolean destinationApi) throws Exception {
    Path oras = Peers.require("oras");
    TestRegistry source = registry(true);
    TestRegistry destination = registry(destinationApi);
    String image = image(source, "app", "oras cp " + destinationApi);
    ok(nota.run("sign", "--key", "signer", image));
    String signature = single(signatures(image));
    String digest = image.substring(image.indexOf('@') + 1);
    String copied = destination.host() + "/copied@" + digest;
    CrossChecks.check(AREA, "oras cp -r to another registry keeps the signature; nota verify passes there"
        + (destinationApi ? " (Referrers API)" : " (no Referrers API)"), () -> {
          ok(Peers.run(oras, env, "cp", "-r", "--from-plain-http", "--to-plain-http", image,
              destination.host() + "/copied:v1"));
          assertEquals(Set.of(signature), signatures(copied));
          ok(nota.run("verify", copied));
          assertEquals(Map.of(signature, NOTARY_TYPE), orasDiscover(oras, copied));
        });
  }

  @ParameterizedTest(name = "destination referrers API {0}")
  @ValueSource(booleans = {true, false})
  void regctlListsAndCopiesNotasSignature(boolean destinationApi) throws Exception {
    Path regctl = Peers.require("regctl");
    TestRegistry source = registry(true);
    TestRegistry destination = registry(destinationApi);
    for (TestRegistry r : List.of(source, destination)) {
      ok(Peers.run(regctl, env, "registry", "set", "--tls", "disabled", r.host()));
    }
    String image = image(source, "app", "regctl " + destinationApi);
    ok(nota.run("sign", "--key", "signer", image));
    String signature = single(signatures(image));
    String digest = image.substring(image.indexOf('@') + 1);
    String api = destinationApi ? " (Referrers API)" : " (no Referrers API)";
    CrossChecks.check(AREA, "regctl artifact list shows nota's signature", () -> {
      Peers.Run listed = ok(Peers.run(regctl, env, "artifact", "list", "--format", "{{json .}}", image));
      JsonNode descriptors = JSON.readTree(listed.out()).path("descriptors");
      assertEquals(1, descriptors.size(), listed::toString);
      assertEquals(signature, descriptors.get(0).path("digest").asText());
      assertEquals(NOTARY_TYPE, descriptors.get(0).path("artifactType").asText());
    });
    CrossChecks.check(AREA, "regctl image copy --referrers keeps the signature; nota verify passes there" + api,
        () -> {
          ok(Peers.run(regctl, env, "image", "copy", "--referrers", image, destination.host() + "/copied:v1"));
          String copied = destination.host() + "/copied@" + digest;
          assertEquals(Set.of(signature), signatures(copied));
          ok(nota.run("verify", copied));
        });
  }

  @Test
  void craneCopiesAnImageAndReadsManifestsAndBlobs() throws Exception {
    Path crane = Peers.require("crane");
    TestRegistry source = registry(true);
    TestRegistry destination = registry(false);
    String image = image(source, "app", "crane");
    String digest = image.substring(image.indexOf('@') + 1);
    ok(nota.run("sign", "--key", "signer", image));
    String signature = single(signatures(image));
    CrossChecks.check(AREA, "crane copy moves an image byte for byte; crane manifest and blob read it", () -> {
      ok(Peers.run(crane, env, "--insecure", "copy", image, destination.host() + "/copied:v1"));
      assertEquals(digest, ok(Peers.run(crane, env, "--insecure", "digest", destination.host() + "/copied:v1"))
          .out().trim());
      String copied = destination.host() + "/copied";
      String manifest = ok(Peers.run(crane, env, "--insecure", "manifest", copied + ":v1")).out();
      assertEquals(ok(Peers.run(crane, env, "--insecure", "manifest", image)).out(), manifest);
      String layer = JSON.readTree(manifest).path("layers").get(0).path("digest").asText();
      Peers.Run blob = ok(Peers.run(crane, env, "--insecure", "blob", copied + "@" + layer));
      assertEquals("layer of crane", blob.out());
      assertEquals("v1", ok(Peers.run(crane, env, "--insecure", "ls", copied)).out().trim());
    });
    CrossChecks.check(AREA, "crane reads nota's signature manifest as an OCI 1.1 artifact with a subject", () -> {
      JsonNode sig = JSON.readTree(ok(Peers.run(crane, env, "--insecure", "manifest",
          source.host() + "/app@" + signature)).out());
      assertEquals(NOTARY_TYPE, sig.path("artifactType").asText());
      assertEquals(digest, sig.path("subject").path("digest").asText());
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"oras", "regctl"})
  void copyBetweenRepositoriesOfOneRegistryMountsEveryBlob(String tool) throws Exception {
    Path exe = Peers.require(tool);
    TestRegistry registry = registry(true);
    String image = image(registry, "source/app", "mount by " + tool);
    ok(nota.run("sign", "--key", "signer", image));
    String digest = image.substring(image.indexOf('@') + 1);
    String target = registry.host() + "/mounted/app";
    CrossChecks.check(AREA, tool + " copy between repositories of one registry is a 201 blob mount", () -> {
      int before = registry.exchanges().size();
      if (tool.equals("oras")) {
        ok(Peers.run(exe, env, "cp", "-r", "--from-plain-http", "--to-plain-http", image, target + ":v1"));
      } else {
        ok(Peers.run(exe, env, "registry", "set", "--tls", "disabled", registry.host()));
        ok(Peers.run(exe, env, "image", "copy", "--referrers", image, target + ":v1"));
      }
      List<TestRegistry.Exchange> copy = registry.exchanges().subList(before, registry.exchanges().size());
      List<TestRegistry.Exchange> mounts = copy.stream()
          .filter(e -> e.method().equals("POST") && e.target().startsWith("/v2/mounted/app/blobs/uploads/?")
              && e.target().contains("mount="))
          .toList();
      // config and layer of the image, config ("{}") and envelope of the signature: the {} blob may be shared
      assertTrue(mounts.size() >= 3, () -> "expected mounts, got " + copy);
      mounts.forEach(m -> assertEquals(201, m.status(), () -> "mount not answered 201: " + m));
      assertFalse(copy.stream().anyMatch(e -> e.target().startsWith("/v2/mounted/app/blobs/uploads/")
          && !e.method().equals("POST")), () -> "a blob was uploaded instead of mounted: " + copy);
      ok(nota.run("verify", target + "@" + digest));
    });
  }

  @Test
  void notationSignsAndListsAgainstTheRegistry() throws Exception {
    Path notation = Peers.require("notation");
    TestRegistry registry = registry(true);
    String image = image(registry, "app", "notation smoke");
    CrossChecks.check(AREA, "notation sign and ls work against it; nota lists and verifies the same signature",
        () -> {
          ok(Peers.run(notation, env, "sign", "--insecure-registry", "--key", "signer", image));
          Peers.Run listed = ok(Peers.run(notation, env, "ls", "--insecure-registry", image));
          Set<String> theirs = digests(image, listed.out());
          assertEquals(1, theirs.size(), theirs::toString);
          assertEquals(theirs, signatures(image));
          ok(nota.run("verify", image));
        });
  }

  private TestRegistry registry(boolean referrersApi) throws IOException {
    TestRegistry registry = TestRegistry.builder().referrersApi(referrersApi).start();
    registries.add(registry);
    return registry;
  }

  /** Pushes a sample image to {@code repo} and returns its by-digest reference. */
  private String image(TestRegistry registry, String repo, String content) throws Exception {
    String name = registry.host() + "/" + repo;
    try (Target target = client.repository(Reference.parse(name))) {
      Descriptor pushed = CliAccess.pushSampleImage(target, null, content);
      return name + "@" + pushed.digest();
    }
  }

  /** The signature digests {@code nota ls} lists for {@code ref}. */
  private Set<String> signatures(String ref) {
    return digests(ref, ok(nota.run("ls", ref)).out());
  }

  /** The referrers {@code oras discover} finds: digest to artifact type. */
  private Map<String, String> orasDiscover(Path oras, String ref) throws Exception {
    Peers.Run discovered = ok(Peers.run(oras, env, "discover", "--plain-http", "--format", "json", ref));
    Map<String, String> found = new HashMap<>();
    for (JsonNode m : JSON.readTree(discovered.out()).path("manifests")) {
      found.put(m.path("digest").asText(), m.path("artifactType").asText());
    }
    return found;
  }

  private static String digestAfter(String label, String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith(label)) {
        Matcher m = DIGEST.matcher(line);
        if (m.find()) {
          return m.group();
        }
      }
    }
    throw new AssertionError("no \"" + label + " sha256:...\" line in:\n" + output);
  }

  /** The digests in a listing of {@code ref}, but the artifact's own. */
  private static Set<String> digests(String ref, String listing) {
    Set<String> out = new TreeSet<>();
    Matcher m = DIGEST.matcher(listing);
    while (m.find()) {
      out.add(m.group());
    }
    out.remove(ref.substring(ref.lastIndexOf('@') + 1));
    return out;
  }

  private static String single(Set<String> digests) {
    assertEquals(1, digests.size(), digests::toString);
    return digests.iterator().next();
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
