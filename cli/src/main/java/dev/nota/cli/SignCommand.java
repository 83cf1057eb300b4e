package dev.nota.cli;

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
@Command(name = "sign", description = {"Sign an artifact and store the signature in the registry (or layout).",
    "With several references or --from-file (bulk mode): the key is loaded once, each reference's result is printed"
        + " in input order, one that cannot be signed gets an error line without stopping the others, and the exit "
        + "code is the highest of the references' (0 signed < 1 timestamp not trusted < 2 usage < 3 registry < 4 "
        + "internal)."})
final class SignCommand extends BulkArtifactCommand {
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

  @Option(names = "--plugin", paramLabel = "NAME",
      description = "Sign with a key held by this installed plugin (with --id; instead of --key).")
  String plugin;

  @Option(names = "--id", paramLabel = "KEY_ID", description = "The key's id in --plugin.")
  String pluginKeyId;

  @Option(names = "--plugin-config", paramLabel = "KEY=VALUE",
      description = "Settings passed to the signing plugin (repeatable; over a plugin key's stored ones).")
  List<String> pluginConfig;

  @Option(names = "--recursive",
      description = "For an index: also sign each manifest it lists, each with its own signature.")
  boolean recursive;

  SignCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> refs = references(target.passwordStdin ? "--password-stdin"
        : keySecret.stdin ? "--key-password-stdin" : null);
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
    SigningKeyLoader.Loaded signer =
        Signing.key(context, key, plugin, pluginKeyId, pluginConfig, keySecret, target.debug ? err : null);
    try (Targets targets = new Targets(context, target)) {
      targets.forceReferrersTag(forceReferrersTag);
      if (bulk()) {
        targets.requireOneRegistry(refs);
        targets.debugTo(err);
        SigningKeyLoader.Loaded shared = oneAtATime(signer);
        // A plugin key's certificate chain is the one of its last answer, so a plugin signs one artifact at a time
        // from describe-key to push; other keys only serialise their raw signing calls.
        boolean byPlugin = signer.envelope() != null
            || signer.raw() instanceof dev.nota.core.plugin.PluginSigner;
        Object pluginLock = new Object();
        return Bulk.run(refs, concurrency, false, target.debug, out, err, "signed", (ref, refErr) -> {
          java.io.StringWriter lines = new java.io.StringWriter();
          PrintWriter refOut = new PrintWriter(lines);
          try {
            if (byPlugin) {
              synchronized (pluginLock) {
                signOne(targets, ref, shared, options, refOut, refErr);
              }
            } else {
              signOne(targets, ref, shared, options, refOut, refErr);
            }
          } catch (Exception e) {
            // --recursive may have signed some of an index's manifests before failing: report those too
            refOut.flush();
            List<String> done = lines.toString().lines().toList();
            throw done.isEmpty() ? e : new Bulk.Partial(done, e);
          }
          refOut.flush();
          return new Bulk.Outcome(ExitCode.OK, lines.toString().lines().toList(),
              java.util.Map.of("result", "signed"));
        });
      }
      signOne(targets, refs.get(0), signer, options, out, err);
    }
    return ExitCode.OK;
  }

  /** Signs one reference (and with --recursive what it lists), printing what was pushed. */
  private void signOne(Targets targets, String reference, SigningKeyLoader.Loaded signer, Signer.Options options,
      PrintWriter out, PrintWriter err) throws Exception {
    Targets.Opened opened = targets.open(reference, "sign", err);
    Signer.Result result;
    try {
      if (recursive) {
        String repository = opened.display().replaceFirst("@.*$", "");
        for (dev.nota.oci.Descriptor listed : Signing.listedManifests(opened.target(), opened.artifact())) {
          Signer.Result r = Signing.sign(opened.target(), listed, signer, options);
          out.println("Successfully signed " + repository + "@" + listed.digest());
          out.println("Pushed the signature to " + repository + "@" + r.signatureManifest().digest());
        }
      }
      result = Signing.sign(opened.target(), opened.artifact(), signer, options);
    } catch (TimestampException e) {
      throw new UserException(e.reason() == TimestampException.Reason.UNREACHABLE
          ? ExitCode.REGISTRY : ExitCode.VERIFICATION_FAILED, "timestamping failed: " + e.getMessage());
    }
    out.println("Successfully signed " + opened.display());
    out.println("Pushed the signature to " + opened.display().replaceFirst("@.*$", "") + "@"
        + result.signatureManifest().digest());
  }

  /**
   * {@code key} with its raw signing calls made one at a time, for bulk signing on several threads: a token's session
   * or a key store need not take concurrent requests (plugin keys are serialised whole by the caller).
   */
  private static SigningKeyLoader.Loaded oneAtATime(SigningKeyLoader.Loaded key) {
    dev.nota.core.envelope.PrimitiveSigner raw = key.raw();
    if (raw == null) {
      return key;
    }
    return new SigningKeyLoader.Loaded(new dev.nota.core.envelope.PrimitiveSigner() {
      @Override
      public dev.nota.core.envelope.SignatureAlgorithm algorithm() {
        return raw.algorithm();
      }

      @Override
      public List<X509Certificate> certificateChain() {
        return raw.certificateChain();
      }

      @Override
      public synchronized byte[] sign(byte[] toBeSigned) throws dev.nota.core.NotaException {
        return raw.sign(toBeSigned);
      }
    }, key.envelope());
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
                .withCacheDir(RevocationFlags.cacheDir(context))
                .withClock(context.clock())))
        .withClock(context.clock()));
  }
}
