package dev.nota.bench;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Blob push and pull throughput through nota's registry client against the in-process registry (file storage), on
 * loopback. Reported as seconds per operation; divide the blob size by it for MB/s (bin/bench prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class BlobTransferBenchmark {
  @Param({"67108864"})
  long size;

  private Path dir;
  private TestRegistry registry;
  private RegistryClient client;
  private Target target;
  private Descriptor blob;
  private int pushes;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("nota-bench");
    registry = TestRegistry.builder().storage(dir.resolve("registry")).start();
    client = new RegistryClient(RegistryOptions.defaults());
    target = client.repository(Reference.parse(registry.host() + "/bench"));
    blob = pushNew(0);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    target.close();
    client.close();
    registry.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Pushes a fresh blob (new content each time, so the registry cannot skip it). */
  @Benchmark
  public Descriptor push() throws Exception {
    return pushNew(++pushes);
  }

  /** Pulls the same blob, verifying its digest while streaming. */
  @Benchmark
  public long pull() throws Exception {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = target.fetchBlob(blob)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
      }
    }
    return n;
  }

  private Descriptor pushNew(int seed) throws Exception {
    Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, digestOf(seed, size), size);
    try (InputStream in = new PatternStream(seed, size)) {
      target.pushBlob(d, in);
    }
    return d;
  }

  static Digest digestOf(int seed, long size) throws IOException {
    var md = Digest.Algorithm.SHA256.newMessageDigest();
    try (InputStream in = new PatternStream(seed, size)) {
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
    }
    return Digest.of(Digest.Algorithm.SHA256, md);
  }

  /** A deterministic pseudo-random stream of {@code size} bytes that never exists whole in memory. */
  static final class PatternStream extends InputStream {
    private long remaining;
    private long state;

    PatternStream(int seed, long size) {
      this.remaining = size;
      this.state = 0x9E3779B97F4A7C15L * (seed + 1);
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        b[off + i] = (byte) state;
      }
      remaining -= n;
      return n;
    }
  }
}
