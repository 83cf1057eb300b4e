package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.Manifest;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nota copy} killed with SIGKILL half-way through the blobs of a 48 MiB image, in a process of its own: the
 * destination's tag still names the old image, every manifest there has all it references, and a second run finishes
 * the copy (skipping the blobs that had landed) with the same digests and every referrer.
 */
class CopyKillTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");
  private static final int LAYERS = 6;
  private static final int LAYER_BYTES = 8 * 1024 * 1024;

  @TempDir Path home;

  @Test
  void aCopyKilledMidTransferLeavesTheOldTagAndNoBrokenManifestAndARerunFinishes() throws Exception {
    try (TestRegistry vendor = TestRegistry.builder().referrersApi(true).start();
        TestRegistry mirror = TestRegistry.builder().referrersApi(false).start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
      Descriptor image;
      Descriptor old;
      try (Target t = client.repository(vendor.host(), "vendor/app")) {
        image = pushLargeImage(t, "v2");
      }
      try (Target t = client.repository(mirror.host(), "team/app")) {
        old = SampleImage.push(t, "v2", "the old v2");
      }
      Cli cli = new Cli(home);
      ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "alice"));
      String src = vendor.host() + "/vendor/app@" + image.digest();
      ok(cli.run("sign", "--key", "alice", src));
      Path sbomFile = Files.writeString(home.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
      Matcher m = DIGEST.matcher(ok(cli.run("attach", "--artifact-type", "application/spdx+json", src,
          sbomFile.toString())).out());
      assertTrue(m.find());
      ok(cli.run("sign", "--key", "alice", vendor.host() + "/vendor/app@" + m.group(1)));

      // Every answer of the mirror takes 100 ms, so after the second blob has landed the copy has at least four
      // more blobs (three requests each) to go: the kill below always comes mid-transfer.
      mirror.faults().delay(Duration.ofMillis(100));
      int before = landedBlobs(mirror);
      Process copy = new NotaProcess(home, Map.of()).start(home.resolve("copy.out"), home.resolve("copy.err"),
          "copy", "--concurrency", "1", vendor.host() + "/vendor/app:v2", mirror.host() + "/team/app:v2");
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (landedBlobs(mirror) - before < 2) {
          awaitAlive(copy, deadline);
        }
        // then into the next upload: its session is open and its PUT body on the way (the mirror waits 100 ms
        // before it reads it)
        long sessions = sessions(mirror);
        while (sessions(mirror) == sessions) {
          awaitAlive(copy, deadline);
        }
        Thread.sleep(50);
      } finally {
        copy.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the copy
      }
      assertTrue(copy.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, copy.exitValue(), "killed by SIGKILL, not finished");
      mirror.faults().clear();
      int landed = landedBlobs(mirror) - before;
      assertTrue(landed >= 2 && landed < LAYERS + 1, "killed mid-transfer: " + landed + " blobs had landed");

      try (Target t = client.repository(mirror.host(), "team/app")) {
        assertEquals(old.digest(), t.resolve("v2").digest(), "the tag still names the old image");
        assertNotThere(t, image);
        for (String tag : t.tags()) {
          assertComplete(t, t.resolve(tag)); // the old image and any referrers tag index
        }
        try (Target from = client.repository(vendor.host(), "vendor/app")) {
          for (Descriptor blob : blobsOf(from.fetchManifest(image.digest().toString()))) {
            if (t.blobExists(blob)) {
              readVerified(t, blob); // a blob that is there is whole
            }
          }
        }
      }

      Cli.Result rerun = ok(cli.run("copy", vendor.host() + "/vendor/app:v2", mirror.host() + "/team/app:v2"));
      Matcher skipped = Pattern.compile("(\\d+) already there").matcher(rerun.out());
      assertTrue(skipped.find() && Integer.parseInt(skipped.group(1)) >= 2,
          "the blobs that had landed are not sent again: " + rerun);
      try (Target t = client.repository(mirror.host(), "team/app")) {
        assertEquals(image.digest(), t.resolve("v2").digest());
        assertComplete(t, image);
        for (Descriptor blob : blobsOf(t.fetchManifest(image.digest().toString()))) {
          readVerified(t, blob);
        }
      }
      JsonNode copied = JSON.readTree(ok(cli.run("discover", "-o", "json",
          mirror.host() + "/team/app@" + image.digest())).out());
      JsonNode original = JSON.readTree(ok(cli.run("discover", "-o", "json", src)).out());
      assertEquals(digests(original), digests(copied), "every referrer, recursively, with the same digests");
      assertEquals(3, digests(copied).size(), copied::toPrettyString);
      ok(cli.run("policy", "init", "--name", "p", "--scope", mirror.host() + "/team/app", "--trust-store",
          "ca:alice", "--trusted-identity", "*"));
      ok(cli.run("verify", mirror.host() + "/team/app@" + image.digest()));
    }
  }

  /** An image of {@link #LAYERS} layers of random bytes (a fixed seed) and a config. */
  private static Descriptor pushLargeImage(Target target, String tag) throws Exception {
    Random random = new Random(42);
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    target.pushBlob(configDescriptor, new ByteArrayInputStream(config));
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < LAYERS; i++) {
      byte[] layer = new byte[LAYER_BYTES];
      random.nextBytes(layer);
      Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, layer);
      target.pushBlob(d, new ByteArrayInputStream(layer));
      layers.add(d);
    }
    byte[] manifest = OciJson.write(Manifest.of(null, configDescriptor, layers, null, null));
    return target.pushManifest(MediaTypes.OCI_MANIFEST, manifest, tag);
  }

  private void awaitAlive(Process copy, long deadline) throws Exception {
    if (!copy.isAlive() || System.nanoTime() > deadline) {
      fail("the copy ended or stalled before the kill: exit " + (copy.isAlive() ? "none" : copy.exitValue())
          + "\n" + Files.readString(home.resolve("copy.err")));
    }
    Thread.sleep(5);
  }

  /** Upload sessions the mirror opened ({@code POST}, answered 202). */
  private static long sessions(TestRegistry registry) {
    return registry.exchanges().stream()
        .filter(e -> e.method().equals("POST") && e.target().contains("/blobs/uploads/") && e.status() == 202)
        .count();
  }

  /** Blob uploads the mirror committed ({@code PUT} with a digest, answered 201). */
  private static int landedBlobs(TestRegistry registry) {
    return (int) registry.exchanges().stream()
        .filter(e -> e.method().equals("PUT") && e.target().contains("/blobs/uploads/") && e.status() == 201)
        .count();
  }

  private static void assertNotThere(Target t, Descriptor manifest) throws Exception {
    try {
      t.fetchManifest(manifest.digest().toString());
      fail("the manifest of the half-copied image must not be in the destination");
    } catch (NotFoundException expected) {
      // pushed only after all its blobs
    }
  }

  /** The manifest or index is there with every blob and child manifest it names, recursively. */
  private static void assertComplete(Target t, Descriptor d) throws Exception {
    ManifestContent content = t.fetchManifest(d.digest().toString());
    String type = content.descriptor().mediaType();
    if (MediaTypes.isIndex(type)) {
      Index index = OciJson.parseIndex(content.bytes());
      for (Descriptor child : index.manifests()) {
        assertComplete(t, child);
      }
      return;
    }
    for (Descriptor blob : blobsOf(content)) {
      assertTrue(t.blobExists(blob), d.digest() + " names the missing blob " + blob.digest());
    }
  }

  /** The config and layers of an image manifest; what a signature or SBOM manifest names, the same way. */
  private static List<Descriptor> blobsOf(ManifestContent content) throws Exception {
    Manifest manifest = OciJson.parseManifest(content.bytes());
    List<Descriptor> blobs = new ArrayList<>(manifest.layers());
    blobs.add(0, manifest.config());
    return blobs;
  }

  /** Reads the blob to its end, which checks its size and digest. */
  private static void readVerified(Target t, Descriptor blob) throws Exception {
    try (InputStream in = t.fetchBlob(blob)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  /** The digests of every referrer in a {@code discover -o json} tree. */
  private static List<String> digests(JsonNode node) {
    List<String> all = new ArrayList<>();
    for (JsonNode r : node.path("referrers")) {
      all.add(r.path("digest").asText());
      all.addAll(digests(r));
    }
    all.sort(null);
    return all;
  }

}
