package dev.nota.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.core.tuf.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TUF canonical JSON: what every Notary v1 signature covers, parsed and written again for each role on every
 * verification, for a small and a large targets role.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CanonicalJsonBenchmark {
  /** Targets in the TUF targets role: a small repository and a large one. */
  @Param({"10", "1000"})
  int targets;

  private byte[] targetsJson;

  @Setup
  public void setUp() throws Exception {
    Random random = new Random(42);
    StringBuilder json = new StringBuilder("{\"signed\":{\"_type\":\"Targets\",\"delegations\":{\"keys\":{},"
        + "\"roles\":[]},\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{");
    for (int i = 0; i < targets; i++) {
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      json.append(i == 0 ? "" : ",").append("\"v").append(i).append(".0\":{\"hashes\":{\"sha256\":\"")
          .append(java.util.Base64.getEncoder().encodeToString(hash)).append("\"},\"length\":")
          .append(1000 + random.nextInt(100000)).append('}');
    }
    json.append("},\"version\":7},\"signatures\":[{\"keyid\":\"abc\",\"method\":\"ecdsa\",\"sig\":\"c2ln\"}]}");
    targetsJson = json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Parse a targets role and write its {@code signed} member canonically, as signature checking does. */
  @Benchmark
  public byte[] canonicalJson() throws Exception {
    JsonNode root = CanonicalJson.parse(targetsJson, "targets");
    return CanonicalJson.write(root.get("signed"));
  }
}
