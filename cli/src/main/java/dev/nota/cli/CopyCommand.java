package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Platform;
import dev.nota.oci.Reference;
import dev.nota.oci.copy.Copier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota copy}: copies an artifact with everything that refers to it (signatures, SBOMs and their signatures)
 * between registries and OCI layouts, digests unchanged, so signatures survive promotion and air gaps.
 */
@Command(name = "copy", aliases = "cp",
    description = "Copy an artifact and its referrers (signatures, SBOMs...) between registries and OCI layouts.")
final class CopyCommand implements Callable<Integer>, Nota.Debuggable {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE",
      description = "registry/repo:tag or @digest (with --from-oci-layout: dir-or-archive:tag or @digest).")
  String source;

  @Parameters(index = "1", paramLabel = "DESTINATION",
      description = "registry/repo[:tag] (with --to-oci-layout: a directory or .tar/.tar.gz, optionally :tag).")
  String destination;

  @Option(names = "--from-oci-layout", description = "The source is an OCI layout directory or archive.")
  boolean fromLayout;

  @Option(names = "--to-oci-layout", description = "The destination is an OCI layout directory or archive.")
  boolean toLayout;

  @Option(names = {"-r", "--referrers"}, negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Copy the referrers too, recursively (default: true; --no-referrers to skip them).")
  boolean referrers;

  @Option(names = "--artifact-type", description = "Only referrers of this type at the first level (e.g. "
      + "application/vnd.cncf.notary.signature); what refers to them comes along.")
  String artifactType;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "From a multi-platform index, copy only the manifest for this platform.")
  String platform;

  @Option(names = "--concurrency", defaultValue = "3", description = "Blobs in flight at once (default: 3).")
  int concurrency;

  @Option(names = "--insecure-registry",
      description = "Allow plain HTTP to the registries when they do not speak TLS.")
  boolean insecureRegistry;

  @Option(names = "--plain-http", description = "Talk plain HTTP to the registries.")
  boolean plainHttp;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificates in this PEM file too.")
  Path caFile;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
  OutputFormat output;

  @Option(names = {"-d", "--debug"}, description = "Print debug output (never secrets).")
  boolean debug;

  private final Context context;

  CopyCommand(Context context) {
    this.context = context;
  }

  @Override
  public boolean debug() {
    return debug;
  }

  private TargetOptions options() {
    TargetOptions o = new TargetOptions();
    o.insecureRegistry = insecureRegistry;
    o.plainHttp = plainHttp;
    o.caFile = caFile;
    o.debug = debug;
    return o;
  }

  @Override
  public Integer call() throws Exception {
    if (concurrency < 1 || concurrency > 64) {
      throw new UserException("--concurrency must be between 1 and 64, got " + concurrency);
    }
    Platform wanted = null;
    if (platform != null) {
      try {
        wanted = Platform.parse(platform);
      } catch (IllegalArgumentException e) {
        throw new UserException("--platform: " + e.getMessage());
      }
    }
    if (artifactType != null) {
      AttachCommand.checkMediaType("--artifact-type", artifactType);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Targets from = new Targets(context, options()); Targets to = new Targets(context, options())) {
      Targets.Opened src = from.open(source, null, false, fromLayout, err);
      Targets.Destination dst = to.openDestination(destination, toLayout, err);
      Copier.Options copy = Copier.Options.defaults()
          .withReferrers(referrers)
          .withArtifactType(artifactType)
          .withPlatform(wanted)
          .withConcurrency(concurrency)
          .withProgress(new Progress(err, output != OutputFormat.json, context.terminal(), context.clock()));
      if (!fromLayout && dst.registry() != null) {
        Reference s = Reference.parse(source);
        if (s.registry().equals(dst.registry()) && !s.repository().equals(dst.repository())) {
          copy = copy.withMountFrom(s.repository());
        }
      }
      String tag = dst.tag();
      if (tag == null && dst.digest() == null && src.byTag()) {
        tag = sourceTag();
      }
      if (dst.digest() != null && wanted == null && !dst.digest().equals(src.artifact().digest())) {
        throw new UserException("the destination names digest " + dst.digest() + " but the source is "
            + src.artifact().digest() + "; a copy never changes digests");
      }
      Copier.Result result = Copier.copy(src.target(), src.artifact(), dst.target(), tag, copy);
      if (dst.digest() != null && !dst.digest().equals(result.root().digest())) {
        throw new UserException("the destination names digest " + dst.digest() + " but the copied manifest is "
            + result.root().digest());
      }
      String shown = dst.display() + (tag != null ? ":" + tag : "") + "@" + result.root().digest();
      if (output == OutputFormat.json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("source", src.display());
        doc.put("destination", shown);
        doc.put("digest", result.root().digest().toString());
        doc.put("mediaType", result.root().mediaType());
        doc.put("manifests", result.manifests());
        doc.put("referrers", result.referrers());
        doc.put("blobsCopied", result.blobsCopied());
        doc.put("blobsSkipped", result.blobsSkipped());
        doc.put("bytesCopied", result.bytesCopied());
        Json.print(out, doc);
      } else {
        out.println("Copied " + src.display() + " to " + shown);
        out.println(result.manifests() + " manifests (" + result.referrers() + " referrers), "
            + result.blobsCopied() + " blobs copied (" + result.bytesCopied() + " bytes), " + result.blobsSkipped()
            + " already there");
      }
      return ExitCode.OK;
    }
  }

  /** The tag the source reference named. */
  private String sourceTag() throws Exception {
    if (fromLayout) {
      return dev.nota.oci.layout.LayoutReference.parse(source).reference();
    }
    return Reference.parse(source).tag();
  }

  /**
   * Copy progress on stderr: one line per manifest copied; on a terminal also a status line redrawn in place, at
   * most five times a second: bytes sent of those expected (the sizes in the descriptors of the blobs still to send),
   * the average rate so far, and the time left at that rate.
   */
  static final class Progress implements Copier.Progress {
    private static final double MIB = 1048576.0;
    private final PrintWriter err;
    private final boolean lines;
    private final boolean bar;
    private final java.time.Clock clock;
    private final long start;
    private long bytes;
    private long expected;
    private long drawn;

    Progress(PrintWriter err, boolean lines, boolean bar, java.time.Clock clock) {
      this.err = err;
      this.lines = lines;
      this.bar = bar && lines;
      this.clock = clock;
      this.start = clock.millis();
    }

    @Override
    public synchronized void expect(Descriptor blob) {
      expected += blob.size();
    }

    @Override
    public synchronized void blob(Descriptor blob, Copier.BlobOutcome outcome) {
      if (outcome != Copier.BlobOutcome.COPIED) {
        expected -= blob.size(); // nothing of it is sent
      }
    }

    @Override
    public synchronized void bytes(long n) {
      bytes += n;
      long now = clock.millis();
      if (bar && now - drawn >= 200) {
        drawn = now;
        err.print("\r" + status(bytes, expected, now - start) + "   ");
        err.flush();
      }
    }

    /** {@code "412.0 / 1,024.0 MiB, 114.2 MiB/s, ETA 0:05"}: {@code done} of {@code total} bytes after a time. */
    static String status(long done, long total, long elapsedMillis) {
      double rate = elapsedMillis <= 0 ? 0 : done * 1000.0 / elapsedMillis;
      return String.format(java.util.Locale.ROOT, "%,.1f / %,.1f MiB, %,.1f MiB/s, ETA %s", done / MIB,
          Math.max(done, total) / MIB, rate / MIB, eta(Math.max(0, total - done), rate));
    }

    /** The time {@code remaining} bytes take at {@code bytesPerSecond}: {@code m:ss} or {@code h:mm:ss}. */
    static String eta(long remaining, double bytesPerSecond) {
      if (remaining == 0) {
        return "0:00";
      }
      if (!(bytesPerSecond > 0)) {
        return "--:--";
      }
      long s = (long) Math.ceil(remaining / bytesPerSecond);
      if (s >= 100 * 3600) {
        return "--:--"; // a rate that low says nothing useful yet
      }
      return s >= 3600 ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
          : String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public synchronized void manifest(Descriptor manifest, boolean referrer) {
      if (!lines) {
        return;
      }
      if (bar && drawn > 0) {
        err.print("\r\033[K");
      }
      err.println("Copied " + (referrer ? "referrer " + manifest.digest()
          + (manifest.artifactType() == null ? "" : " (" + manifest.artifactType() + ")") : manifest.digest()));
      err.flush();
    }
  }
}
