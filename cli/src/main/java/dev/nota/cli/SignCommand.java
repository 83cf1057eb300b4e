package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.sign.SignatureManifests;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.TimestampClient;
import dev.nota.core.timestamp.TimestampException;
import dev.nota.core.x509.Certificates;
import dev.nota.oci.MediaTypes;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nota sign}: signs an artifact and pushes the signature next to it. With {@code --timestamp-url}, a TSA
 * countersigns the signature first; a TSA that cannot be reached exits 3, an answer that is no trusted timestamp of
 * the request exits 1 (the same trust decision verification would make), and in both cases nothing is pushed.
 */
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

  @Option(names = "--timestamp-url", paramLabel = "URL",
      description = "RFC 3161 TSA that countersigns the signature (needs --timestamp-root-cert).")
  String timestampUrl;

  @Option(names = "--timestamp-root-cert", paramLabel = "FILE",
      description = "PEM or DER root certificate the TSA must chain to (needs --timestamp-url).")
  Path timestampRootCert;

  @Option(names = "--timestamp-timeout", paramLabel = "DURATION",
      description = "Longest wait for the TSA, e.g. 30s (default: 15s, as notation).")
  String timestampTimeout;

  @Option(names = "--force-referrers-tag",
      description = "Also maintain the sha256-<digest> referrers tag index when the registry has the Referrers API.")
  boolean forceReferrersTag;

  @Mixin KeySecretOptions keySecret;

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
        context.clock(),
        timestamper());
    if (keySecret.stdin && target.passwordStdin) {
      throw new UserException("--key-password-stdin and --password-stdin both read standard input; give the key's"
          + " secret with --key-password-env NAME instead");
    }
    PrimitiveSigner signer = SigningKeyLoader.load(context, key, keySecret);
    try (Targets targets = new Targets(context, target)) {
      targets.forceReferrersTag(forceReferrersTag);
      Targets.Opened opened = targets.open(reference, "sign", err);
      Signer.Result result;
      try {
        result = Signer.sign(opened.target(), opened.artifact(), signer, options);
      } catch (TimestampException e) {
        throw new UserException(e.reason() == TimestampException.Reason.UNREACHABLE
            ? ExitCode.REGISTRY : ExitCode.VERIFICATION_FAILED, "timestamping failed: " + e.getMessage());
      }
      out.println("Successfully signed " + opened.display());
      out.println("Pushed the signature to " + opened.display().replaceFirst("@.*$", "") + "@"
          + result.signatureManifest().digest());
    }
    return ExitCode.OK;
  }

  /** The TSA client the timestamp flags ask for, or null without them. */
  private TimestampClient timestamper() throws Exception {
    if (timestampUrl == null && timestampRootCert == null) {
      if (timestampTimeout != null) {
        throw new UserException("--timestamp-timeout needs --timestamp-url and --timestamp-root-cert");
      }
      return null;
    }
    if (timestampUrl == null || timestampRootCert == null) {
      throw new UserException("--timestamp-url and --timestamp-root-cert must be used together");
    }
    URI url;
    try {
      url = new URI(timestampUrl);
    } catch (URISyntaxException e) {
      throw new UserException("--timestamp-url \"" + timestampUrl + "\" is not a URL: " + e.getReason());
    }
    List<X509Certificate> roots = Certificates.readPem(timestampRootCert);
    if (roots.size() != 1) {
      throw new UserException("--timestamp-root-cert " + timestampRootCert + " must hold exactly one certificate, "
          + "found " + roots.size());
    }
    // The TSA chain's revocation is checked online (OCSP, then CRL), as notation does when signing.
    return TimestampClient.create(TimestampClient.Options.of(url, roots.get(0))
        .withTimeout(timestampTimeout == null ? null : Durations.parse(timestampTimeout))
        .withRevocation(new dev.nota.core.revocation.OnlineRevocationChecker(
            dev.nota.core.revocation.RevocationOptions.defaults()
                .withCacheDir(VerifyCommand.revocationCacheDir(context))
                .withClock(context.clock())))
        .withClock(context.clock()));
  }
}
