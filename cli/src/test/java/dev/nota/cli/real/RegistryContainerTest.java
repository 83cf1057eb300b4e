package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.cli.CliAccess;
import dev.nota.cli.interop.CrossChecks;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Reference;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.RegistryTarget;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The core real-registry scenario (push an image, sign it in JWS and COSE, list, inspect, verify) against the
 * {@code registry:2} image, run by Testcontainers where a Docker engine is reachable. Where none is (as on CI here,
 * which runs distribution 2.8 from Debian's package instead, see {@link DistributionTest}), the test is skipped with
 * a message and never fails.
 */
@Tag("real")
class RegistryContainerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DockerImageName IMAGE = DockerImageName.parse("registry:2");

  @TempDir Path work;

  @Test
  void signsListsInspectsAndVerifiesAgainstTheRegistry2Image() throws Exception {
    Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
        "no Docker engine reachable: the registry:2 container tests are skipped "
            + "(distribution 2.8 from Debian's package covers the same scenario in DistributionTest)");
    try (GenericContainer<?> registry = new GenericContainer<>(IMAGE).withExposedPorts(5000)) {
      registry.start();
      // registry:2 speaks plain HTTP; a local engine publishes it on loopback (which nota probes anyway), a remote
      // one (DOCKER_HOST) elsewhere, hence --insecure-registry.
      String host = registry.getHost() + ":" + registry.getMappedPort(5000);
      CrossChecks.check("registry:2 container (Testcontainers)", "push, sign JWS+COSE, ls, inspect, verify", () -> {
        CliAccess nota = new CliAccess(work.resolve("home"));
        ok(nota.run("cert", "generate-test", "--default", "--key-type", "ec-256", "alice"));
        String repo = host + "/app";
        ok(nota.run("policy", "init", "--force", "--name", "p", "--scope", repo, "--trust-store", "ca:alice",
            "--trusted-identity", "*"));
        Descriptor image;
        try (RegistryClient client = new RegistryClient(RegistryOptions.defaults()
            .withInsecureRegistries(Set.of(host)));
            RegistryTarget t = client.repository(Reference.parse(repo))) {
          image = CliAccess.pushSampleImage(t, "v1", "container image");
        }
        String ref = repo + "@" + image.digest();
        ok(nota.run("sign", "--insecure-registry", ref));
        ok(nota.run("sign", "--insecure-registry", "--signature-format", "cose", ref));
        Set<String> types = new HashSet<>();
        CliAccess.Result inspected = ok(nota.run("inspect", "--insecure-registry", "-o", "json", ref));
        for (JsonNode s : JSON.readTree(inspected.out()).path("signatures")) {
          types.add(s.path("signatureEnvelopeType").asText());
        }
        assertEquals(Set.of(MediaTypes.JWS, MediaTypes.COSE), types);
        CliAccess.Result ls = ok(nota.run("ls", "--insecure-registry", "-o", "json", ref));
        JsonNode listed = JSON.readTree(ls.out()).path("signatures");
        assertEquals(2, listed.size(), listed::toString);
        CliAccess.Result verified = ok(nota.run("verify", "--insecure-registry", ref));
        assertTrue(verified.out().contains("Successfully verified signature for " + ref), verified::toString);
      });
    }
  }

  private static CliAccess.Result ok(CliAccess.Result r) {
    assertEquals(0, r.code(), r::toString);
    return r;
  }
}
