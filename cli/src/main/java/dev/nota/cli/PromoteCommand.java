package dev.nota.cli;

import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.revocation.OnlineRevocationChecker;
import dev.nota.core.revocation.RevocationOptions;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.core.verify.CheckResult;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.RequirementOutcome;
import dev.nota.core.verify.NotaryV1Verifier;
import dev.nota.core.verify.RequirementVerifier;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.verify.VerificationOutcome;
import dev.nota.core.verify.Verifier;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.copy.Copier;
import dev.nota.policy.NoApplicablePolicyException;
import dev.nota.policy.NotaTrustPolicyDocument;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.Requirement;
import dev.nota.policy.SignatureRule;
import dev.nota.policy.X509TrustStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota promote}: the promotion step of a supply chain in one command. Verify the artifact at the source as
 * {@code nota verify} would (the requirements of {@code trustpolicy.nota.json} when one matches, else the trust
 * policy) and refuse if it fails; copy it with every referrer; add the organisation's own signature at the
 * destination; verify there again. Nothing is copied when the source does not verify.
 */
@Command(name = "promote",
    description = "Verify at the source, copy with all signatures, sign at the destination, verify there.")
final class PromoteCommand implements Callable<Integer>, Nota.Debuggable {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "registry/repo:tag or @digest (or a layout).")
  String source;

  @Parameters(index = "1", paramLabel = "DESTINATION", description = "registry/repo[:tag] (or a layout).")
  String destination;

  @Option(names = {"-k", "--key"}, description = "Key to sign with at the destination (default: the default key).")
  String key;

  @Option(names = "--signature-format", defaultValue = "jws", description = "jws or cose (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--from-oci-layout", description = "The source is an OCI layout directory or archive.")
  boolean fromLayout;

  @Option(names = "--to-oci-layout", description = "The destination is an OCI layout directory or archive.")
  boolean toLayout;

  @Option(names = "--scope", description = "Trust policy scope of a --from-oci-layout source.")
  String scope;

  @Option(names = "--to-scope", description = "Trust policy scope of a --to-oci-layout destination.")
  String toScope;

  @Option(names = "--require", paramLabel = "NAME", split = ",",
      description = "Also require at the source a signature satisfying this statement (or Notary v1 source) of "
          + "trustpolicy.nota.json; repeatable or comma-separated.")
  List<String> require = new java.util.ArrayList<>();

  @Option(names = "--insecure-registry", description = "Allow plain HTTP to registries that do not speak TLS.")
  boolean insecureRegistry;

  @Option(names = "--plain-http", description = "Talk plain HTTP to the registries.")
  boolean plainHttp;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificates in this PEM file too.")
  Path caFile;

  @Option(names = {"-d", "--debug"}, description = "Print debug output (never secrets).")
  boolean debug;

  private final Context context;
  private OciTrustPolicyDocument notationPolicies;
  private NotaryV1Verifier notaryV1;

  PromoteCommand(Context context) {
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
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (fromLayout && scope == null) {
      throw new UserException("--from-oci-layout needs --scope, the trust policy scope to verify the source against");
    }
    String envelopeType = BlobCommand.envelopeType(format);
    // Everything that can fail on configuration fails before anything is read from or written to a registry.
    PrimitiveSigner signer = SigningKeyLoader.load(context, key);
    java.util.Optional<NotaTrustPolicyDocument> requirements = NotaTrustPolicyDocument.load(context.config().root());
    // notation's policy is needed up front only when nota's own does not exist (then it alone decides)
    if (requirements.isEmpty()) {
      notationPolicies();
    }
    if (!require.isEmpty()) {
      if (requirements.isEmpty()) {
        throw new UserException("--require names statements of " + NotaTrustPolicyDocument.FILE_NAME
            + ", which does not exist in " + context.config().root());
      }
      for (String name : require) {
        boolean known = requirements.get().notaryV1(name).isPresent()
            || requirements.get().trustPolicies().stream().anyMatch(t -> t.name().equals(name));
        if (!known) {
          throw new UserException("--require " + name + ": " + NotaTrustPolicyDocument.FILE_NAME
              + " has no statement or Notary v1 source of that name");
        }
      }
    }
    EnvelopeVerifier checks = envelopeVerifier();
    Verifier verifier = new Verifier(checks, 4);
    try (Targets from = new Targets(context, options()); Targets to = new Targets(context, options())) {
      Targets.Opened src = from.open(source, "promote", false, fromLayout, err);
      String sourceScope = fromLayout ? scope : src.scope();
      String sourceTag = fromLayout || !src.byTag() ? null : Reference.parse(source).tag();
      String sourceRepository = fromLayout ? null : src.scope();
      java.util.Optional<NotaTrustPolicyDocument.Match> match = requirements.isEmpty() ? java.util.Optional.empty()
          : requirements.get().requirementFor(sourceScope);
      if (match.isPresent()) {
        // nota's own policy demands several signatures (vendor AND scanner...): the source must meet all of them.
        RequirementOutcome met = requirementChecks(checks, sourceRepository, sourceTag)
            .verify(src.target(), src.artifact(), match.get(), requirements.get(), Map.of());
        if (!met.satisfied()) {
          err.println("Error: " + src.display() + " does not meet the requirements of "
              + NotaTrustPolicyDocument.FILE_NAME + " at the source (missing: " + String.join("; ", met.missing())
              + "); nothing was copied");
          return ExitCode.VERIFICATION_FAILED;
        }
        out.println("Verified " + src.display() + " at the source (requirements of "
            + NotaTrustPolicyDocument.FILE_NAME + ")");
      } else {
        PolicyStatement sourcePolicy = PolicyStatement.of(notationPolicies().applicablePolicy(sourceScope));
        VerificationOutcome atSource = verifier.verify(src.target(), src.artifact(), sourcePolicy, Map.of(), 100);
        if (!atSource.succeeded()) {
          err.println("Error: " + src.display() + " does not verify at the source under trust policy \""
              + sourcePolicy.name() + "\" (" + reason(atSource) + "); nothing was copied");
          return ExitCode.VERIFICATION_FAILED;
        }
        out.println("Verified " + src.display() + " at the source (trust policy \"" + sourcePolicy.name() + "\")");
      }
      if (!require.isEmpty()) {
        // --require: the named statements too, each by a signature of its own, whatever the scopes say
        Requirement asked = new Requirement(List.of(sourceScope),
            new SignatureRule(List.copyOf(new java.util.LinkedHashSet<>(require)), 0, List.of()), List.of());
        RequirementOutcome met = requirementChecks(checks, sourceRepository, sourceTag)
            .verify(src.target(), src.artifact(), new NotaTrustPolicyDocument.Match(asked, sourceScope),
                requirements.get(), Map.of());
        if (!met.satisfied()) {
          err.println("Error: " + src.display() + " does not meet --require " + String.join(",", require)
              + " at the source (missing: " + String.join("; ", met.missing()) + "); nothing was copied");
          return ExitCode.VERIFICATION_FAILED;
        }
        out.println("Verified " + src.display() + " at the source (--require " + String.join(",", require) + ")");
      }

      Targets.Destination dst = to.openDestination(destination, toLayout, err);
      String tag = dst.tag();
      if (tag == null && dst.digest() == null && src.byTag()) {
        tag = fromLayout ? dev.nota.oci.layout.LayoutReference.parse(source).reference() : Reference.parse(source).tag();
      }
      if (dst.digest() != null && !dst.digest().equals(src.artifact().digest())) {
        throw new UserException("the destination names digest " + dst.digest() + " but the source is "
            + src.artifact().digest() + "; a copy never changes digests");
      }
      Copier.Options copy = Copier.Options.defaults();
      if (!fromLayout && dst.registry() != null) {
        Reference s = Reference.parse(source);
        if (s.registry().equals(dst.registry()) && !s.repository().equals(dst.repository())) {
          copy = copy.withMountFrom(s.repository());
        }
      }
      // The artifact and its referrers land untagged; the tag is written after the new signature exists.
      Copier.Result copied = Copier.copy(src.target(), src.artifact(), dst.target(), null, copy);
      Descriptor root = copied.root();
      Signer.Result signed = Signer.sign(dst.target(), root, signer, new Signer.Options(envelopeType, null, null,
          null, "nota/" + Nota.Version.version(), context.clock()));
      if (tag != null) {
        dst.target().tag(root, tag);
      }
      String shown = dst.display() + (tag != null ? ":" + tag : "") + "@" + root.digest();
      out.println("Copied with " + copied.referrers() + " referrers to " + shown);
      out.println("Signed at the destination: " + signed.signatureManifest().digest());

      String destinationScope = toLayout ? toScope : dst.registry() + "/" + dst.repository();
      if (destinationScope == null) {
        err.println("Warning: no --to-scope for the layout destination; not verified there");
        return ExitCode.OK;
      }
      java.util.Optional<NotaTrustPolicyDocument.Match> destinationMatch = requirements.isEmpty()
          ? java.util.Optional.empty() : requirements.get().requirementFor(destinationScope);
      if (destinationMatch.isPresent()) {
        RequirementOutcome met = requirementChecks(checks, toLayout ? null : destinationScope, tag)
            .verify(dst.target(), root, destinationMatch.get(), requirements.get(), Map.of());
        if (!met.satisfied()) {
          err.println("Error: " + shown + " does not meet the requirements of " + NotaTrustPolicyDocument.FILE_NAME
              + " at the destination (missing: " + String.join("; ", met.missing()) + ")");
          return ExitCode.VERIFICATION_FAILED;
        }
        out.println("Verified " + shown + " at the destination (requirements of " + NotaTrustPolicyDocument.FILE_NAME
            + ")");
        return ExitCode.OK;
      }
      PolicyStatement destinationPolicy;
      try {
        destinationPolicy = PolicyStatement.of(notationPolicies().applicablePolicy(destinationScope));
      } catch (NoApplicablePolicyException e) {
        err.println("Warning: no trust policy applies to " + destinationScope + "; not verified there");
        return ExitCode.OK;
      }
      VerificationOutcome atDestination = verifier.verify(dst.target(), root, destinationPolicy, Map.of(), 100);
      if (!atDestination.succeeded()) {
        err.println("Error: " + shown + " does not verify at the destination under trust policy \""
            + destinationPolicy.name() + "\" (" + reason(atDestination) + ")");
        return ExitCode.VERIFICATION_FAILED;
      }
      out.println("Verified " + shown + " at the destination (trust policy \"" + destinationPolicy.name() + "\")");
      return ExitCode.OK;
    }
  }

  /**
   * The checks of trustpolicy.nota.json requirements, Notary v1 sources resolved for {@code repository} (null for an
   * OCI layout) and {@code tag}; one v1 verifier per command, so v1 trust data is read once.
   */
  private RequirementVerifier requirementChecks(EnvelopeVerifier checks, String repository, String tag) {
    if (notaryV1 == null) {
      notaryV1 = new NotaryV1Verifier(new NotaryV1Sources(context, context.clock()));
    }
    return new RequirementVerifier(checks, 4, 100).withNotaryV1(notaryV1, repository, tag);
  }

  /** notation's trust policy, read on first use. */
  private OciTrustPolicyDocument notationPolicies() throws Exception {
    if (notationPolicies == null) {
      notationPolicies = OciTrustPolicyDocument.load(context.config().root());
    }
    return notationPolicies;
  }

  private EnvelopeVerifier envelopeVerifier() throws UserException {
    OnlineRevocationChecker revocation = new OnlineRevocationChecker(RevocationOptions.defaults()
        .withCacheDir(RevocationFlags.cacheDir(context))
        .withClock(context.clock()));
    return new EnvelopeVerifier(new X509TrustStore(context.config().trustStoreRoot()), context.clock(),
        revocation, new Rfc3161TimestampVerifier(revocation, context.clock()))
        .withPlugins(Plugins.host(context, null), Map.of());
  }

  private static String reason(VerificationOutcome outcome) {
    return switch (outcome.status()) {
      case NO_SIGNATURE -> "no signature";
      case SKIPPED -> "skipped";
      default -> {
        for (SignatureResult r : outcome.signatures()) {
          CheckResult f = r.failure();
          if (f != null) {
            yield f.name() + " failed: " + f.message();
          }
        }
        yield "no signature verified";
      }
    };
  }
}
