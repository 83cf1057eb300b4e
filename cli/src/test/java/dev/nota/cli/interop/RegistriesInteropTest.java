package dev.nota.cli.interop;

import static dev.nota.cli.interop.RegistryScenarios.ok;
import static dev.nota.cli.interop.RegistryScenarios.subject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.OciJson;
import dev.nota.oci.Reference;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.RegistryTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nota and notation 1.3.2 against real registry processes: olareg (with the Referrers API) and CNCF distribution v3
 * (without). Each tool verifies and lists what the other signed, in JWS and COSE; and on olareg, where notation's
 * default {@code --force-referrers-tag} leaves the first of two signatures only in the referrers tag index, nota still
 * finds and verifies it. (Debian's distribution 2.8 runs the same scenarios in {@code real.RegistriesRealInteropTest}.)
 */
@Tag("interop")
class RegistriesInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static PeerRegistry olareg;
  private static PeerRegistry distribution;
  private static RegistryScenarios scenarios;

  @BeforeAll
  static void start() throws Exception {
    scenarios = new RegistryScenarios(work.resolve("home"));
    olareg = PeerRegistry.olareg(work.resolve("olareg"));
    distribution = PeerRegistry.distributionV3(work.resolve("distribution-v3"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (scenarios != null) {
      scenarios.close();
    }
    if (olareg != null) {
      olareg.close();
    }
    if (distribution != null) {
      distribution.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jws", "cose"})
  void onOlaregEachToolVerifiesAndListsWhatTheOtherSigned(String format) throws Exception {
    CrossChecks.check("Registries: olareg", "nota signs, notation verifies and ls; notation signs "
        + "(--force-referrers-tag=false), nota verifies and ls (" + format.toUpperCase() + ", Referrers API)",
        () -> scenarios.signBothWays(olareg.host(), format, "--force-referrers-tag=false"));
  }

  /**
   * Measured: olareg keeps its Referrers API answers as image indexes in its store, and the referrers tag index
   * notation writes by default for one signature is byte for byte that answer. Tagging it replaces olareg's own
   * bookkeeping of the answer, so the API then lists nothing: notation no longer sees its own signature, nota (which
   * also reads the tag index) does.
   */
  @Test
  void aSingleNotationSignatureWithItsDefaultTagSchemaIsOnlyInOlaregsTagIndexAndNotaStillVerifiesIt()
      throws Exception {
    CrossChecks.check("Registries: olareg", "one notation signature (default --force-referrers-tag) only in the tag "
        + "index: nota verifies and lists it", () -> {
          String repo = olareg.host() + "/single";
          String ref = scenarios.pushImage(repo);
          Digest subject = Digest.parse(ref.substring(ref.indexOf('@') + 1));
          scenarios.trust(repo, "alice", subject("alice"));
          ok(scenarios.notation("sign", "--insecure-registry", "--key", "alice", ref));
          Set<String> ours = scenarios.notaLists(ref);
          assertEquals(1, ours.size(), ours::toString);
          assertEquals(ours, tagIndex(repo, subject), "the referrers tag index");
          assertEquals(Set.of(), referrersApi(olareg.host(), "single", subject), "olareg's Referrers API");

          Peers.Run theirs = scenarios.notation("verify", "--insecure-registry", ref);
          Set<String> theirList = scenarios.notationLists(ref);
          CliAccess.Result verified = scenarios.nota().run("verify", ref);
          CrossChecks.record("Registries: olareg", "measured: notation 1.3.2 verify/ls of its own one signature "
              + "made with the default --force-referrers-tag", "notation verify exit " + theirs.code()
              + ", notation ls lists " + theirList.size() + " of 1; nota verify exit " + verified.code()
              + ", nota ls lists " + ours.size() + " of 1");
          ok(verified);
          assertNotEquals(0, theirs.code(), theirs::toString);
          assertEquals(Set.of(), theirList, "notation ls");
        });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jws", "cose"})
  void onDistributionV3EachToolVerifiesAndListsWhatTheOtherSigned(String format) throws Exception {
    CrossChecks.check("Registries: distribution v3", "nota signs, notation verifies and ls; notation signs, nota "
        + "verifies and ls (" + format.toUpperCase() + ", referrers tag schema)",
        () -> scenarios.signBothWays(distribution.host(), format));
  }

  /**
   * The case from the issue, measured: notation signs twice with its default {@code --force-referrers-tag}; olareg's
   * Referrers API then lists only the second signature, while the tag index lists both. notation (which reads the
   * API when the registry has one) cannot verify under a policy trusting only the first signer; nota, which merges
   * the API with the tag index, can. If the premise stops holding, the peer changed: revisit this test.
   */
  @Test
  void theFirstOfTwoNotationSignaturesOnlyInOlaregsTagIndexIsFoundAndVerifiedByNota() throws Exception {
    CrossChecks.check("Registries: olareg", "first of two notation signatures (default --force-referrers-tag) only "
        + "in the tag index: nota verifies it and lists both", () -> {
          Peers.Run help = scenarios.notation("sign", "--help");
          assertTrue(help.out().lines().anyMatch(l -> l.contains("--force-referrers-tag")
              && l.contains("(default true)")), help::toString);
          String repo = olareg.host() + "/tagged";
          String ref = scenarios.pushImage(repo);
          Digest subject = Digest.parse(ref.substring(ref.indexOf('@') + 1));
          scenarios.trust(repo, "alice", subject("alice"));

          ok(scenarios.notation("sign", "--insecure-registry", "--key", "alice", ref));
          Set<String> first = scenarios.notaLists(ref);
          assertEquals(1, first.size(), first::toString);
          ok(scenarios.notation("sign", "--insecure-registry", "--key", "bob", ref));
          Set<String> both = scenarios.notaLists(ref);
          assertEquals(2, both.size(), both::toString);
          assertTrue(both.containsAll(first), both::toString);
          Set<String> second = new TreeSet<>(both);
          second.removeAll(first);

          // The premise: the API lists only the second; the tag index lists both.
          assertEquals(second, referrersApi(olareg.host(), "tagged", subject), "olareg's Referrers API");
          assertEquals(both, tagIndex(olareg.host() + "/tagged", subject), "the referrers tag index");

          Peers.Run theirs = scenarios.notation("verify", "--insecure-registry", ref);
          Set<String> theirList = scenarios.notationLists(ref);
          CliAccess.Result ours = scenarios.nota().run("verify", ref);
          CrossChecks.record("Registries: olareg", "measured: notation 1.3.2 verify/ls when the trusted first "
              + "signature is only in the tag index", "notation verify exit " + theirs.code() + ", notation ls "
              + "lists " + theirList.size() + " of 2; nota verify exit " + ours.code() + ", nota ls lists "
              + both.size() + " of 2");
          assertNotEquals(0, theirs.code(), theirs::toString);
          assertEquals(second, theirList, "notation ls");
          ok(ours);
          assertTrue(ours.out().contains("Successfully verified signature for " + ref), ours::toString);
          // Only the first signer is trusted, so the verified signature is the one the API does not list.
          scenarios.trust(repo, "bob", subject("bob"));
          ok(scenarios.nota().run("verify", ref));
          scenarios.trust(repo, "alice", subject("mallory"));
          assertEquals(1, scenarios.nota().run("verify", ref).code());
        });
  }

  /** The digests the Referrers API of {@code host} lists for {@code subject}, asked directly. */
  static Set<String> referrersApi(String host, String repository, Digest subject) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + host + "/v2/" + repository + "/referrers/" + subject)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r::body);
    Set<String> out = new TreeSet<>();
    for (JsonNode d : JSON.readTree(r.body()).path("manifests")) {
      out.add(d.path("digest").asText());
    }
    return out;
  }

  /** The digests the referrers tag index of {@code subject} in {@code repo} lists. */
  static Set<String> tagIndex(String repo, Digest subject) throws Exception {
    try (RegistryClient client = new RegistryClient(RegistryOptions.defaults());
        RegistryTarget target = client.repository(Reference.parse(repo))) {
      Index index = OciJson.parseIndex(target.fetchManifest(subject.referrersTag()).bytes());
      return index.manifests().stream().map(d -> d.digest().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
