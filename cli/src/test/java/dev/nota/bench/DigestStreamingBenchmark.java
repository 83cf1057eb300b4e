package dev.nota.bench;

import dev.nota.oci.Digest;
import dev.nota.oci.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Digest checking while a blob streams through (every pull and copy does it), beside a bare {@link MessageDigest}
 * over the same bytes in the same steps, so the stream's own cost shows as the difference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DigestStreamingBenchmark {
  private static final int BLOB = 16 << 20;
  private static final int READ = 64 << 10;

  private byte[] blob;
  private Digest blobDigest;
  private byte[] buffer;

  @Setup
  public void setUp() {
    blob = new byte[BLOB];
    new Random(42).nextBytes(blob);
    blobDigest = Digest.sha256(blob);
    buffer = new byte[READ];
  }

  /** 16 MiB through {@link VerifyingInputStream} in 64 KiB reads, digest and size checked at the end. */
  @Benchmark
  public boolean streaming() throws Exception {
    try (VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(blob), blobDigest, blob.length)) {
      while (in.read(buffer) >= 0) {
        // the stream checks as it goes
      }
      return in.verified();
    }
  }

  /** The floor for {@link #streaming}: SHA-256 over the same 16 MiB in the same 64 KiB steps. */
  @Benchmark
  public byte[] bare() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < blob.length; off += READ) {
      sha.update(blob, off, Math.min(READ, blob.length - off));
    }
    return sha.digest();
  }
}
