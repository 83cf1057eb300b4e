package dev.nota.bench;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.testregistry.TestRegistry;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Moves one large blob (default 1 GiB) up to and back from the in-process registry (file storage) through nota's
 * client, and prints the peak heap in use. Run it with {@code -Xmx128m}: finishing at all proves the transfer
 * streams; the printed peak is the measurement (bin/bench does both).
 */
public final class LargeBlobHeap {
  private LargeBlobHeap() {}

  public static void main(String[] args) throws Exception {
    long size = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
    Path dir = Files.createTempDirectory("nota-heap");
    try (TestRegistry registry = TestRegistry.builder().storage(dir.resolve("registry")).start();
        RegistryClient client = new RegistryClient(RegistryOptions.defaults());
        Target target = client.repository(Reference.parse(registry.host() + "/heap"))) {
      Digest digest = BlobTransferBenchmark.digestOf(7, size);
      Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, digest, size);
      long t0 = System.nanoTime();
      try (InputStream in = new BlobTransferBenchmark.PatternStream(7, size)) {
        target.pushBlob(blob, in);
      }
      long t1 = System.nanoTime();
      long read = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = target.fetchBlob(blob)) {
        for (int r; (r = in.read(buf)) > 0; ) {
          read += r;
        }
      }
      long t2 = System.nanoTime();
      if (read != size) {
        throw new IllegalStateException("pulled " + read + " of " + size + " bytes");
      }
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf("blob %d MiB: push %.0f MB/s, pull %.0f MB/s, peak heap %.1f MiB (max heap %d MiB)%n",
          size >> 20, size / 1e6 / ((t1 - t0) / 1e9), size / 1e6 / ((t2 - t1) / 1e9), peak / 1048576.0,
          Runtime.getRuntime().maxMemory() >> 20);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
