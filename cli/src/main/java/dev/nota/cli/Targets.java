package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.OciException;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutReference;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.oci.registry.CredentialHelpers;
import dev.nota.oci.registry.CredentialStore;
import dev.nota.oci.registry.DockerConfigCredentials;
import dev.nota.oci.registry.RegistryClient;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.StaticCredentials;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opens the {@link Target} a command works on, from a reference and the {@link TargetOptions}, and resolves the
 * artifact to a digest (warning when a tag was given, as notation does). One {@link RegistryClient} per registry
 * serves every reference opened through it, so that bulk commands share connections and tokens; registry references
 * may be opened from several threads at once.
 */
final class Targets implements Closeable {

  /** An opened target and the artifact in it. */
  record Opened(Target target, Descriptor artifact, String display, String scope, boolean byTag) {}

  private final Context context;
  private final TargetOptions options;
  /** Registry host -> its client, shared by every reference to it. */
  private final Map<String, RegistryClient> clients = new LinkedHashMap<>();
  /** Targets to close (an OCI layout archive is written back on close). */
  private final List<Target> opened = new ArrayList<>();
  private Target target;
  private boolean forceReferrersTag;
  private String stdinSecret;
  private PrintWriter debugOut;

  Targets(Context context, TargetOptions options) {
    this.context = context;
    this.options = options;
  }

  /**
   * Opens {@code ref} and resolves it; an OCI layout is opened for writing only for {@code "sign"}.
   *
   * @param verb "sign" or "verify", for the tag warning; null for no warning
   */
  Opened open(String ref, String verb, PrintWriter err) throws OciException, UserException, IOException {
    return open(ref, verb, "sign".equals(verb), err);
  }

  /**
   * Opens {@code ref} and resolves it.
   *
   * @param verb "sign" or "verify", for the tag warning; null for no warning
   * @param writable whether the command writes to the target (an OCI layout archive is then rewritten on close, and
   *     standard input is refused)
   */
  Opened open(String ref, String verb, boolean writable, PrintWriter err)
      throws OciException, UserException, IOException {
    return open(ref, verb, writable, options.ociLayout, err);
  }

  /** As {@link #open(String, String, boolean, PrintWriter)}, saying whether {@code ref} is an OCI layout. */
  Opened open(String ref, String verb, boolean writable, boolean layout, PrintWriter err)
      throws OciException, UserException, IOException {
    if (layout) {
      LayoutReference lr = LayoutReference.parse(ref);
      String name;
      if (lr.isStandardInput()) {
        if (writable) {
          throw new UserException("--oci-layout " + ref + ": cannot " + (verb == null ? "write" : verb)
              + " an archive read from standard input, the result would have nowhere to go; save it to a file"
              + " (layout.tar or layout.tar.gz) and name that instead");
        }
        if (options.passwordStdin) {
          throw new UserException("--password-stdin and --oci-layout " + ref + " both want standard input; the"
              + " layout needs no password, drop --password-stdin");
        }
        target = track(LayoutTarget.openStream(context.stdin(), LayoutReference.STANDARD_INPUT));
        name = "stdin";
      } else {
        target = track(LayoutTarget.openPath(lr.path(), writable));
        name = layoutName(lr.path());
      }
      Descriptor artifact = target.resolve(lr.reference());
      boolean byTag = !lr.isDigest();
      warnTag(verb, byTag, lr.reference(), artifact, err);
      return new Opened(target, artifact, lr.path() + "@" + artifact.digest(), "local/" + name, byTag);
    }
    Reference reference = Reference.parse(ref);
    if (reference.reference() == null) {
      throw new UserException("reference \"" + ref + "\" needs a tag or digest, e.g. " + ref + ":v1 or " + ref
          + "@sha256:<digest>");
    }
    Target repository = track(client(reference, err).repository(reference));
    Descriptor artifact = repository.resolve(reference.reference());
    if (reference.digest() != null && !reference.digest().equals(artifact.digest())) {
      throw new OciException("registry answered digest " + artifact.digest() + " for " + reference);
    }
    boolean byTag = reference.digest() == null;
    warnTag(verb, byTag, reference.tag(), artifact, err);
    Reference resolved = Reference.of(reference.registry(), reference.repository(), null, artifact.digest());
    return new Opened(repository, artifact, resolved.toString(), reference.name(), byTag);
  }

  /**
   * Where a copy goes: the opened target and what the reference named in it; {@code tag} and {@code digest} are null
   * when the reference named neither (a layout given as a bare path, or a registry repository without tag).
   */
  record Destination(Target target, String tag, dev.nota.oci.Digest digest, String display, String registry,
      String repository) {}

