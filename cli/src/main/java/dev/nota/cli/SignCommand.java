package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.LocalKey;
import dev.nota.core.key.SigningKeys;
import dev.nota.core.sign.SignatureManifests;
import dev.nota.core.sign.Signer;
import dev.nota.oci.MediaTypes;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nota sign}: signs an artifact and pushes the signature next to it. */
@Command(name = "sign", description = "Sign an artifact and store the signature in the registry (or layout).")
final class SignCommand extends ArtifactCommand {
  @Option(names = {"-k", "--key"}, description = "Signing key name (default: the default key).")
  String key;

  @Option(names = "--signature-format", defaultValue = "jws", description = "jws or cose (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = {"-e", "--expiry"}, description = "Signature lifetime, e.g. 24h (default: none).")
  String expiry;

  @Option(names = {"-m", "--user-metadata"}, paramLabel = "KEY=VALUE",
      description = "Metadata to sign with the artifact (repeatable).")
  List<String> userMetadata;

  @Option(names = "--signature-manifest", defaultValue = "artifact-type",
      description = "Signature manifest form: artifact-type (OCI 1.1, default) or legacy (notation 1.x).")
  String manifestForm;

  @Option(names = "--force-referrers-tag",
      description = "Also maintain the sha256-<digest> referrers tag index when the registry has the Referrers API.")
  boolean forceReferrersTag;

  SignCommand(Context context) {
    super(context);
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
    SignatureManifests.Form form = switch (manifestForm) {
      case "artifact-type" -> SignatureManifests.Form.ARTIFACT_TYPE;
      case "legacy" -> SignatureManifests.Form.LEGACY;
      default -> throw new UserException("--signature-manifest must be artifact-type or legacy");
    };
    Signer.Options options = new Signer.Options(mediaType,
        expiry == null ? null : Durations.parse(expiry),
        KeyValues.parse("--user-metadata", userMetadata),
        form,
        "nota/" + Nota.Version.version(),
        context.clock());
    PrimitiveSigner signer = loadKey();
    try (Targets targets = new Targets(context, target)) {
      targets.forceReferrersTag(forceReferrersTag);
      Targets.Opened opened = targets.open(reference, "sign", err);
      Signer.Result result = Signer.sign(opened.target(), opened.artifact(), signer, options);
      out.println("Successfully signed " + opened.display());
      out.println("Pushed the signature to " + opened.display().replaceFirst("@.*$", "") + "@"
          + result.signatureManifest().digest());
    }
    return ExitCode.OK;
  }

  private PrimitiveSigner loadKey() throws Exception {
    KeyEntry entry = SigningKeys.load(context.config().root()).get(key);
    if (entry.isPlugin()) {
      throw new UserException("key \"" + entry.name() + "\" uses plugin \"" + entry.pluginName()
          + "\"; nota does not run signing plugins yet");
    }
    return LocalKey.load(entry.keyPath(), entry.certPath());
  }
}
