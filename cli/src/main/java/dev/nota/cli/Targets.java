package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.OciException;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutReference;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.CredentialStore;
import dev.nota.oci.registry.DockerConfigCredentials;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.StaticCredentials;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Opens the {@link Target} a command works on, from a reference and the {@link TargetOptions}, and resolves the
 * artifact to a digest (warning when a tag was given, as notation does).
 */
final class Targets implements Closeable {

  /** An opened target and the artifact in it. */
  record Opened(Target target, Descriptor artifact, String display, String scope, boolean byTag) {}

  private final Context context;
  private final TargetOptions options;
  private RegistryClient client;
  private Target target;
  private boolean forceReferrersTag;

  Targets(Context context, TargetOptions options) {
    this.context = context;
    this.options = options;
  }

  /**
   * Opens {@code ref} and resolves it.
   *
   * @param verb "sign" or "verify", for the tag warning; null for no warning
   */
  Opened open(String ref, String verb, PrintWriter err) throws OciException, UserException, IOException {
    if (options.ociLayout) {
      LayoutReference lr = LayoutReference.parse(ref);
      if (lr.reference() == null) {
        throw new UserException("reference \"" + ref + "\" needs a tag or digest: <dir>:<tag> or <dir>@<digest>");
      }
      String name = lr.path().getFileName() == null ? "layout" : lr.path().getFileName().toString();
      target = lr.path().toString().endsWith(".tar")
          ? LayoutTarget.openArchive(lr.path(), !"verify".equals(verb))
          : LayoutTarget.open(lr.path());
      Descriptor artifact = target.resolve(lr.reference());
      boolean byTag = !lr.reference().contains(":");
      warnTag(verb, byTag, lr.reference(), artifact, err);
      return new Opened(target, artifact, lr.path() + "@" + artifact.digest(), "local/" + name, byTag);
    }
    Reference reference = Reference.parse(ref);
    if (reference.reference() == null) {
      throw new UserException("reference \"" + ref + "\" needs a tag or digest, e.g. " + ref + ":v1 or " + ref
          + "@sha256:<digest>");
    }
    client = new RegistryClient(registryOptions(reference, err));
    target = client.repository(reference);
    Descriptor artifact = target.resolve(reference.reference());
    if (reference.digest() != null && !reference.digest().equals(artifact.digest())) {
      throw new OciException("registry answered digest " + artifact.digest() + " for " + reference);
    }
    boolean byTag = reference.digest() == null;
    warnTag(verb, byTag, reference.tag(), artifact, err);
    Reference resolved = Reference.of(reference.registry(), reference.repository(), null, artifact.digest());
    return new Opened(target, artifact, resolved.toString(), reference.name(), byTag);
  }

  private static void warnTag(String verb, boolean byTag, String tag, Descriptor artifact, PrintWriter err) {
    if (verb != null && byTag) {
      err.println("Warning: Always " + verb + " the artifact using digest(@" + artifact.digest() + ") rather than a tag(:"
          + tag + ") because tags are mutable and a tag reference can point to a different artifact than the one "
          + (verb.endsWith("y") ? verb.substring(0, verb.length() - 1) + "ied" : verb + "ed") + ".");
    }
  }

  private RegistryOptions registryOptions(Reference reference, PrintWriter err)
      throws IOException, UserException {
    CredentialStore credentials;
    if (options.username != null || options.passwordStdin) {
      if (!options.passwordStdin) {
        throw new UserException("--username needs --password-stdin (nota never takes a password as an argument)");
      }
      String secret = new String(context.stdin().readAllBytes(), StandardCharsets.UTF_8).strip();
      credentials = new StaticCredentials(options.username, secret);
    } else {
      credentials = new DockerConfigCredentials(context.config().dockerConfig(context.env()), null);
    }
    Set<String> insecure = options.insecureRegistry ? Set.of(reference.registry()) : Set.of();
    RegistryOptions base = RegistryOptions.defaults();
    return new RegistryOptions(insecure, options.caFile, credentials, "nota/" + Nota.Version.version(),
        base.timeout(), base.maxRetries(), forceReferrersTag,
        options.debug ? line -> err.println("debug: " + line) : null);
  }

  /** Whether signatures pushed through the opened registry also maintain the referrers tag index. */
  void forceReferrersTag(boolean force) {
    this.forceReferrersTag = force;
  }

  Target target() {
    return target;
  }

  @Override
  public void close() throws IOException {
    if (target != null) {
      target.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
