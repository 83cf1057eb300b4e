package dev.nota.cli;

import static dev.nota.cli.Cli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Platform;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code nota sign --recursive}: an index and every manifest it lists, each with its own signature. */
class SignRecursiveCommandTest {
  @TempDir Path home;
  private TestRegistry registry;
  private RegistryClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private Target repository() throws Exception {
    return client.repository(Reference.parse(registry.host() + "/multi"));
  }

  private Cli setUp(boolean referrersApi) throws Exception {
    return setUp(referrersApi, false);
  }

  private Cli setUp(boolean referrersApi, boolean sparse) throws Exception {
    registry = TestRegistry.builder().referrersApi(referrersApi).sparseManifests(sparse).start();
    client = new RegistryClient(RegistryOptions.defaults());
    Cli cli = new Cli(home);
    ok(cli.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
    ok(cli.run("policy", "init", "--force", "--name", "p", "--scope", registry.host() + "/multi", "--trust-store",
        "ca:alice", "--trusted-identity", "*"));
    return cli;
  }

  /** Pushes an index of {@code archs} images (and, when {@code nested}, an inner index of one more) as {@code tag}. */
  private List<Descriptor> pushIndex(String tag, boolean nested, String... archs) throws Exception {
    List<Descriptor> all = new ArrayList<>();
    try (Target t = repository()) {
      List<Descriptor> listed = new ArrayList<>();
      for (String arch : archs) {
        Descriptor m = SampleImage.push(t, null, tag + " " + arch);
        listed.add(new Descriptor(m.mediaType(), m.digest(), m.size(), null, null, null, Platform.of("linux", arch),
            null));
        all.add(m);
      }
      if (nested) {
        Descriptor inner = SampleImage.push(t, null, tag + " inner");
        Descriptor innerIndex = t.pushManifest(MediaTypes.OCI_INDEX, OciJson.write(Index.of(List.of(inner))), null);
        listed.add(innerIndex);
        all.add(innerIndex);
        all.add(inner);
      }
      all.add(0, t.pushManifest(MediaTypes.OCI_INDEX, OciJson.write(Index.of(listed)), tag));
    }
    return all;
  }

  private int signatures(Descriptor subject) throws Exception {
    try (Target t = repository()) {
      return t.referrers(subject, MediaTypes.NOTARY_SIGNATURE).size();
    }
  }

  @ParameterizedTest(name = "referrers API {0}")
  @ValueSource(booleans = {true, false})
  void signsTheIndexAndEachManifestItListsSoEachVerifiesByDigest(boolean referrersApi) throws Exception {
    Cli cli = setUp(referrersApi);
    List<Descriptor> all = pushIndex("v1", true, "amd64", "arm64");
    String repo = registry.host() + "/multi";

    Cli.Result signed = ok(cli.run("sign", "--recursive", "--signature-format", "cose", repo + ":v1"));
    for (Descriptor d : all) {
      assertTrue(signed.out().contains("Successfully signed " + repo + "@" + d.digest()), signed::toString);
      assertEquals(1, signatures(d), () -> "one signature of " + d.digest());
      ok(cli.run("verify", repo + "@" + d.digest()));
    }
    assertEquals(all.size(), signed.out().lines().filter(l -> l.startsWith("Successfully signed")).count());
  }

  @Test
  void inAnOciLayoutTheIndexAndEachManifestAreSignedAndVerifyOffline() throws Exception {
    Cli cli = setUp(true);
    List<Descriptor> all = pushIndex("v3", true, "amd64", "arm64");
    Path layout = home.resolve("layout");
    ok(cli.run("copy", "--to-oci-layout", registry.host() + "/multi:v3", layout + ":v3"));
    ok(cli.run("policy", "init", "--force", "--name", "local", "--scope", "local/multi", "--trust-store",
        "ca:alice", "--trusted-identity", "*"));

    Cli.Result signed = ok(cli.run("sign", "--oci-layout", "--recursive", layout + ":v3"));
    assertEquals(all.size(), signed.out().lines().filter(l -> l.startsWith("Successfully signed")).count(),
        signed::toString);
    for (Descriptor d : all) {
      ok(cli.run("verify", "--oci-layout", "--scope", "local/multi", layout + "@" + d.digest()));
    }
    // the registry copy was left alone: signing the layout wrote only into the layout
    assertEquals(0, signatures(all.get(1)));
  }

  @Test
  void withoutRecursiveOnlyTheIndexIsSignedAndOnAManifestRecursiveChangesNothing() throws Exception {
    Cli cli = setUp(true);
    List<Descriptor> all = pushIndex("v2", false, "amd64");
    String repo = registry.host() + "/multi";
    ok(cli.run("sign", repo + "@" + all.get(0).digest()));
    assertEquals(1, signatures(all.get(0)));
    Cli.Result unsigned = cli.run("verify", repo + "@" + all.get(1).digest());
    assertEquals(1, unsigned.code(), unsigned::toString);
    assertTrue(unsigned.err().contains("no signature is associated"), unsigned::toString);

    Cli.Result one = ok(cli.run("sign", "--recursive", repo + "@" + all.get(1).digest()));
    assertEquals(1, one.out().lines().filter(l -> l.startsWith("Successfully signed")).count(), one::toString);
    assertEquals(1, signatures(all.get(1)));
    ok(cli.run("verify", repo + "@" + all.get(1).digest()));
  }

  @Test
  void anIndexListingAMissingManifestSignsNothing() throws Exception {
    Cli cli = setUp(false, true);
    Descriptor index;
    try (Target t = repository()) {
      Descriptor present = SampleImage.push(t, null, "present");
      Descriptor absent = Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"absent\":true}".getBytes());
      index = t.pushManifest(MediaTypes.OCI_INDEX, OciJson.write(Index.of(List.of(present, absent))), "sparse");
    }
    Cli.Result r = cli.run("sign", "--recursive", registry.host() + "/multi@" + index.digest());
    assertEquals(3, r.code(), r::toString);
    assertEquals(0, signatures(index));
  }
}