  /**
   * Opens {@code ref} for writing without resolving anything in it (it may not exist yet): a registry repository, or
   * with {@code layout} an OCI layout directory or archive, created when missing.
   */
  Destination openDestination(String ref, boolean layout, PrintWriter err)
      throws OciException, UserException, IOException {
    if (layout) {
      LayoutReference lr;
      if (ref.indexOf(':') < 0 && ref.indexOf('@') < 0) {
        lr = null; // a bare path: the copy keeps the source's tag
      } else {
        lr = LayoutReference.parse(ref);
        if (lr.isStandardInput()) {
          throw new UserException("cannot copy into standard input; name a layout directory or archive file");
        }
      }
      Path path = lr == null ? Path.of(ref) : lr.path();
      target = track(LayoutTarget.openPath(path, true));
      String tag = lr == null || lr.isDigest() ? null : lr.reference();
      dev.nota.oci.Digest digest = lr != null && lr.isDigest() ? dev.nota.oci.Digest.parse(lr.reference()) : null;
      return new Destination(target, tag, digest, path.toString(), null, null);
    }
    Reference reference = Reference.parse(ref);
    target = track(client(reference, err).repository(reference));
    return new Destination(target, reference.tag(), reference.digest(), reference.name(), reference.registry(),
        reference.repository());
  }

  /** The layout's name for its default scope {@code local/<name>}: the directory or archive file name. */
  private static String layoutName(Path path) {
    return path.getFileName() == null ? "layout" : path.getFileName().toString();
  }

  private static void warnTag(String verb, boolean byTag, String tag, Descriptor artifact, PrintWriter err) {
    if (verb != null && byTag) {
      err.println("Warning: Always " + verb + " the artifact using digest(@" + artifact.digest() + ") rather than a tag(:"
          + tag + ") because tags are mutable and a tag reference can point to a different artifact than the one "
          + (verb.endsWith("y") ? verb.substring(0, verb.length() - 1) + "ied" : verb + "ed") + ".");
    }
  }

  /**
   * Refuses a list of references that names several registries when credentials, {@code --plain-http} or
   * {@code --insecure-registry} are given on the command line: those name no registry and are meant for one.
   * Malformed references are left to fail on their own.
   */
  void requireOneRegistry(List<String> refs) throws UserException {
    if (!commandLineRegistrySettings() || options.ociLayout) {
      return;
    }
    String first = null;
    for (String ref : refs) {
      String registry;
      try {
        registry = Reference.parse(ref).registry();
      } catch (OciException | RuntimeException e) {
        continue;
      }
      if (first == null) {
        first = registry;
      } else if (!first.equals(registry)) {
        throw oneRegistry(first, registry);
      }
    }
  }

  private boolean commandLineRegistrySettings() {
    return options.username != null || options.passwordStdin || options.plainHttp || options.insecureRegistry;
  }

  private static UserException oneRegistry(String first, String second) {
    return new UserException("--username/--password-stdin, --plain-http and --insecure-registry apply to one "
        + "registry, but the references name " + first + " and " + second + "; run one command per registry");
  }

  /** The client for {@code reference}'s registry, made on first use. */
  private synchronized RegistryClient client(Reference reference, PrintWriter err)
      throws IOException, UserException {
    RegistryClient client = clients.get(reference.registry());
    if (client == null) {
      // Credentials given on the command line and --plain-http/--insecure-registry name no registry: they are meant
      // for the one the user has in mind, so a list that reaches a second registry must not get them too.
      if (commandLineRegistrySettings() && !clients.isEmpty()) {
        throw oneRegistry(clients.keySet().iterator().next(), reference.registry());
      }
      client = new RegistryClient(registryOptions(reference, debugOut != null ? debugOut : err));
      clients.put(reference.registry(), client);
    }
    return client;
  }

  private synchronized Target track(Target t) {
    opened.add(t);
    return t;
  }

  /** Where {@code --debug} lines of the registry clients go, instead of the error stream of the first open. */
  void debugTo(PrintWriter out) {
    this.debugOut = out;
  }

  private RegistryOptions registryOptions(Reference reference, PrintWriter err)
      throws IOException, UserException {
    CredentialStore credentials;
    if (options.username != null || options.passwordStdin) {
      if (!options.passwordStdin) {
        throw new UserException("--username needs --password-stdin (nota never takes a password as an argument)");
      }
      if (stdinSecret == null) {
        stdinSecret = new String(context.stdin().readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      credentials = new StaticCredentials(options.username, stdinSecret);
    } else {
      credentials = DockerConfigCredentials.of(context.config().dockerConfig(context.env()),
          CredentialHelpers.onPath(context.env().get("PATH")));
    }
    // --plain-http: the registry is plain HTTP, no TLS attempted. It is also listed as insecure, so that a transport
    // that does not read the plain-HTTP set yet still reaches it (after its one-line probe) rather than failing TLS.
    Set<String> plain = options.plainHttp ? Set.of(reference.registry()) : Set.of();
    Set<String> insecure = options.insecureRegistry || options.plainHttp ? Set.of(reference.registry()) : Set.of();
    RegistryOptions base = RegistryOptions.defaults();
    return new RegistryOptions(insecure, options.caFile, credentials, "nota/" + Nota.Version.version(),
        base.timeout(), base.maxRetries(), forceReferrersTag,
        options.debug ? line -> err.println("debug: " + line) : null, plain);
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
    IOException failed = null;
    for (Target t : opened) {
      try {
        t.close();
      } catch (IOException e) {
        failed = failed == null ? e : failed;
      }
    }
    clients.values().forEach(RegistryClient::close);
    if (failed != null) {
      throw failed;
    }
  }
}
