package dev.nota.oci.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Referrer discovery in the OCI layouts that the real notation CLI wrote for its end-to-end tests. */
class NotationLayoutsTest {

  static final Path LAYOUTS = Path.of(System.getProperty("nota.shared"), "vectors/notation/notation-cli/oci-layouts");
  static final String THUMBPRINT = "io.cncf.notary.x509chain.thumbprint#S256";

  @TempDir Path tmp;

  /** Copies a vector layout into the temp dir: tests never write into the shared vectors. */
  static Path copy(String name, Path into) throws IOException {
    Path from = LAYOUTS.resolve(name);
    Path to = into.resolve(name);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  @ParameterizedTest(name = "{0} has {2} signature(s)")
  @CsvSource({
      "e2e, v1, 0, ''",
      "e2e-valid-signature, v1, 1, sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f",
      "e2e-valid-multiple-signatures, v1, 2, sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f",
      "e2e-expired-signature, v1, 1, sha256:3829708badae8e4b14e1adbc2fac7182bc0c27c5b6f54153e8b68a12eab10a1e",
      "e2e-invalid-signature, v1, 1, sha256:321fcc674d6771dd0e5bd21e599f2df3a482de99a400fd3a3fe371221b97a9c9",
      "e2e-with-expired-cert, v1, 1, sha256:b06e392c2d88206b492dbaf5381800578611eb24f86587bc7717cd3b736e5da7",
      "e2e-with-timestamped-signature, v1, 1,"
          + " sha256:6a5cd3a886707a317935dcaf13954fc80ef9aeb665262b6ae4fe469ad7ea3aea",
      "e2e-with-invalid-timestamped-signature, v1, 1,"
          + " sha256:eee3eec7d2947f77713484753bea67879ff62c08a73a49a41151ed18c4d1c000",
  })
  void findsTheSignaturesNotationWrote(String layout, String tag, int count, String oneDigest) throws Exception {
    try (LayoutTarget t = LayoutTarget.open(copy(layout, tmp))) {
      Descriptor subject = t.resolve(tag);
      List<Descriptor> sigs = t.referrers(subject, MediaTypes.NOTARY_SIGNATURE);
      assertEquals(count, sigs.size(), sigs.toString());
      assertEquals(sigs, t.referrers(subject, null));
      if (count > 0) {
        assertTrue(sigs.stream().anyMatch(d -> d.digest().toString().equals(oneDigest)), sigs.toString());
      }
      for (Descriptor sig : sigs) {
        assertEquals(MediaTypes.OCI_MANIFEST, sig.mediaType());
        assertEquals(MediaTypes.NOTARY_SIGNATURE, sig.artifactType());
        assertNotNull(sig.annotations().get("org.opencontainers.image.created"), sig.toString());
        ManifestContent m = t.fetchManifest(sig.digest().toString());
        assertEquals(sig.size(), m.bytes().length);
      }
    }
  }

  @Test
  void theMultipleSignaturesLayoutMergesTheTagIndexWithIndexJson() throws Exception {
    try (LayoutTarget t = LayoutTarget.open(copy("e2e-valid-multiple-signatures", tmp))) {
      List<Descriptor> sigs = t.referrers(t.resolve("v1"), null);
      assertEquals(List.of(
              "sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f",
              "sha256:c3ebe4a20b6832328fc5078a7795ddc1114b896e13fca2add38109c3866b5fbf"),
          sigs.stream().map(d -> d.digest().toString()).sorted().toList());
      for (Descriptor sig : sigs) {
        assertTrue(sig.annotations().containsKey(THUMBPRINT), sig.annotations().toString());
      }
      assertEquals(List.of("sha256-b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9", "v1"),
          t.tags());
    }
  }

  @Test
  void aSignatureListedOnlyInTheTagIndexIsFound() throws Exception {
    Path dir = copy("e2e-valid-signature", tmp);
    String sig = "sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f";
    Path indexJson = dir.resolve("index.json");
    Index index = OciJson.parseIndex(Files.readAllBytes(indexJson));
    List<Descriptor> withoutSig = index.manifests().stream()
        .filter(d -> !d.digest().toString().equals(sig)).toList();
    Files.write(indexJson, OciJson.write(new Index(2, null, null, withoutSig, null, null)));
    Files.delete(dir.resolve("blobs/sha256/" + sig.substring(7)));
    try (LayoutTarget t = LayoutTarget.open(dir)) {
      List<Descriptor> sigs = t.referrers(t.resolve("v1"), MediaTypes.NOTARY_SIGNATURE);
      assertEquals(1, sigs.size());
      assertEquals(sig, sigs.get(0).digest().toString());
    }
  }

  @Test
  void pushingASignatureKeepsAnExistingTagIndexComplete() throws Exception {
    Path dir = copy("e2e-valid-signature", tmp);
    try (LayoutTarget t = LayoutTarget.open(dir)) {
      Descriptor subject = t.resolve("v1");
      Descriptor sig = LayoutTargetTest.pushImage(t, "a second signature", subject.plain(), null);
      assertEquals(2, t.referrers(subject, MediaTypes.NOTARY_SIGNATURE).size());
      ManifestContent tagIndex = t.fetchManifest(subject.digest().referrersTag());
      Index parsed = OciJson.parseIndex(tagIndex.bytes());
      assertEquals(2, parsed.manifests().size());
      assertTrue(parsed.manifests().contains(sig), parsed.manifests().toString());
    }
  }

  @Test
  void deletingASignatureRemovesItFromTheTagIndex() throws Exception {
    Path dir = copy("e2e-valid-signature", tmp);
    try (LayoutTarget t = LayoutTarget.open(dir)) {
      Descriptor subject = t.resolve("v1");
      Descriptor sig = t.referrers(subject, null).get(0);
      t.deleteManifest(sig);
      assertEquals(List.of(), t.referrers(subject, null));
      assertFalse(t.tags().contains(subject.digest().referrersTag()), t.tags().toString());
      assertEquals(List.of("v1"), t.tags());
    }
  }
}
