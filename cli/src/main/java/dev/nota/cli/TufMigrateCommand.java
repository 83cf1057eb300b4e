package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.sign.SignatureManifests;
import dev.nota.core.sign.Signer;
import dev.nota.core.tuf.Gun;
import dev.nota.core.tuf.SignedTarget;
import dev.nota.core.tuf.TrustedRepository;
import dev.nota.core.tuf.TufException;
import dev.nota.oci.MediaTypes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota tuf migrate}: carries Notary v1 trust decisions over to v2 signatures. For each v1-signed tag (as
 * Docker resolves it) the v1 data is verified, the registry's manifest digest must equal the v1 pin, and only then
 * is the digest signed with a nota key; the signature's user metadata records where the v1 trust came from.
 */
@Command(name = "migrate", description = "Sign v1-signed tags with a v2 signature after checking the registry "
    + "digest equals the v1 pin.")
final class TufMigrateCommand implements Callable<Integer> {
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

  @Mixin TufSourceOptions source;
  @Mixin KeySecretOptions keySecret;

  private final Context context;

  TufMigrateCommand(Context context) {
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
    if (source.passwordStdin && keySecret.stdin) {
      throw new UserException("--password-stdin and --key-password-stdin both read standard input; give the key's "
          + "secret with --key-password-env NAME");
    }
    Gun gun = TufCommand.gun(gunArg);
    TrustedRepository repo = source.load(context, gun.name());
    TufCommand.warnings(err, repo);
    List<SignedTarget> plan = new ArrayList<>();
    if (tags == null || tags.isEmpty()) {
      plan.addAll(TufCommand.dockerTags(repo));
    } else {
      for (String tag : tags) {
        try {
          plan.add(repo.docker(tag));
        } catch (TufException e) {
          throw TufCommand.failure(e);
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
