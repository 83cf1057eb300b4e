package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciJson;
import dev.nota.testregistry.TestRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReferrersTest {

  private static Set<Object> digests(List<Descriptor> ds) {
    return ds.stream().map(Descriptor::digest).collect(Collectors.toSet());
  }

  @Test
  void listsReferrersThroughTheApiWithoutWritingATagIndex() throws Exception {
    try (TestRegistry registry = TestRegistry.start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      Descriptor sig = Artifacts.pushSignature(target, image, "one");
      assertEquals(MediaTypes.NOTARY_SIGNATURE, sig.artifactType());
      assertEquals(ReferrersSupport.API, target.referrersSupport());
      List<Descriptor> found = target.referrers(image, MediaTypes.NOTARY_SIGNATURE);
      assertEquals(1, found.size());
      assertEquals(sig.digest(), found.get(0).digest());
      assertEquals(sig.annotations(), found.get(0).annotations());
      assertEquals(List.of(), target.referrers(image, "application/other"));
      assertTrue(registry.requestLog().stream().noneMatch(l -> l.startsWith("PUT") && l.contains("/sha256-")));
    }
  }

  @Test
  void fallsBackToTheTagSchemaWithoutTheApi() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().referrersApi(false).start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      Descriptor one = Artifacts.pushSignature(target, image, "one");
      Descriptor two = Artifacts.pushSignature(target, image, "two");
      assertEquals(ReferrersSupport.TAG_SCHEMA, target.referrersSupport());
      List<Descriptor> found = target.referrers(image, MediaTypes.NOTARY_SIGNATURE);
      assertEquals(Set.of(one.digest(), two.digest()), digests(found));
      assertEquals(MediaTypes.NOTARY_SIGNATURE, found.get(0).artifactType());
      assertEquals(List.of(), target.referrers(image, "application/other"));
      Index index = OciJson.parseIndex(target.fetchManifest(image.digest().referrersTag()).bytes());
      assertEquals(2, index.manifests().size());
    }
  }

  @Test
  void followsReferrersApiPaginationAcrossPages() throws Exception {
    try (TestRegistry registry = TestRegistry.start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      Set<Object> pushed = new java.util.HashSet<>();
      for (int i = 0; i < 130; i++) { // the test registry answers 100 per page
        pushed.add(Artifacts.pushSignature(target, image, "sig-" + i).digest());
      }
      List<Descriptor> found = target.referrers(image, MediaTypes.NOTARY_SIGNATURE);
      assertEquals(130, found.size());
      assertEquals(pushed, digests(found));
      assertTrue(registry.requestLog().stream().filter(l -> l.startsWith("GET") && l.contains("/referrers/"))
          .count() >= 2, "expected a second page request");
    }
  }

  @Test
  void mergesTheApiWithAnExistingTagIndex() throws Exception {
    try (TestRegistry registry = TestRegistry.start();
        RegistryClient forced = new RegistryClient(RegistryOptions.defaults().withForceReferrersTag(true));
        RegistryClient plain = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget a = forced.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(a, "v1", "layer");
      Descriptor one = Artifacts.pushSignature(a, image, "one");
      Descriptor two = Artifacts.pushSignature(plain.repository(registry.host(), "app"), image, "two");
      List<Descriptor> found = plain.repository(registry.host(), "app").referrers(image, null);
      assertEquals(Set.of(one.digest(), two.digest()), digests(found));
      assertEquals(2, found.size());
      Index index = OciJson.parseIndex(a.fetchManifest(image.digest().referrersTag()).bytes());
      assertEquals(Set.of(one.digest()), digests(index.manifests()));
    }
  }

  @Test
  void concurrentSignersWithoutTheApiAreBothListed() throws Exception {
    for (int round = 0; round < 10; round++) {
      try (TestRegistry registry = TestRegistry.builder().referrersApi(false).start();
          RegistryClient c1 = new RegistryClient(RegistryOptions.defaults());
          RegistryClient c2 = new RegistryClient(RegistryOptions.defaults())) {
        RegistryTarget t1 = c1.repository(registry.host(), "app");
        RegistryTarget t2 = c2.repository(registry.host(), "app");
        Descriptor image = Artifacts.pushImage(t1, "v1", "layer");
        CyclicBarrier barrier = new CyclicBarrier(2);
        CompletableFuture<Descriptor> f1 = CompletableFuture.supplyAsync(() -> sign(t1, image, "a", barrier));
        CompletableFuture<Descriptor> f2 = CompletableFuture.supplyAsync(() -> sign(t2, image, "b", barrier));
        Set<Object> expected = Set.of(f1.get().digest(), f2.get().digest());
        assertEquals(expected, digests(t1.referrers(image, null)), "round " + round);
        assertEquals(expected, digests(t2.referrers(image, null)), "round " + round);
      }
    }
  }

  private static Descriptor sign(RegistryTarget target, Descriptor image, String name, CyclicBarrier barrier) {
    try {
      barrier.await();
      return Artifacts.pushSignature(target, image, name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void deletingAReferrerDeletesTheManifestThenRemovesItFromTheTagIndex() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().referrersApi(false).start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      Descriptor one = Artifacts.pushSignature(target, image, "one");
      Descriptor two = Artifacts.pushSignature(target, image, "two");
      int before = registry.requestLog().size();
      target.deleteManifest(one);
      List<String> log = registry.requestLog().subList(before, registry.requestLog().size());
      int indexPut = indexOf(log, "PUT /v2/app/manifests/" + image.digest().referrersTag());
      int delete = indexOf(log, "DELETE /v2/app/manifests/" + one.digest());
      assertTrue(delete >= 0 && indexPut > delete, "a refused delete must leave the index alone: " + log);
      assertEquals(Set.of(two.digest()), digests(target.referrers(image, null)));
      assertThrows(NotFoundException.class, () -> target.fetchManifest(one.digest().toString()));
    }
  }

  /** Pushes the blobs of a signature of {@code subject}; returns the manifest bytes still to push. */
  private static byte[] signatureManifest(RegistryTarget target, Descriptor subject, String name) throws Exception {
    byte[] envelope = ("{\"sig\":\"" + name + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Artifacts.pushBlob(target, MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON);
    Descriptor layer = Artifacts.pushBlob(target, MediaTypes.JWS, envelope);
    return OciJson.write(dev.nota.oci.Manifest.of(MediaTypes.NOTARY_SIGNATURE, Descriptor.EMPTY_JSON,
        List.of(layer), subject.plain(), null));
  }

  /**
   * distribution rewrites its tag link files in place, so a read or write of the tag index racing another writer's
   * can answer 500; within the read-modify-write loop that is one more round. Requests after the signature PUT:
   * 1 the GET of the tag index, 2 its PUT, 3 the confirming GET.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "500 on request {0} of the index update")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
  void aServerErrorWhileRewritingTheTagIndexIsRetriedAsOneMoreRound(int nth) throws Exception {
    try (TestRegistry registry = TestRegistry.builder().referrersApi(false).start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      Descriptor one = Artifacts.pushSignature(target, image, "one");
      byte[] two = signatureManifest(target, image, "two");
      registry.faults().failNth(nth + 1, 500);
      int before = registry.exchanges().size();
      Descriptor pushed = target.pushManifest(MediaTypes.OCI_MANIFEST, two, null);
      List<TestRegistry.Exchange> after = registry.exchanges().subList(before, registry.exchanges().size());
      assertEquals(500, after.get(nth).status(), after::toString);
      assertTrue(after.get(nth).target().contains(image.digest().referrersTag()), after::toString);
      assertEquals(Set.of(one.digest(), pushed.digest()), digests(target.referrers(image, null)));
    }
  }

  @Test
  void aClientErrorWhileRewritingTheTagIndexFailsAtOnce() throws Exception {
    try (TestRegistry registry = TestRegistry.builder().referrersApi(false).start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      RegistryTarget target = client.repository(registry.host(), "app");
      Descriptor image = Artifacts.pushImage(target, "v1", "layer");
      Artifacts.pushSignature(target, image, "one");
      byte[] two = signatureManifest(target, image, "two");
      registry.faults().failNth(3, 400);
      RegistryException e = assertThrows(RegistryException.class,
          () -> target.pushManifest(MediaTypes.OCI_MANIFEST, two, null));
      assertEquals(400, e.status());
      assertTrue(e.getMessage().startsWith("adding "), e::getMessage);
    }
  }

  @Test
  void theWaitBeforeCheckingAnIndexWriteIsTwiceTheReadToWriteTimePlusAtLeast100Ms() {
    for (int i = 0; i < 20; i++) {
      long quick = Referrers.settle(java.time.Duration.ZERO).toMillis();
      assertTrue(quick >= 100 && quick <= 150, "settle(0) = " + quick);
      long slow = Referrers.settle(java.time.Duration.ofMillis(300)).toMillis();
      assertTrue(slow >= 700 && slow <= 750, "settle(300 ms) = " + slow);
    }
    assertEquals(5000, Referrers.settle(java.time.Duration.ofSeconds(10)).toMillis());
  }

  private static int indexOf(List<String> log, String prefix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
