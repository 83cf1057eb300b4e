package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Platform;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nota copy}: a vendor's image with two signatures and a signed SBOM travels registry -> registry (Referrers
 * API to tag schema), and registry -> layout -> tar -> registry for an air gap, and still verifies at every stop.
 */
class CopyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");

  @TempDir Path home;
  private Cli cli;
  private TestRegistry vendor;
  private TestRegistry mirror;
  private RegistryClient client;
  private Descriptor image;
  private String sbom;

  @BeforeEach
  void vendorSignsAnImageAndItsSbom() throws Exception {
    vendor = TestRegistry.builder().referrersApi(true).start();
    mirror = TestRegistry.builder().referrersApi(false).start();
    client = new RegistryClient(RegistryOptions.defaults());
    try (Target t = client.repository(vendor.host(), "vendor/app")) {
      image = SampleImage.push(t, "v1", "promoted image");
    }
    cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "alice"));
    ok(cli.run("cert", "generate-test", "--key-type", "ec-256", "bob"));
    String ref = vendor.host() + "/vendor/app@" + image.digest();
    ok(cli.run("sign", "--key", "alice", ref));
    ok(cli.run("sign", "--key", "bob", "--signature-format", "cose", ref));
    Path file = Files.writeString(home.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
    Matcher m = DIGEST.matcher(ok(cli.run("attach", "--artifact-type", "application/spdx+json", ref,
        file.toString())).out());
    assertTrue(m.find());
    sbom = m.group(1);
    ok(cli.run("sign", "--key", "alice", vendor.host() + "/vendor/app@" + sbom));
  }

  @AfterEach
  void stop() {
    client.close();
    vendor.close();
    mirror.close();
  }

  private void trustBoth(String scope) {
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", scope, "--trust-store", "ca:alice",
        "--trust-store", "ca:bob", "--trusted-identity", "*"));
  }

  private void trustOnly(String scope, String store) {
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", scope, "--trust-store", "ca:" + store,
        "--trusted-identity", "*"));
  }

  @Test
  void copiesWithEverySignatureToARegistryWithoutTheReferrersApi() throws Exception {
    Cli.Result copied = ok(cli.run("copy", vendor.host() + "/vendor/app:v1", mirror.host() + "/team/app"));
    assertTrue(copied.out().contains("Copied " + vendor.host() + "/vendor/app@" + image.digest() + " to "
        + mirror.host() + "/team/app:v1@" + image.digest()), copied::toString);

    String dest = mirror.host() + "/team/app@" + image.digest();
    for (String store : List.of("alice", "bob")) {
      trustOnly(mirror.host() + "/team/app", store);
      ok(cli.run("verify", dest));
    }
    trustOnly(mirror.host() + "/team/app", "alice");
    ok(cli.run("verify", mirror.host() + "/team/app@" + sbom));
    JsonNode tree = JSON.readTree(ok(cli.run("discover", "-o", "json", dest)).out());
    assertEquals(3, tree.get("referrers").size(), tree::toPrettyString);
    try (Target t = client.repository(mirror.host(), "team/app")) {
      assertEquals(image.digest(), t.resolve("v1").digest(), "the source tag is kept");
      assertTrue(t.tags().contains(image.digest().referrersTag()), "referrers in the tag schema there");
    }
  }

  @Test
  void carriesTheImageIntoAnAirGapThroughALayoutAndATar() throws Exception {
    Path layout = home.resolve("carry");
    Path tar = home.resolve("carry.tar");
    ok(cli.run("copy", "--to-oci-layout", vendor.host() + "/vendor/app@" + image.digest(), layout + ":v1"));
    ok(cli.run("copy", "--from-oci-layout", "--to-oci-layout", layout + ":v1", tar.toString()));
    trustBoth("local/carry.tar");
    Cli.Result offline = ok(cli.run("verify", "--oci-layout", "--scope", "local/carry.tar", tar + ":v1"));
    assertTrue(offline.out().contains("Successfully verified"), offline::toString);

    JsonNode summary = JSON.readTree(ok(cli.run("copy", "--from-oci-layout", "-o", "json", tar + ":v1",
        mirror.host() + "/airgap/app:v1")).out());
    assertEquals(image.digest().toString(), summary.get("digest").asText());
    assertEquals(4, summary.get("referrers").asInt(), summary::toPrettyString);
    for (String store : List.of("alice", "bob")) {
      trustOnly(mirror.host() + "/airgap/app", store);
      ok(cli.run("verify", mirror.host() + "/airgap/app@" + image.digest()));
    }
    trustOnly(mirror.host() + "/airgap/app", "alice");
    ok(cli.run("verify", mirror.host() + "/airgap/app@" + sbom));
  }

  @Test
  void noReferrersCopiesTheImageAlone() throws Exception {
    ok(cli.run("copy", "--no-referrers", vendor.host() + "/vendor/app:v1", mirror.host() + "/bare/app:v1"));
    trustBoth(mirror.host() + "/bare/app");
    Cli.Result r = cli.run("verify", mirror.host() + "/bare/app@" + image.digest());
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("no signature is associated"), r::toString);
  }

  @Test
  void copiesAWholeIndexOrOnePlatform() throws Exception {
    List<Descriptor> manifests = new ArrayList<>();
    try (Target t = client.repository(vendor.host(), "vendor/multi")) {
      for (String arch : List.of("amd64", "arm64", "s390x")) {
        Descriptor m = SampleImage.push(t, null, "multi " + arch);
        manifests.add(new Descriptor(m.mediaType(), m.digest(), m.size(), null, null, null,
            Platform.of("linux", arch), null));
      }
      t.pushManifest(MediaTypes.OCI_INDEX, OciJson.write(Index.of(manifests)), "v1");
    }
    ok(cli.run("sign", "--key", "alice", vendor.host() + "/vendor/multi:v1"));

    ok(cli.run("copy", vendor.host() + "/vendor/multi:v1", mirror.host() + "/whole/multi"));
    try (Target t = client.repository(mirror.host(), "whole/multi")) {
      Index copied = OciJson.parseIndex(t.fetchManifest("v1").bytes());
      assertEquals(3, copied.manifests().size());
      for (Descriptor m : manifests) {
        t.fetchManifest(m.digest().toString());
      }
    }
    trustOnly(mirror.host() + "/whole/multi", "alice");
    ok(cli.run("verify", mirror.host() + "/whole/multi:v1"));

    Cli.Result one = ok(cli.run("copy", "--platform", "linux/arm64", vendor.host() + "/vendor/multi:v1",
        mirror.host() + "/one/multi:arm64"));
    assertTrue(one.out().contains("@" + manifests.get(1).digest()), one::toString);
    try (Target t = client.repository(mirror.host(), "one/multi")) {
      assertEquals(manifests.get(1).digest(), t.resolve("arm64").digest());
      assertThrows(NotFoundException.class, () -> t.fetchManifest(manifests.get(0).digest().toString()));
    }
  }

  @Test
  void aFailedCopyExitsThreeLeavesNoTagAndARerunFinishes() throws Exception {
    for (int n = 6; n <= 14; n++) {
      mirror.faults().failNth(n, 503);
    }
    Cli.Result failed = cli.run("copy", "--concurrency", "1", vendor.host() + "/vendor/app:v1",
        mirror.host() + "/team/app:v1");
    assertEquals(3, failed.code(), failed::toString);
    assertTrue(failed.err().lines().anyMatch(l -> l.startsWith("Error: ") && l.contains("503")), failed::toString);
    mirror.faults().clear();
    try (Target t = client.repository(mirror.host(), "team/app")) {
      assertThrows(NotFoundException.class, () -> t.resolve("v1"), "no tag names half-copied content");
    }

    Cli.Result rerun = ok(cli.run("copy", vendor.host() + "/vendor/app:v1", mirror.host() + "/team/app:v1"));
    assertTrue(rerun.out().matches("(?s).* [1-9][0-9]* already there.*"), rerun::toString);
    trustBoth(mirror.host() + "/team/app");
    ok(cli.run("verify", mirror.host() + "/team/app@" + image.digest()));
  }

  @Test
  void droppedConnectionsAreRetriedOrReportedAndARerunFinishes() throws Exception {
    mirror.faults().dropNext(2); // the client retries idempotent requests over a fresh connection
    ok(cli.run("copy", vendor.host() + "/vendor/app:v1", mirror.host() + "/dropped/app:v1"));
    mirror.faults().dropNext(50); // more than any retry budget: the copy fails cleanly
    Cli.Result failed = cli.run("copy", vendor.host() + "/vendor/app:v1", mirror.host() + "/gone/app:v1");
    assertEquals(3, failed.code(), failed::toString);
    assertEquals(1, failed.err().lines().filter(l -> l.startsWith("Error: ")).count(), failed::toString);
    mirror.faults().clear();
    try (Target t = client.repository(mirror.host(), "gone/app")) {
      assertThrows(NotFoundException.class, () -> t.resolve("v1"), "no tag names half-copied content");
    }
    ok(cli.run("copy", vendor.host() + "/vendor/app:v1", mirror.host() + "/gone/app:v1"));
    trustBoth(mirror.host() + "/gone/app");
    ok(cli.run("verify", mirror.host() + "/gone/app@" + image.digest()));
  }

  @Test
  void badInputGetsOneLineErrors() throws Exception {
    String src = vendor.host() + "/vendor/app:v1";
    assertOneLine(cli.run("copy", src, mirror.host() + "/x@sha256:" + "0".repeat(64)), 2, "never changes digests");
    assertOneLine(cli.run("copy", "--platform", "linux", src, mirror.host() + "/x"), 2, "--platform");
    assertOneLine(cli.run("copy", "--concurrency", "0", src, mirror.host() + "/x"), 2, "--concurrency");
    assertOneLine(cli.run("copy", vendor.host() + "/vendor/app:nope", mirror.host() + "/x"), 3, "nope");
    assertOneLine(cli.run("copy", "--from-oci-layout", home.resolve("absent") + ":v1", mirror.host() + "/x"), 3,
        "absent");
    assertOneLine(cli.run("copy", "--artifact-type", "bad", src, mirror.host() + "/x"), 2, "--artifact-type");
    try (Target t = client.repository(mirror.host(), "x")) {
      assertThrows(NotFoundException.class, t::tags, "nothing was written");
    }
  }

  /** A clock the test moves. */
  private static final class SteppingClock extends java.time.Clock {
    long millis = 1_000_000;

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void onATerminalProgressShowsBytesOfTotalRateAndEtaElseOnlyOneLinePerManifest() throws Exception {
    Descriptor manifest = Descriptor.of(MediaTypes.OCI_MANIFEST, "{}".getBytes());
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER, new byte[8 * 1048576]);
    Descriptor present = Descriptor.of(MediaTypes.OCI_LAYER, new byte[5 * 1048576]);
    for (boolean terminal : new boolean[] {true, false}) {
      java.io.StringWriter text = new java.io.StringWriter();
      SteppingClock clock = new SteppingClock();
      CopyCommand.Progress p = new CopyCommand.Progress(new java.io.PrintWriter(text), true, terminal, clock);
      p.expect(layer);
      p.expect(present);
      p.blob(present, dev.nota.oci.copy.Copier.BlobOutcome.EXISTS); // its bytes leave the total
      clock.millis += 1000;
      p.bytes(3 * 1048576);
      clock.millis += 1000;
      p.bytes(1048576);
      p.manifest(manifest, false);
      p.manifest(manifest, true);
      String out = text.toString();
      assertEquals(terminal, out.contains("\r3.0 / 8.0 MiB, 3.0 MiB/s, ETA 0:02"), out);
      assertEquals(terminal, out.contains("\r4.0 / 8.0 MiB, 2.0 MiB/s, ETA 0:02"), out);
      if (!terminal) {
        assertEquals(List.of("Copied " + manifest.digest(), "Copied referrer " + manifest.digest()),
            out.lines().toList(), "one line per manifest and nothing else when no terminal watches");
      }
    }
  }

  @Test
  void progressStatusAndEtaAreComputedFromTheExpectedBytes() {
    long mib = 1048576;
    assertEquals("0.0 / 1,024.0 MiB, 0.0 MiB/s, ETA --:--", CopyCommand.Progress.status(0, 1024 * mib, 0));
    assertEquals("512.0 / 1,024.0 MiB, 128.0 MiB/s, ETA 0:04",
        CopyCommand.Progress.status(512 * mib, 1024 * mib, 4000));
    assertEquals("1,024.0 / 1,024.0 MiB, 100.0 MiB/s, ETA 0:00",
        CopyCommand.Progress.status(1024 * mib, 1024 * mib, 10240));
    assertEquals("2.0 / 2.0 MiB, 2.0 MiB/s, ETA 0:00", CopyCommand.Progress.status(2 * mib, mib, 1000),
        "more sent than expected (a total still growing) never shows a negative time");
    assertEquals("0:01", CopyCommand.Progress.eta(1, 1000.0), "a part of a second rounds up");
    assertEquals("1:40", CopyCommand.Progress.eta(100 * mib, mib));
    assertEquals("1:00:00", CopyCommand.Progress.eta(3600 * mib, mib));
    assertEquals("27:46:40", CopyCommand.Progress.eta(100_000 * mib, mib));
    assertEquals("--:--", CopyCommand.Progress.eta(mib, 0.0));
    assertEquals("--:--", CopyCommand.Progress.eta(1000 * mib, 1.0), "over 100 hours says nothing useful");
  }

  private static void assertOneLine(Cli.Result r, int code, String text) {
    assertEquals(code, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains(text), r::toString);
  }
}
