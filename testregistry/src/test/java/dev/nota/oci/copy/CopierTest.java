package dev.nota.oci.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Platform;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopierTest {
  private static final String SBOM = "application/spdx+json";

  @TempDir Path dir;
  private TestRegistry withApi;
  private TestRegistry withoutApi;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    withApi = TestRegistry.builder().referrersApi(true).start();
    withoutApi = TestRegistry.builder().referrersApi(false).start();
    client = new RegistryClient(RegistryOptions.defaults());
  }

  @AfterEach
  void stop() {
    client.close();
    withApi.close();
    withoutApi.close();
  }

  /** An image signed twice, with an SBOM attached that is itself signed. */
  private record Graph(Descriptor image, Descriptor sig1, Descriptor sig2, Descriptor sbom, Descriptor sbomSig) {
    Set<Digest> referrerDigests() {
      return Set.of(sig1.digest(), sig2.digest(), sbom.digest(), sbomSig.digest());
    }
  }

  private Graph graph(Target t) throws Exception {
    Descriptor image = image(t, "v1", "app");
    Descriptor sig1 = referrer(t, image, MediaTypes.NOTARY_SIGNATURE, "signature one");
    Descriptor sig2 = referrer(t, image, MediaTypes.NOTARY_SIGNATURE, "signature two");
    Descriptor sbom = referrer(t, image, SBOM, "{\"spdxVersion\":\"SPDX-2.3\"}");
    Descriptor sbomSig = referrer(t, sbom, MediaTypes.NOTARY_SIGNATURE, "signature of the sbom");
    return new Graph(image, sig1, sig2, sbom, sbomSig);
  }

  static Descriptor image(Target t, String tag, String content) throws Exception {
    Descriptor config = blob(t, MediaTypes.OCI_CONFIG,
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"c\":\"" + content + "\"}");
    Descriptor layer = blob(t, MediaTypes.OCI_LAYER, "layer of " + content);
    byte[] m = OciJson.write(Manifest.of(null, config, List.of(layer), null, null));
    return t.pushManifest(MediaTypes.OCI_MANIFEST, m, tag);
  }

  static Descriptor referrer(Target t, Descriptor subject, String artifactType, String content) throws Exception {
    t.pushBlob(Descriptor.EMPTY_JSON, new ByteArrayInputStream(MediaTypes.EMPTY_JSON));
    Descriptor layer = blob(t, artifactType.equals(MediaTypes.NOTARY_SIGNATURE) ? MediaTypes.JWS : artifactType,
        content);
    byte[] m = OciJson.write(Manifest.of(artifactType, Descriptor.EMPTY_JSON, List.of(layer), subject, null));
    return t.pushManifest(MediaTypes.OCI_MANIFEST, m, null);
  }

  static Descriptor blob(Target t, String mediaType, String content) throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Descriptor d = Descriptor.of(mediaType, bytes);
    t.pushBlob(d, new ByteArrayInputStream(bytes));
    return d;
  }

  private Target repo(TestRegistry registry, String name) {
    return client.repository(registry.host(), name);
  }

  private static Set<Digest> referrersOf(Target t, Descriptor subject) throws OciException {
    return t.referrers(subject, null).stream().map(Descriptor::digest).collect(Collectors.toSet());
  }

  private static void assertSameGraph(Graph g, Target t) throws Exception {
    assertEquals(Set.of(g.sig1().digest(), g.sig2().digest(), g.sbom().digest()), referrersOf(t, g.image()));
    assertEquals(Set.of(g.sbomSig().digest()), referrersOf(t, g.sbom()));
    assertEquals(g.image().digest(), t.resolve("v1").digest(), "digests never change");
    for (Descriptor d : List.of(g.image(), g.sig1(), g.sbomSig())) {
      for (Descriptor b : Copier.blobsOf(d.mediaType(), t.fetchManifest(d.digest().toString()).bytes())) {
        try (InputStream in = t.fetchBlob(b)) {
          in.transferTo(java.io.OutputStream.nullOutputStream()); // digest checked while read
        }
      }
    }
  }

  @Test
  void copiesAnImageWithEveryReferrerFromARegistryWithTheApiToOneWithout() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Graph g = graph(src);
    Target dst = repo(withoutApi, "mirror/app");

    Copier.Result result = Copier.copy(src, g.image(), dst, "v1", Copier.Options.defaults());

    assertEquals(g.image().digest(), result.root().digest());
    assertEquals(4, result.referrers());
    assertSameGraph(g, dst);
    assertTrue(dst.tags().contains(g.image().digest().referrersTag()),
        "the destination without the API keeps referrers in the tag schema index");
  }

  @Test
  void copiesBackFromTheTagSchemaToARegistryWithTheApi() throws Exception {
    Target src = repo(withoutApi, "vendor/app");
    Graph g = graph(src);
    Target dst = repo(withApi, "mirror/app");

    Copier.copy(src, g.image(), dst, "v1", Copier.Options.defaults());

    assertSameGraph(g, dst);
    assertFalse(dst.tags().contains(g.image().digest().referrersTag()),
        "a destination with the API needs no referrers tag: " + dst.tags());
  }

  @Test
  void roundTripsThroughALayoutDirectoryAndATarIntoARegistry() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Graph g = graph(src);
    Path tar = dir.resolve("carry.tar");
    try (LayoutTarget layout = LayoutTarget.open(dir.resolve("layout"))) {
      Copier.copy(src, g.image(), layout, "v1", Copier.Options.defaults());
      assertSameGraph(g, layout);
      try (LayoutTarget archive = LayoutTarget.openArchive(tar, true)) {
        Copier.copy(layout, g.image(), archive, "v1", Copier.Options.defaults());
      }
    }
    Target dst = repo(withoutApi, "airgap/app");
    try (LayoutTarget archive = LayoutTarget.openArchive(tar, false)) {
      assertSameGraph(g, archive);
      Copier.copy(archive, g.image(), dst, "v1", Copier.Options.defaults());
    }
    assertSameGraph(g, dst);
  }

  @Test
  void withoutReferrersOnlyTheArtifactIsCopied() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Graph g = graph(src);
    Target dst = repo(withApi, "mirror/app");

    Copier.Result r = Copier.copy(src, g.image(), dst, "v1", Copier.Options.defaults().withReferrers(false));

    assertEquals(0, r.referrers());
    assertEquals(Set.of(), referrersOf(dst, g.image()));
  }

  @Test
  void anArtifactTypeFilterPicksTheFirstLevelAndKeepsTheirOwnReferrers() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Graph g = graph(src);
    Target dst = repo(withoutApi, "mirror/app");

    Copier.copy(src, g.image(), dst, "v1", Copier.Options.defaults().withArtifactType(SBOM));

    assertEquals(Set.of(g.sbom().digest()), referrersOf(dst, g.image()));
    assertEquals(Set.of(g.sbomSig().digest()), referrersOf(dst, g.sbom()));
  }

  private Descriptor threePlatformIndex(Target t) throws Exception {
    List<Descriptor> manifests = new ArrayList<>();
    for (String arch : List.of("amd64", "arm64", "s390x")) {
      Descriptor m = image(t, null, "for " + arch);
      manifests.add(new Descriptor(m.mediaType(), m.digest(), m.size(), null, null, null,
          Platform.of("linux", arch), null));
    }
    return t.pushManifest(MediaTypes.OCI_INDEX, OciJson.write(Index.of(manifests)), "multi");
  }

  @Test
  void copiesAWholeIndexOrOnePlatformOfIt() throws Exception {
    Target src = repo(withApi, "vendor/multi");
    Descriptor index = threePlatformIndex(src);
    Index parsed = OciJson.parseIndex(src.fetchManifest("multi").bytes());
    Descriptor arm = parsed.manifests().get(1);
    Descriptor armSig = referrer(src, arm, MediaTypes.NOTARY_SIGNATURE, "signature of arm64");
    Descriptor indexSig = referrer(src, index, MediaTypes.NOTARY_SIGNATURE, "signature of the index");

    Target whole = repo(withoutApi, "whole/multi");
    Copier.Result all = Copier.copy(src, index, whole, "multi", Copier.Options.defaults());
    assertEquals(index.digest(), whole.resolve("multi").digest());
    assertEquals(4, all.manifests() - all.referrers());
    for (Descriptor m : parsed.manifests()) {
      whole.fetchManifest(m.digest().toString());
    }
    assertEquals(Set.of(indexSig.digest()), referrersOf(whole, index));
    assertEquals(Set.of(armSig.digest()), referrersOf(whole, arm), "signatures of child manifests come along");

    Target one = repo(withApi, "one/multi");
    Copier.Result r = Copier.copy(src, index, one, "arm", Copier.Options.defaults()
        .withPlatform(Platform.parse("linux/arm64")));
    assertEquals(arm.digest(), r.root().digest());
    assertEquals(arm.digest(), one.resolve("arm").digest());
    assertEquals(Set.of(armSig.digest()), referrersOf(one, arm));
    assertThrows(NotFoundException.class, () -> one.fetchManifest(index.digest().toString()));
    assertThrows(NotFoundException.class, () -> one.fetchManifest(parsed.manifests().get(0).digest().toString()));

    NotFoundException e = assertThrows(NotFoundException.class, () -> Copier.copy(src, index, one, "x",
        Copier.Options.defaults().withPlatform(Platform.parse("windows/amd64"))));
    assertTrue(e.getMessage().contains("no manifest for platform windows/amd64"), e.getMessage());
  }

  @Test
  void aFailedCopyLeavesNoTagAndARetrySendsOnlyWhatIsMissing() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Graph g = graph(src);
    Target dst = repo(withoutApi, "mirror/app");
    // Let a few blob and manifest writes land, then fail everything the client retries.
    withoutApi.faults().failNth(8, 500);
    withoutApi.faults().failNth(9, 500);
    withoutApi.faults().failNth(10, 500);
    withoutApi.faults().failNth(11, 500);
    withoutApi.faults().failNth(12, 500);
    withoutApi.faults().failNth(13, 500);
    OciException e = assertThrows(OciException.class, () -> Copier.copy(src, g.image(), dst, "v1",
        Copier.Options.defaults().withConcurrency(1)));
    assertTrue(e.getMessage().contains("500"), e.getMessage());
    withoutApi.faults().clear();
    assertThrows(NotFoundException.class, () -> dst.resolve("v1"), "no tag names incomplete content");

    Map<Copier.BlobOutcome, Integer> outcomes = new ConcurrentHashMap<>();
    Copier.copy(src, g.image(), dst, "v1", Copier.Options.defaults().withProgress(new Copier.Progress() {
      @Override
      public void blob(Descriptor blob, Copier.BlobOutcome outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
      }
    }));
    assertSameGraph(g, dst);
    assertTrue(outcomes.getOrDefault(Copier.BlobOutcome.EXISTS, 0) > 0, "the re-run skipped what landed: " + outcomes);
  }

  @Test
  void aTruncatedSourceBlobFailsTheCopyAndIsNeverCommitted() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Descriptor image = image(src, "v1", "app");
    Descriptor layer = OciJson.parseManifest(src.fetchManifest("v1").bytes()).layers().get(0);
    withApi.faults().truncateBlob(layer.digest());
    Target dst = repo(withoutApi, "mirror/app");

    assertThrows(OciException.class, () -> Copier.copy(src, image, dst, "v1", Copier.Options.defaults()));
    assertFalse(dst.blobExists(layer));
    assertThrows(NotFoundException.class, () -> dst.resolve("v1"));

    withApi.faults().clear();
    Copier.copy(src, image, dst, "v1", Copier.Options.defaults());
    assertEquals(image.digest(), dst.resolve("v1").digest());
  }

  @Test
  void aCorruptedSourceBlobIsCaughtByTheOneDigestCheckAndNeverCommitted() throws Exception {
    // The upload relies on the source stream's digest check instead of hashing again; that check must still stop a
    // wrong blob before the registry sees its last byte, in one PUT (small blob) and in PATCH chunks (over 16 MiB).
    Target src = repo(withApi, "vendor/app");
    byte[] big = new byte[17 * 1024 * 1024];
    new java.util.Random(7).nextBytes(big);
    Descriptor config = blob(src, MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Descriptor small = blob(src, MediaTypes.OCI_LAYER, "a small layer");
    Descriptor large = Descriptor.of(MediaTypes.OCI_LAYER, big);
    src.pushBlob(large, new ByteArrayInputStream(big));
    Descriptor image = src.pushManifest(MediaTypes.OCI_MANIFEST,
        OciJson.write(Manifest.of(null, config, List.of(small, large), null, null)), "v1");
    Target dst = repo(withoutApi, "mirror/app");
    for (Descriptor bad : List.of(small, large)) {
      withApi.faults().clear();
      withApi.faults().corruptBlob(bad.digest());
      OciException e = assertThrows(OciException.class,
          () -> Copier.copy(src, image, dst, "v1", Copier.Options.defaults().withConcurrency(1)));
      assertTrue(e.getMessage().contains(bad.digest().toString()), e::getMessage);
      assertFalse(dst.blobExists(bad), "a corrupted blob is never committed");
      assertThrows(NotFoundException.class, () -> dst.resolve("v1"));
    }
    withApi.faults().clear();
    Copier.copy(src, image, dst, "v1", Copier.Options.defaults());
    assertEquals(image.digest(), dst.resolve("v1").digest());
    try (InputStream in = dst.fetchBlob(large)) {
      assertEquals(big.length, in.transferTo(java.io.OutputStream.nullOutputStream()));
    }
  }

  @Test
  void mountsBlobsFromAnotherRepositoryOfTheSameRegistry() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Descriptor image = image(src, "v1", "app");
    Target dst = repo(withApi, "team/app");
    Set<Copier.BlobOutcome> outcomes = ConcurrentHashMap.newKeySet();

    Copier.copy(src, image, dst, "v1", Copier.Options.defaults().withMountFrom("vendor/app")
        .withProgress(new Copier.Progress() {
          @Override
          public void blob(Descriptor blob, Copier.BlobOutcome outcome) {
            outcomes.add(outcome);
          }
        }));

    assertEquals(Set.of(Copier.BlobOutcome.MOUNTED), outcomes);
    assertEquals(image.digest(), dst.resolve("v1").digest());
    assertTrue(withApi.requestLog().stream().anyMatch(l -> l.contains("mount=")), "asked to mount");
  }

  @Test
  void concurrencyBelowOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Copier.Options.defaults().withConcurrency(0));
    assertTrue(e.getMessage().contains("at least 1"));
  }

  @Test
  void blobsAreCountedOnceEvenWhenManyManifestsShareThem() throws Exception {
    Target src = repo(withApi, "vendor/app");
    Graph g = graph(src);
    Target dst = repo(withApi, "mirror/app");
    Set<String> seen = new TreeSet<>();
    List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
    Copier.copy(src, g.image(), dst, "v1", Copier.Options.defaults().withProgress(new Copier.Progress() {
      @Override
      public void blob(Descriptor blob, Copier.BlobOutcome outcome) {
        all.add(blob.digest().toString());
      }
    }));
    seen.addAll(all);
    assertEquals(seen.size(), all.size(), "the shared empty config is handled once: " + all);
  }
}
