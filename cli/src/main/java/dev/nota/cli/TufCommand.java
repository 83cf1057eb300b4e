package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.sign.SignatureManifests;
import dev.nota.core.sign.Signer;
import dev.nota.core.tuf.Gun;
import dev.nota.core.tuf.MetadataSource;
import dev.nota.core.tuf.ServerSource;
import dev.nota.core.tuf.SignedTarget;
import dev.nota.core.tuf.Targets;
import dev.nota.core.tuf.TrustCache;
import dev.nota.core.tuf.TrustDirSource;
import dev.nota.core.tuf.TrustedRepository;
import dev.nota.core.tuf.TufClient;
import dev.nota.core.tuf.TufException;
import dev.nota.core.tuf.TufKey;
import dev.nota.oci.MediaTypes;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota tuf}: reads and verifies Notary v1 (Docker Content Trust) trust data from a notary server or a trust
 * directory, to the notary client's standard, so v1 trust decisions can be checked and carried over to v2.
 */
@Command(name = "tuf", description = "Read and verify Notary v1 (Docker Content Trust) trust data.",
    subcommands = {TufCommand.ListTags.class, TufCommand.Inspect.class, TufCommand.VerifyTag.class,
      TufCommand.Migrate.class})
final class TufCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand: list, inspect, verify or migrate");
  }

  /** Where the trust data comes from and how it is verified; shared by every subcommand. */
  static final class SourceOptions {
    @ArgGroup(exclusive = true)
    Where where;

    static final class Where {
      @Option(names = "--server", paramLabel = "URL", description = "Notary server, e.g. https://notary.docker.io.")
      URI server;

      @Option(names = "--trust-dir", paramLabel = "DIR",
          description = "Trust directory in docker's layout (default: $DOCKER_CONFIG/trust or ~/.docker/trust).")
      Path trustDir;
    }

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificates in this PEM file too.")
    Path caFile;

    @Option(names = "--root-cert", paramLabel = "PEM",
        description = "Pin the root: a root key must be this certificate (or its public key).")
    Path rootCert;

    @Option(names = "--at", paramLabel = "TIME", description = "Check expiry at this RFC 3339 time (audits).")
    String at;

    @Option(names = "--cache-dir", paramLabel = "DIR",
        description = "Cache of verified metadata for --server (default: <nota config>/tuf/<gun>/metadata).")
    Path cacheDir;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
    OutputFormat output;

    TrustedRepository load(Context context, String gun) throws UserException {
      if (output == OutputFormat.tree) {
        throw new UserException("--output must be text or json for nota tuf");
      }
      try {
        Clock clock = context.clock();
        if (at != null) {
          try {
            clock = Clock.fixed(OffsetDateTime.parse(at).toInstant(), ZoneOffset.UTC);
          } catch (DateTimeParseException e) {
            throw new UserException("--at \"" + at + "\" is not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)");
          }
        }
        TufClient.Options options = TufClient.Options.of(clock);
        if (rootCert != null) {
          options = options.withPinnedRoot(certificate(rootCert));
        }
        MetadataSource source;
        if (where != null && where.server != null) {
          source = ServerSource.of(where.server, gun, caFile);
          Path cache = cacheDir != null ? cacheDir
              : context.config().root().resolve("tuf").resolve(gun).resolve("metadata");
          options = options.withCache(new TrustCache(cache));
        } else {
          Path dir = where != null && where.trustDir != null ? where.trustDir : dockerTrustDir(context);
          source = TrustDirSource.of(dir, gun);
          if (cacheDir != null) {
            options = options.withCache(new TrustCache(cacheDir));
          }
        }
        return TufClient.load(gun, source, options);
      } catch (TufException e) {
        throw failure(e);
      }
    }

    private static Path dockerTrustDir(Context context) {
      String dir = context.env().get("DOCKER_CONFIG");
      return dir != null ? Path.of(dir, "trust") : Path.of(System.getProperty("user.home"), ".docker", "trust");
    }

    private static X509Certificate certificate(Path pem) throws UserException {
      try (InputStream in = Files.newInputStream(pem)) {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      } catch (Exception e) {
        throw new UserException("cannot read the root certificate " + pem + ": " + e.getMessage());
      }
    }
  }

  static UserException failure(TufException e) {
    int code = switch (e.kind()) {
      case VERIFICATION -> ExitCode.VERIFICATION_FAILED;
      case NETWORK -> ExitCode.REGISTRY;
      case INPUT -> ExitCode.USAGE;
    };
    return new UserException(code, e.getMessage());
  }

  static Gun gun(String arg) throws UserException {
    try {
      return Gun.fromImage(arg);
    } catch (TufException e) {
      throw failure(e);
    }
  }

  static void warnings(PrintWriter err, TrustedRepository repo) {
    for (String w : repo.warnings()) {
      err.println("Warning: " + w);
    }
  }

  /** {@code nota tuf list}: every signed target, like {@code notary list}. */
  @Command(name = "list", aliases = "ls", description = "List the signed tags of a GUN or image, like notary list.")
  static final class ListTags implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "GUN|IMAGE", description = "e.g. registry.example.com/acme/app or alpine") String target;
    @Option(names = "--roles", paramLabel = "ROLE", description = "Only this role and the roles below it.")
    String role;
    @Mixin SourceOptions source;
    private final Context context;

    ListTags(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Gun gun = gun(target);
      if (role != null && !(role.equals("targets") || role.startsWith("targets/"))) {
        throw new UserException("--roles must be targets or a delegation targets/..., got " + role);
      }
      TrustedRepository repo = source.load(context, gun.name());
      PrintWriter out = spec.commandLine().getOut();
      warnings(spec.commandLine().getErr(), repo);
      List<SignedTarget> list = repo.list(role);
      if (source.output == OutputFormat.json) {
        List<Object> tags = new ArrayList<>();
        for (SignedTarget t : list) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", t.name());
          m.put("digest", t.digest());
          m.put("size", t.length());
          m.put("role", t.role());
          m.put("signers", t.signerKeyIds());
          tags.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("gun", gun.name());
        doc.put("tags", tags);
        doc.put("warnings", repo.warnings());
        Json.print(out, doc);
        return ExitCode.OK;
      }
      if (list.isEmpty()) {
        out.println("No targets present in this repository.");
        return ExitCode.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "DIGEST", "SIZE (BYTES)", "ROLE"});
      rows.add(new String[] {"----", "------", "------------", "----"});
      for (SignedTarget t : list) {
        rows.add(new String[] {t.name(), t.meta().sha256Hex() == null ? "-" : t.meta().sha256Hex(),
            Long.toString(t.length()), t.role()});
      }
      table(out, rows);
      return ExitCode.OK;
    }
  }

  /** {@code nota tuf inspect}: like {@code docker trust inspect}. */
  @Command(name = "inspect", description = "Signed tags, signers and administrative keys, like docker trust inspect.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "IMAGE[:TAG]") String image;
    @Mixin SourceOptions source;
    private final Context context;

    Inspect(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Gun gun = gun(image);
      TrustedRepository repo = source.load(context, gun.name());
      warnings(spec.commandLine().getErr(), repo);
      List<Object> signedTags = new ArrayList<>();
      for (SignedTarget t : dockerTags(repo)) {
        if (gun.tag() != null && !gun.tag().equals(t.name())) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SignedTag", t.name());
        m.put("Digest", t.meta().sha256Hex());
        m.put("Signers", List.of(signerName(t.role())));
        signedTags.add(m);
      }
      List<Object> signers = new ArrayList<>();
      for (TrustedRepository.VerifiedRole r : repo.roles()) {
        for (Targets.Delegation d : r.targets().delegations()) {
          if (repo.role(d.name()) == null && !d.name().equals("targets/releases")) {
            continue;
          }
          List<Object> keys = new ArrayList<>();
          for (String id : d.keys().keyIds()) {
            keys.add(Map.of("ID", r.targets().delegationKeys().get(id).canonicalId()));
          }
          signers.add(Map.of("Name", signerName(d.name()), "Keys", keys));
        }
      }
      List<Object> admin = new ArrayList<>();
      admin.add(Map.of("Name", "Root", "Keys", keyIds(repo, "root")));
      admin.add(Map.of("Name", "Repository", "Keys", keyIds(repo, "targets")));
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("Name", image);
      doc.put("SignedTags", signedTags);
      doc.put("Signers", signers);
      doc.put("AdministrativeKeys", admin);
      if (source.output == OutputFormat.text) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Signatures for " + image);
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SIGNED TAG", "DIGEST", "SIGNERS"});
        for (Object o : signedTags) {
          Map<?, ?> m = (Map<?, ?>) o;
          rows.add(new String[] {(String) m.get("SignedTag"), (String) m.get("Digest"),
              String.join(", ", (List<String>) m.get("Signers"))});
        }
        table(out, rows);
        out.println();
        out.println("List of signers and their keys for " + image);
        out.println();
        rows = new ArrayList<>();
        rows.add(new String[] {"SIGNER", "KEYS"});
        for (Object o : signers) {
          Map<?, ?> m = (Map<?, ?>) o;
          rows.add(new String[] {(String) m.get("Name"), ids((List<?>) m.get("Keys"))});
        }
        table(out, rows);
        out.println();
        out.println("Administrative keys for " + image);
        out.println();
        for (Object o : admin) {
          Map<?, ?> m = (Map<?, ?>) o;
          out.println("  " + m.get("Name") + " Key:\t" + ids((List<?>) m.get("Keys")));
        }
        return ExitCode.OK;
      }
      Json.print(spec.commandLine().getOut(), List.of(doc));
      return ExitCode.OK;
    }

    private static String ids(List<?> keys) {
      List<String> out = new ArrayList<>();
      for (Object k : keys) {
        out.add(String.valueOf(((Map<?, ?>) k).get("ID")));
      }
      return String.join(", ", out);
    }

    private static List<Object> keyIds(TrustedRepository repo, String role) {
      List<Object> out = new ArrayList<>();
      for (String id : repo.root().roles().get(role).keyIds()) {
        TufKey k = repo.root().keys().get(id);
        out.add(Map.of("ID", k.canonicalId()));
      }
      return out;
    }

    private static String signerName(String role) {
      return role.equals("targets") ? "Repo Admin" : role.substring("targets/".length());
    }
  }

  /** {@code nota tuf verify}: the digest a tag's v1 signature pins. */
  @Command(name = "verify", description = "Verify the Notary v1 signature of IMAGE:TAG and print the digest it pins.")
  static final class VerifyTag implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "IMAGE:TAG") String image;
    @Mixin SourceOptions source;
    private final Context context;

    VerifyTag(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Gun gun = gun(image);
      if (gun.tag() == null) {
        throw new UserException("give a tag: " + image + ":<tag>");
      }
      TrustedRepository repo = source.load(context, gun.name());
      warnings(spec.commandLine().getErr(), repo);
      SignedTarget t;
      try {
        t = repo.docker(gun.tag());
      } catch (TufException e) {
        throw failure(e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (source.output == OutputFormat.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gun", gun.name());
        m.put("tag", t.name());
        m.put("digest", t.digest());
        m.put("size", t.length());
        m.put("role", t.role());
        m.put("signers", t.signerKeyIds());
        Json.print(out, m);
      } else {
        out.println(t.digest());
      }
      return ExitCode.OK;
    }
  }

  /** Tags as Docker shows them: from targets/releases, else targets. */
  static List<SignedTarget> dockerTags(TrustedRepository repo) {
    List<SignedTarget> out = new ArrayList<>();
    for (SignedTarget t : repo.list(null)) {
      try {
        out.add(repo.docker(t.name()));
      } catch (TufException e) {
        // signed by another delegation only: Docker does not show it
      }
    }
    for (SignedTarget t : repo.list("targets/releases")) {
      if (out.stream().noneMatch(o -> o.name().equals(t.name()))) {
        out.add(t);
      }
    }
    out.sort(java.util.Comparator.comparing(SignedTarget::name));
    return out;
  }

  /**
   * {@code nota tuf migrate}: carries Notary v1 trust decisions over to v2 signatures. For each v1-signed tag (as
   * Docker resolves it) the v1 data is verified, the registry's manifest digest must equal the v1 pin, and only then
   * is the digest signed with a nota key; the signature's user metadata records where the v1 trust came from.
   */
  @Command(name = "migrate", description = "Sign v1-signed tags with a v2 signature after checking the registry "
      + "digest equals the v1 pin.")
  static final class Migrate implements Callable<Integer> {
    /** User metadata keys recording the v1 provenance in the v2 signature. */
    static final String GUN = "dev.nota.tuf.gun";
    static final String TAG = "dev.nota.tuf.tag";
    static final String ROLE = "dev.nota.tuf.role";
    static final String SIGNERS = "dev.nota.tuf.signers";

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "GUN|IMAGE", description = "The v1 trust data, e.g. registry.example.com/acme/app.")
    String gunArg;

    @Option(names = "--registry", required = true, paramLabel = "REPOSITORY",
        description = "Registry repository holding the images, e.g. registry.example.com/acme/app.")
    String registry;

    @Option(names = {"-k", "--key"}, description = "Signing key name (default: the default key).")
    String key;

    @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Only these tags (default: every tag "
        + "Docker would accept: signed by targets/releases or targets).")
    List<String> tags;

    @Option(names = "--dry-run", description = "Verify and compare digests, print the plan, sign nothing.")
    boolean dryRun;

    @Option(names = "--signature-format", defaultValue = "jws",
        description = "jws or cose (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--insecure-registry",
        description = "Allow plain HTTP to the registry when it does not speak TLS.")
    boolean insecureRegistry;

    @Option(names = "--plain-http", description = "Talk plain HTTP to the registry.")
    boolean plainHttp;

    @Mixin SourceOptions source;
    @Mixin KeySecretOptions keySecret;

    private final Context context;

    Migrate(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String mediaType = switch (format) {
        case "jws" -> MediaTypes.JWS;
        case "cose" -> MediaTypes.COSE;
        default -> throw new UserException("--signature-format must be jws or cose, got \"" + format + "\"");
      };
      if (registry.contains("@") || registry.substring(registry.lastIndexOf('/') + 1).contains(":")) {
        throw new UserException("--registry names a repository without tag or digest, got " + registry);
      }
      Gun gun = gun(gunArg);
      TrustedRepository repo = source.load(context, gun.name());
      warnings(err, repo);
      List<SignedTarget> plan = new ArrayList<>();
      if (tags == null || tags.isEmpty()) {
        plan.addAll(dockerTags(repo));
      } else {
        for (String tag : tags) {
          try {
            plan.add(repo.docker(tag));
          } catch (TufException e) {
            throw failure(e);
          }
        }
      }
      if (plan.isEmpty()) {
        throw new UserException(ExitCode.VERIFICATION_FAILED, "no v1-signed tags to migrate in " + gun.name());
      }
      PrimitiveSigner signer = dryRun ? null : SigningKeyLoader.load(context, key, keySecret);
      TargetOptions targetOptions = new TargetOptions();
      targetOptions.insecureRegistry = insecureRegistry;
      targetOptions.plainHttp = plainHttp;
      targetOptions.caFile = source.caFile;
      int refused = 0;
      for (SignedTarget t : plan) {
        try (dev.nota.cli.Targets targets = new dev.nota.cli.Targets(context, targetOptions)) {
          dev.nota.cli.Targets.Opened opened = targets.open(registry + ":" + t.name(), null, !dryRun, err);
          String actual = opened.artifact().digest().toString();
          if (!actual.equals(t.digest())) {
            err.println("Error: " + t.name() + ": the registry has " + actual + " but the v1 signature pins "
                + t.digest() + "; not migrated");
            refused++;
            continue;
          }
          if (dryRun) {
            out.println("would sign " + registry + "@" + actual + " (tag " + t.name() + ", v1 role " + t.role()
                + ", v1 keys " + String.join(",", t.signerKeyIds()) + ")");
            continue;
          }
          Map<String, String> metadata = new LinkedHashMap<>();
          metadata.put(GUN, gun.name());
          metadata.put(TAG, t.name());
          metadata.put(ROLE, t.role());
          metadata.put(SIGNERS, String.join(",", t.signerKeyIds()));
          Signer.Options options = new Signer.Options(mediaType, null, metadata,
              SignatureManifests.Form.ARTIFACT_TYPE,
              "nota/" + Nota.Version.version(), context.clock());
          Signer.Result result = Signer.sign(opened.target(), opened.artifact(), signer, options);
          out.println("Signed " + registry + "@" + actual + " (tag " + t.name() + ", v1 role " + t.role()
              + "); signature " + result.signatureManifest().digest());
        }
      }
      if (refused > 0) {
        throw new UserException(ExitCode.VERIFICATION_FAILED, refused + " of " + plan.size()
            + " tag(s) not migrated: the registry digest differs from the v1 pin");
      }
      return ExitCode.OK;
    }
  }

  static void table(PrintWriter out, List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        b.append(r[i]);
        if (i < r.length - 1) {
          b.append(" ".repeat(w[i] - r[i].length() + 4));
        }
      }
      out.println(b.toString().stripTrailing());
    }
  }
}
