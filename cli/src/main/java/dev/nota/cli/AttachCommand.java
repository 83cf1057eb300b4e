package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nota attach}: pushes files (an SBOM, a scan report...) as an artifact whose {@code subject} is the given
 * artifact, so that it is found as a referrer and can be signed and verified like an image. The manifest is the OCI
 * 1.1 artifact form oras writes: empty config, one layer per file titled with its name, {@code artifactType}.
 */
@Command(name = "attach", description = "Attach files to an artifact as a referrer (an SBOM, a scan result...).")
final class AttachCommand extends ArtifactCommand {
  @Option(names = "--artifact-type", required = true, description = "e.g. application/spdx+json")
  String artifactType;

  @Parameters(index = "1..*", paramLabel = "FILE[:MEDIATYPE]", arity = "1..*",
      description = "Files to attach; each layer's media type defaults to application/octet-stream.")
  List<String> files;

  @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", description = "Manifest annotation (repeatable).")
  List<String> annotations;

  AttachCommand(Context context) {
    super(context);
  }

  private record Layer(Path file, String mediaType) {}

  @Override
  public Integer call() throws Exception {
    checkMediaType("--artifact-type", artifactType);
    List<Layer> layers = new ArrayList<>();
    for (String f : files) {
      layers.add(parse(f));
    }
    Map<String, String> manifestAnnotations = new TreeMap<>(KeyValues.parse("--annotation", annotations));
    manifestAnnotations.putIfAbsent("org.opencontainers.image.created",
        DateTimeFormatter.ISO_INSTANT.format(context.clock().instant().truncatedTo(ChronoUnit.SECONDS)));
    // Describe every file before anything is pushed: a missing or unreadable file pushes nothing.
    List<Descriptor> descriptors = new ArrayList<>();
    for (Layer l : layers) {
      descriptors.add(describe(l));
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, null, spec.commandLine().getErr());
      Target t = opened.target();
      for (int i = 0; i < layers.size(); i++) {
        Descriptor d = descriptors.get(i);
        if (t.blobExists(d)) {
          continue;
        }
        if (t instanceof RegistryTarget registry) {
          registry.pushBlob(d, layers.get(i).file()); // retried from the file on transient failures
        } else {
          try (InputStream in = Files.newInputStream(layers.get(i).file())) {
            t.pushBlob(d, in);
          }
        }
      }
      if (!t.blobExists(Descriptor.EMPTY_JSON)) {
        t.pushBlob(Descriptor.EMPTY_JSON, new java.io.ByteArrayInputStream(MediaTypes.EMPTY_JSON));
      }
      Manifest manifest = Manifest.of(artifactType, Descriptor.EMPTY_JSON, descriptors, opened.artifact().plain(),
          manifestAnnotations);
      Descriptor pushed = t.pushManifest(MediaTypes.OCI_MANIFEST, OciJson.write(manifest), null);
      out.println("Attached " + artifactType + " to " + opened.display());
      out.println("Digest: " + pushed.digest());
    }
    return ExitCode.OK;
  }

  private static Layer parse(String arg) throws UserException {
    // FILE or FILE:TYPE, the type being the part after the last colon when it looks like type/subtype.
    int colon = arg.lastIndexOf(':');
    if (colon > 0 && arg.substring(colon + 1).contains("/")) {
      String type = arg.substring(colon + 1);
      checkMediaType("media type of " + arg.substring(0, colon), type);
      return new Layer(Path.of(arg.substring(0, colon)), type);
    }
    return new Layer(Path.of(arg), "application/octet-stream");
  }

  private static Descriptor describe(Layer l) throws UserException {
    if (!Files.isRegularFile(l.file())) {
      throw new UserException("file " + l.file() + " does not exist or is not a regular file");
    }
    MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
    long size = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(l.file())) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new UserException("cannot read " + l.file() + ": " + e.getMessage());
    }
    Descriptor d = Descriptor.of(l.mediaType(), Digest.of(Digest.Algorithm.SHA256, md), size);
    return d.withAnnotations(Map.of("org.opencontainers.image.title", l.file().getFileName().toString()));
  }

  static void checkMediaType(String what, String type) throws UserException {
    String base = type.split(";", 2)[0].strip();
    if (!base.matches("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")) {
      throw new UserException("invalid " + what + " \"" + type + "\": expected type/subtype, e.g. "
          + "application/spdx+json");
    }
  }
}
