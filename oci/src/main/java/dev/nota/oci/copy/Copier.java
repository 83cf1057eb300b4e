package dev.nota.oci.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.Manifest;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.VerifyingInputStream;
import dev.nota.oci.registry.RegistryTarget;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies an artifact graph from one {@link Target} to another with its digests unchanged: the manifest or index, every
 * child manifest, every blob, and (unless turned off) every referrer, recursively: signatures, SBOMs, scan results and
 * their own signatures. This is what keeps signatures with an image when it is promoted to another registry or carried
 * into an air-gapped site, where Notary v1 lost them.
 *
 * <p>The destination stores referrers the way it can (Referrers API, or the referrers tag schema), whatever the source
 * used, because {@link Target#pushManifest} maintains the tag index where the API is missing. Blobs the destination
 * already has are skipped, so a re-run after a failure sends only what did not land. Content is pushed children first
 * and the root's tag is written last, so an interrupted copy never leaves a tag naming incomplete content. Blobs are
 * streamed, several at once ({@link Options#concurrency()}).
 */
public final class Copier {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What to copy and how. */
  public record Options(
      boolean referrers, String artifactType, dev.nota.oci.Platform platform, int concurrency,
      String mountFrom, Progress progress) {

    public Options {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
      }
      progress = progress == null ? Progress.NONE : progress;
    }

    /** Referrers on, no filter, whole indexes, three blobs at once, no mount, no progress. */
    public static Options defaults() {
      return new Options(true, null, null, 3, null, null);
    }

    /** With {@code referrers} copied or not. */
    public Options withReferrers(boolean copy) {
      return new Options(copy, artifactType, platform, concurrency, mountFrom, progress);
    }

    /** With only referrers of {@code type} copied at the first level (their own referrers all follow). */
    public Options withArtifactType(String type) {
      return new Options(referrers, type, platform, concurrency, mountFrom, progress);
    }

    /** Copying only the manifest of {@code wanted} when the root is an index. */
    public Options withPlatform(dev.nota.oci.Platform wanted) {
      return new Options(referrers, artifactType, wanted, concurrency, mountFrom, progress);
    }

    /** With {@code n} blobs in flight at once. */
    public Options withConcurrency(int n) {
      return new Options(referrers, artifactType, platform, n, mountFrom, progress);
    }

    /**
     * Mounting blobs from {@code repository} (a repository of the destination's registry holding the source) instead
     * of uploading them, when the destination is a registry.
     */
    public Options withMountFrom(String repository) {
      return new Options(referrers, artifactType, platform, concurrency, repository, progress);
    }

    /** Reporting to {@code p}. */
    public Options withProgress(Progress p) {
      return new Options(referrers, artifactType, platform, concurrency, mountFrom, p);
    }
  }

  /** How one blob got to the destination. */
  public enum BlobOutcome {
    /** Streamed from the source. */
    COPIED,
    /** The destination had it already. */
    EXISTS,
    /** Mounted from another repository of the destination registry. */
    MOUNTED,
    /** A non-distributable layer the source does not hold; left out, as registries do. */
    SKIPPED_FOREIGN
  }

  /** Events of a copy, for progress output; called from several threads. */
  public interface Progress {
    Progress NONE = new Progress() {};

    /**
     * {@code blob} is to be copied: its {@code size} joins the bytes expected, which makes an estimate of the time
     * left possible. Called once per blob, before its transfer starts; a blob whose {@link #blob} outcome is then not
     * {@link BlobOutcome#COPIED} sends none of those bytes.
     */
    default void expect(Descriptor blob) {}

    /** {@code n} more bytes of blob content were sent. */
    default void bytes(long n) {}

    /** A blob is done. */
    default void blob(Descriptor blob, BlobOutcome outcome) {}

    /** A manifest or index was pushed ({@code referrer}: it is a referrer of something already copied). */
    default void manifest(Descriptor manifest, boolean referrer) {}
  }

  /** What was copied: the root as it now is in the destination, and counts. */
  public record Result(
      Descriptor root, int manifests, int referrers, int blobsCopied, int blobsSkipped, long bytesCopied) {}

  private final Target source;
  private final Target destination;
  private final Options options;
  private final Set<Digest> manifestsDone = new HashSet<>();
  private final Set<Digest> blobsDone = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private int manifests;
  private int referrers;
  private final java.util.concurrent.atomic.AtomicInteger blobsCopied = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger blobsSkipped = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

  private Copier(Target source, Target destination, Options options) {
    this.source = source;
    this.destination = destination;
    this.options = options;
  }

  /**
   * Copies {@code root} (a manifest or index of {@code source}) and what hangs off it to {@code destination},
   * tagging it {@code tag} there at the very end when {@code tag} is not null.
   */
  public static Result copy(Target source, Descriptor root, Target destination, String tag, Options options)
      throws OciException {
    Copier copier = new Copier(source, destination, options);
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
      Thread t = new Thread(r, "nota-copy");
      t.setDaemon(true);
      return t;
    });
    try {
      Descriptor top = copier.selectPlatform(root);
      Descriptor pushed = copier.copyGraph(top, pool, false);
      if (options.referrers()) {
        copier.copyReferrersOfGraph(top, pool, options.artifactType());
      }
      if (tag != null) {
        destination.tag(pushed, tag);
      }
      return new Result(pushed, copier.manifests, copier.referrers, copier.blobsCopied.get(),
          copier.blobsSkipped.get(), copier.bytes.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /** With a platform wanted and an index as root: the index's manifest for that platform. */
  private Descriptor selectPlatform(Descriptor root) throws OciException {
    if (options.platform() == null || !MediaTypes.isIndex(root.mediaType())) {
      return root;
    }
    Index index = OciJson.parseIndex(source.fetchManifest(root.digest().toString()).bytes());
    for (Descriptor d : index.manifests()) {
      if (d.platform() != null && d.platform().matches(options.platform())) {
        return d;
      }
    }
    throw new NotFoundException("index " + root.digest() + " in " + source.name() + " has no manifest for platform "
        + options.platform());
  }

  /** Copies a manifest or index, its children and blobs (not its referrers); pushes it last, untagged. */
  private Descriptor copyGraph(Descriptor node, ExecutorService pool, boolean referrer) throws OciException {
    ManifestContent content = source.fetchManifest(node.digest().toString());
    String mediaType = content.descriptor().mediaType();
    if (!manifestsDone.add(node.digest())) {
      return content.descriptor();
    }
    if (MediaTypes.isIndex(mediaType)) {
      Index index = OciJson.parseIndex(content.bytes());
      for (Descriptor child : index.manifests()) {
        if (MediaTypes.isManifest(child.mediaType())) {
          copyGraph(child, pool, false);
        } else {
          copyBlobs(List.of(child), pool); // an index may list a non-manifest artifact by descriptor
        }
      }
    } else {
      copyBlobs(blobsOf(mediaType, content.bytes()), pool);
    }
    Descriptor pushed = destination.pushManifest(mediaType, content.bytes(), null);
    manifests++;
    options.progress().manifest(pushed, referrer);
    return pushed;
  }

  /** The referrers of {@code node} and, for an index, of each of its manifests; then theirs, recursively. */
  private void copyReferrersOfGraph(Descriptor node, ExecutorService pool, String artifactType)
      throws OciException {
    List<Descriptor> subjects = new ArrayList<>();
    subjects.add(node);
    if (MediaTypes.isIndex(node.mediaType())) {
      Index index = OciJson.parseIndex(source.fetchManifest(node.digest().toString()).bytes());
      for (Descriptor child : index.manifests()) {
        if (MediaTypes.isManifest(child.mediaType())) {
          subjects.add(child);
        }
      }
    }
    Set<Digest> seen = new HashSet<>();
    for (Descriptor subject : subjects) {
      if (!seen.add(subject.digest())) {
        continue;
      }
      for (Descriptor r : source.referrers(subject, artifactType)) {
        if (manifestsDone.contains(r.digest())) {
          continue;
        }
        copyGraph(r, pool, true);
        referrers++;
        copyReferrersOfGraph(r, pool, null);
      }
    }
  }

  /** The blobs a manifest of {@code mediaType} names: config and layers, or an artifact manifest's blobs. */
  static List<Descriptor> blobsOf(String mediaType, byte[] bytes) throws InvalidContentException {
    List<Descriptor> blobs = new ArrayList<>();
    if (MediaTypes.OCI_ARTIFACT_MANIFEST.equals(mediaType)) {
      JsonNode tree;
      try {
        tree = JSON.readTree(bytes);
      } catch (IOException e) {
        throw new InvalidContentException("artifact manifest is not JSON");
      }
      for (JsonNode b : tree.path("blobs")) {
        blobs.add(OciJson.parseDescriptor(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      return blobs;
    }
    Manifest manifest = OciJson.parseManifest(bytes);
    blobs.add(manifest.config());
    blobs.addAll(manifest.layers());
    return blobs;
  }

  private void copyBlobs(List<Descriptor> blobs, ExecutorService pool) throws OciException {
    Map<Digest, Future<Void>> running = new LinkedHashMap<>();
    for (Descriptor blob : blobs) {
      if (!blobsDone.add(blob.digest())) {
        continue;
      }
      options.progress().expect(blob);
      running.put(blob.digest(), pool.submit(() -> {
        copyBlob(blob);
        return null;
      }));
    }
    OciException first = null;
    for (Future<Void> f : running.values()) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause() instanceof OciException o ? o
              : new OciException("copying a blob failed: " + e.getCause().getMessage(), e.getCause());
          running.values().forEach(other -> other.cancel(true));
        }
      } catch (java.util.concurrent.CancellationException e) {
        // cancelled after the first failure
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OciException("interrupted while copying blobs", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void copyBlob(Descriptor blob) throws OciException {
    if (destination.blobExists(blob)) {
      blobsSkipped.incrementAndGet();
      options.progress().blob(blob, BlobOutcome.EXISTS);
      return;
    }
    if (options.mountFrom() != null && destination instanceof RegistryTarget registry
        && registry.mountBlob(blob, options.mountFrom())) {
      blobsSkipped.incrementAndGet();
      options.progress().blob(blob, BlobOutcome.MOUNTED);
      return;
    }
    if (isForeign(blob) && !source.blobExists(blob)) {
      options.progress().blob(blob, BlobOutcome.SKIPPED_FOREIGN);
      return;
    }
    try (InputStream in = new Counting(source.fetchBlob(blob))) {
      destination.pushBlob(blob, in);
    } catch (IOException e) {
      throw new OciException("copying blob " + blob.digest() + " from " + source.name() + " to "
          + destination.name() + ": " + e.getMessage(), e);
    }
    blobsCopied.incrementAndGet();
    options.progress().blob(blob, BlobOutcome.COPIED);
  }

  /** Non-distributable ("foreign") layers, which registries need not hold. */
  private static boolean isForeign(Descriptor blob) {
    String t = blob.mediaType();
    return t != null && (t.contains(".nondistributable.") || t.contains(".foreign."));
  }

  /** Counts bytes read, reporting them as progress; transparent, so the upload can rely on the source's check. */
  private final class Counting extends FilterInputStream implements VerifyingInputStream.Transparent {
    Counting(InputStream in) {
      super(in);
    }

    @Override
    public InputStream inner() {
      return in;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(long n) {
      bytes.addAndGet(n);
      options.progress().bytes(n);
    }
  }
}
