package dev.nota.cli;

import dev.nota.core.envelope.Payload;
import dev.nota.core.verify.CheckResult;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.NotaryV1Verifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.RequirementOutcome;
import dev.nota.core.verify.RequirementVerifier;
import dev.nota.core.revocation.OnlineRevocationChecker;
import dev.nota.core.revocation.RevocationOptions;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.core.verify.VerificationOutcome;
import dev.nota.core.verify.Verifier;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Reference;
import dev.nota.oci.layout.LayoutReference;
import dev.nota.policy.NotaTrustPolicyDocument;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.ReferrerRequirement;
import dev.nota.policy.Requirement;
import dev.nota.policy.X509TrustStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nota verify}: checks an artifact's signatures against the trust policy and trust store. When
 * {@code trustpolicy.nota.json} has a requirement for the artifact's scope, every rule of it must be met (several
 * signers, N of M, signed referrers) and each rule is reported with what satisfied it; otherwise notation's
 * {@code trustpolicy.json} applies as notation applies it. Revocation of the signing and TSA chains is checked online
 * (OCSP, then CRL) with bounded timeouts and a cache under the user cache directory; {@code --at} verifies as of
 * another time for audits.
 *
 * <p>Several references (or {@code --from-file}) are verified in one process with one policy and trust store load
 * and shared registry connections, one report line per reference in input order (see {@link Bulk}).
 * {@code --artifact-type} also verifies the artifact's referrers of that type (an SBOM, a scan report): each under
 * the referrer rule of the artifact's {@code trustpolicy.nota.json} requirement for that type, else under the
 * requirement's own signature rule, else under notation's statement for the scope; a type with no referrer fails,
 * since the user asked for it.
 */
@Command(name = "verify", description = {"Verify the signatures of an artifact against the trust policy.",
    "With several references or --from-file (bulk mode): one line per reference in input order (-o json: one JSON "
        + "object per line), an unreadable or malformed reference gets its own error line, and the exit code is "
        + "the highest of the references' (0 verified < 1 not verified < 2 usage < 3 registry < 4 internal)."})
final class VerifyCommand extends BulkArtifactCommand {
  @Option(names = {"-m", "--user-metadata"}, paramLabel = "KEY=VALUE",
      description = "Metadata that must be in the signature (repeatable).")
  List<String> userMetadata;

  @Mixin MaxSignatures maxSignatures;

  @Option(names = "--plugin-config", paramLabel = "KEY=VALUE",
      description = "Settings passed to a verification plugin that a signature names (repeatable).")
  List<String> pluginConfig;

  @Option(names = "--scope", description = "Trust policy scope for --oci-layout artifacts, e.g. local/app.")
  String scope;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
  OutputFormat output;

  @Mixin RevocationFlags revocationFlags;

  @Option(names = "--at", paramLabel = "TIME",
      description = "Verify as of this RFC 3339 time (expiry, certificate validity, timestamps), for audits;"
          + " revocation is still checked as of now.")
  String at;

  @Option(names = "--artifact-type", paramLabel = "TYPE",
      description = "Also verify every referrer of this type, e.g. application/spdx+json (repeatable); fails when "
          + "there is none or one is not signed as the trust policy demands.")
  List<String> artifactTypes;

  // What every reference of one run shares, set up once by call().
  private Optional<NotaTrustPolicyDocument> requirements;
  private OciTrustPolicyDocument policies;
  private EnvelopeVerifier checks;
  private Verifier verifier;
  private NotaryV1Verifier notaryV1;
  private Map<String, String> required;
  private int max;
  private List<String> types;

  VerifyCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> refs = references(target.passwordStdin ? "--password-stdin" : null);
    max = maxSignatures.get();
    if (target.ociLayout && scope == null) {
      throw new UserException("--oci-layout needs --scope, the trust policy scope to verify against");
    }
    required = KeyValues.parse("--user-metadata", userMetadata);
    types = new ArrayList<>(new LinkedHashSet<>(artifactTypes == null ? List.of() : artifactTypes));
    for (String t : types) {
      AttachCommand.checkMediaType("--artifact-type", t);
    }
    Clock verifyClock = at == null ? context.clock() : Clock.fixed(parseTime(at), ZoneOffset.UTC);
    RevocationOptions revocationOptions = revocationFlags.options(context);
    ConfigDir config = context.config();
    requirements = NotaTrustPolicyDocument.load(config.root());
    // Without nota's own policy, notation's is needed whatever the artifact: read it before touching the registry.
    policies = requirements.isEmpty() ? OciTrustPolicyDocument.load(config.root()) : null;
    X509TrustStore trustStore = new X509TrustStore(config.trustStoreRoot());
    OnlineRevocationChecker revocation = new OnlineRevocationChecker(revocationOptions);
    // Envelopes that name a verification plugin are verified with it, from <config>/plugins as notation does.
    checks = new EnvelopeVerifier(trustStore, verifyClock, revocation,
        new Rfc3161TimestampVerifier(revocation, verifyClock))
        .withPlugins(Plugins.host(context, target.debug ? err : null),
            KeyValues.parse("--plugin-config", pluginConfig));
    verifier = new Verifier(checks, 4);
    notaryV1 = new NotaryV1Verifier(new NotaryV1Sources(context, verifyClock));
    try (Targets targets = new Targets(context, target)) {
      if (bulk()) {
        targets.requireOneRegistry(refs);
        targets.debugTo(err);
        return Bulk.run(refs, concurrency, output == OutputFormat.json, target.debug, out, err, "verified",
            (ref, refErr) -> bulkOutcome(ref, verify(targets, ref, refErr)));
      }
      Verified v = verify(targets, refs.get(0), err);
      if (output == OutputFormat.json) {
        Json.print(out, report(v));
      } else {
        if (v.required() != null) {
          printRequirements(out, err, v.display(), v.required());
        } else {
          printText(out, err, v.display(), v.plain());
        }
        printReferrers(out, err, v);
      }
      return v.passed() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
    }
  }

  /** One artifact's result: under a requirement of trustpolicy.nota.json or notation's statement; its referrers. */
  private record Verified(String display, VerificationOutcome plain, RequirementOutcome required,
      List<ReferrerCheck> referrers) {
    boolean artifactPassed() {
      return required != null ? required.satisfied() : plain.succeeded();
    }

    boolean passed() {
      return artifactPassed() && referrers.stream().allMatch(ReferrerCheck::passed);
    }
  }

  /** One referrer asked for by {@code --artifact-type}: its result, or (display null) why none was verified. */
  private record ReferrerCheck(String artifactType, String display, VerificationOutcome plain,
      RequirementOutcome required, String problem) {
    boolean passed() {
      return problem == null && (required != null ? required.satisfied() : plain.succeeded());
    }
  }

  /** Verifies one reference (and its referrers of the asked types) with what call() set up. */
  private Verified verify(Targets targets, String ref, PrintWriter err) throws Exception {
    Targets.Opened opened = targets.open(ref, "verify", err);
    String policyScope = scope != null ? scope : opened.scope();
    Optional<NotaTrustPolicyDocument.Match> match = requirements.isEmpty() ? Optional.empty()
        : requirements.get().requirementFor(policyScope);
    if (match.isPresent()) {
      String tag = !opened.byTag() ? null
          : target.ociLayout ? LayoutReference.parse(ref).reference() : Reference.parse(ref).tag();
      RequirementOutcome met = new RequirementVerifier(checks, 4, max)
          .withNotaryV1(notaryV1, target.ociLayout ? null : opened.scope(), tag)
          .verify(opened.target(), opened.artifact(), match.get(), requirements.get(), required);
      return new Verified(opened.display(), null, met, referrers(opened, match, null));
    }
    PolicyStatement policy = PolicyStatement.of(notationPolicies().applicablePolicy(policyScope));
    VerificationOutcome outcome = verifier.verify(opened.target(), opened.artifact(), policy, required, max);
    return new Verified(opened.display(), outcome, null, referrers(opened, match, policy));
  }

  /** notation's trust policy, read on first need (only artifacts no requirement covers need it). */
  private synchronized OciTrustPolicyDocument notationPolicies() throws Exception {
    if (policies == null) {
      policies = OciTrustPolicyDocument.load(context.config().root());
    }
    return policies;
  }

  /**
   * Verifies the referrers of {@code --artifact-type}: under a requirement, with its referrer rule for the type (or,
   * lacking one, its own signature rule); otherwise with {@code policy}, notation's statement for the scope. User
   * metadata is asked of the artifact's own signatures only.
   */
  private List<ReferrerCheck> referrers(Targets.Opened opened, Optional<NotaTrustPolicyDocument.Match> match,
      PolicyStatement policy) throws Exception {
    List<ReferrerCheck> out = new ArrayList<>();
    String repository = opened.display().substring(0, opened.display().lastIndexOf('@'));
    for (String type : types) {
      List<Descriptor> found = opened.target().referrers(opened.artifact(), type);
      if (found.isEmpty()) {
        out.add(new ReferrerCheck(type, null, null, null, "no referrer of type " + type + " is associated with "
            + opened.display()));
        continue;
      }
      if (found.size() > max) {
        out.add(new ReferrerCheck(type, null, null, null, found.size() + " referrers of type " + type
            + ", more than --max-signatures " + max + "; none was verified"));
        continue;
      }
      for (Descriptor d : found) {
        String display = repository + "@" + d.digest();
        if (match.isPresent()) {
          NotaTrustPolicyDocument.Match m = match.get();
          Requirement rule = m.requirement().referrers().stream().filter(r -> r.artifactType().equals(type))
              .findFirst().map(r -> new Requirement(List.of(m.scope()), r.rule(), r.referrers()))
              .orElse(new Requirement(List.of(m.scope()), m.requirement().rule(), List.<ReferrerRequirement>of()));
          RequirementOutcome o = new RequirementVerifier(checks, 4, max)
              .withNotaryV1(notaryV1, target.ociLayout ? null : opened.scope(), null).verify(opened.target(), d,
              new NotaTrustPolicyDocument.Match(rule, m.scope()), requirements.get(), Map.of());
          out.add(new ReferrerCheck(type, display, null, o, null));
        } else {
          out.add(new ReferrerCheck(type, display, verifier.verify(opened.target(), d, policy, Map.of(), max), null,
              null));
        }
      }
    }
    return out;
  }

  /** The {@code --output json} document of one artifact (with {@code referrers} when types were asked for). */
  private Map<String, Object> report(Verified v) {
    Map<String, Object> m = v.required() != null ? requirementReport(v.display(), v.required())
        : Reports.outcome(v.display(), v.plain());
    if (!types.isEmpty()) {
      List<Object> list = new ArrayList<>();
      for (ReferrerCheck r : v.referrers()) {
        Map<String, Object> rm = new LinkedHashMap<>();
        rm.put("artifactType", r.artifactType());
        if (r.problem() != null) {
          rm.put("result", "failed");
          rm.put("error", r.problem());
        } else {
          rm.putAll(r.required() != null ? requirementReport(r.display(), r.required())
              : Reports.outcome(r.display(), r.plain()));
        }
        list.add(rm);
      }
      m.put("referrers", list);
    }
    return m;
  }

  private static void printReferrers(PrintWriter out, PrintWriter err, Verified v) {
    for (ReferrerCheck r : v.referrers()) {
      String name = "referrer " + r.artifactType() + " " + r.display();
      if (r.problem() != null) {
        err.println("Error: " + r.problem());
      } else if (r.passed()) {
        boolean skipped = r.plain() != null && r.plain().status() == VerificationOutcome.Status.SKIPPED;
        out.println((skipped ? "Trust policy is configured to skip signature verification for "
            : r.required() != null ? "Successfully verified every requirement for "
            : "Successfully verified signature for ") + name);
      } else {
        err.println("Error: " + name + ": " + (r.required() != null ? requirementsDetail(r.required())
            : plainDetail(r.plain())));
      }
    }
  }

  /** The bulk report of one reference: a line for it (its overall result), a line for each referrer. */
  private Bulk.Outcome bulkOutcome(String ref, Verified v) {
    String status;
    String detail;
    if (v.required() != null) {
      status = v.required().satisfied() ? "verified" : "failed";
      detail = v.required().satisfied() ? "every requirement of " + NotaTrustPolicyDocument.FILE_NAME
          + " (registry scope \"" + v.required().scope() + "\") met" : requirementsDetail(v.required());
    } else {
      status = status(v.plain());
      detail = plainDetail(v.plain());
    }
    if (v.artifactPassed() && !v.passed()) {
      status = "failed";
      detail += "; not every referrer of type " + String.join(", ", types) + " verified";
    }
    List<String> lines = new ArrayList<>();
    lines.add(Bulk.line(status, ref, v.display().substring(v.display().lastIndexOf('@') + 1) + ", " + detail));
    for (ReferrerCheck r : v.referrers()) {
      if (r.problem() != null) {
        lines.add("  " + Bulk.line("failed", "referrer " + r.artifactType(), r.problem()));
      } else if (r.required() != null) {
        lines.add("  " + Bulk.line(r.passed() ? "verified" : "failed", "referrer " + r.artifactType() + " "
            + r.display(), requirementsDetail(r.required())));
      } else {
        lines.add("  " + Bulk.line(status(r.plain()), "referrer " + r.artifactType() + " " + r.display(),
            plainDetail(r.plain())));
      }
    }
    return new Bulk.Outcome(v.passed() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED, lines, report(v));
  }

  private static String status(VerificationOutcome o) {
    return o.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** One line on a result under notation's policy: the statement and what passed or failed. */
  private static String plainDetail(VerificationOutcome o) {
    String policy = "trust policy \"" + o.policyName() + "\"";
    return switch (o.status()) {
      case SKIPPED -> policy + " skips signature verification";
      case NO_SIGNATURE -> "no signature is associated with it";
      case VERIFIED -> policy + ", signed by \""
          + o.verifiedSignature().content().certificateChain().get(0).getSubjectX500Principal().getName() + "\"";
      case FAILED -> policy + ", no signature verified (" + String.join("; ", o.signatures().stream().map(r ->
          (r.signatureManifest() == null ? "envelope" : r.signatureManifest().digest().toString()) + ": "
              + r.failure().name() + " failed: " + r.failure().message()).toList()) + ")";
    };
  }

  private static String requirementsDetail(RequirementOutcome o) {
    return o.satisfied() ? "every requirement met" : "requirements not met: " + String.join("; ", o.missing());
  }

  private static Instant parseTime(String text) throws UserException {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new UserException("--at: invalid time \"" + text + "\": use RFC 3339, e.g. 2026-11-23T12:00:00Z");
    }
  }

  private static void printText(PrintWriter out, PrintWriter err, String display, VerificationOutcome outcome) {
    switch (outcome.status()) {
      case SKIPPED -> out.println("Trust policy is configured to skip signature verification for " + display);
      case NO_SIGNATURE -> err.println("Error: no signature is associated with \"" + display
          + "\", make sure the artifact was signed successfully");
      case VERIFIED -> {
        SignatureResult ok = outcome.verifiedSignature();
        for (CheckResult w : ok.warnings()) {
          err.println("Warning: " + w.name() + " was set to \"log\" and failed with error: " + w.message());
        }
        out.println("Successfully verified signature for " + display);
        printMetadata(out, ok);
      }
      case FAILED -> {
        err.println("Error: signature verification failed for all the signatures associated with " + display);
        for (SignatureResult r : outcome.signatures()) {
          String digest = r.signatureManifest() == null ? "envelope" : r.signatureManifest().digest().toString();
          CheckResult f = r.failure();
          err.println("  " + digest + ": " + f.name() + " failed: " + f.message()
              + (r.skippedReason() == null ? "" : " (" + r.skippedReason() + ")"));
        }
      }
      default -> throw new IllegalStateException(outcome.status().toString());
    }
  }

  private static void printRequirements(PrintWriter out, PrintWriter err, String display, RequirementOutcome o) {
    out.println("Requirements of " + NotaTrustPolicyDocument.FILE_NAME + " for " + display + " (registry scope \""
        + o.scope() + "\"):");
    printChecks(out, o.checks(), "  ");
    if (o.satisfied()) {
      out.println("Successfully verified every requirement for " + display);
    } else {
      err.println("Error: requirements not met for " + display + ": " + String.join("; ", o.missing()));
    }
  }

  private static void printChecks(PrintWriter out, List<RequirementOutcome.Check> checks, String indent) {
    for (RequirementOutcome.Check c : checks) {
      StringBuilder line = new StringBuilder(indent).append(c.satisfied() ? "[ok]      " : "[missing] ")
          .append(c.label());
      if (c.signature() != null) {
        line.append(": signature ").append(c.signature().digest()).append(" by \"").append(c.signer()).append('"');
      } else if (c.satisfied() && c.referrer() != null) {
        line.append(": ").append(c.referrer().digest());
      } else if (!c.satisfied() && c.referrer() != null) {
        line.append(": ").append(c.referrer().digest()).append(" does not satisfy it");
      } else if (!c.satisfied() || c.detail() != null) {
        line.append(": ").append(c.detail());
      }
      if (c.satisfied() && c.signature() != null && c.detail() != null) {
        line.append(" (").append(c.detail()).append(')');
      }
      out.println(line);
      printChecks(out, c.nested(), indent + "    ");
    }
  }

  private static Map<String, Object> requirementReport(String display, RequirementOutcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reference", display);
    m.put("digest", o.artifact().digest().toString());
    m.put("mediaType", o.artifact().mediaType());
    m.put("trustPolicy", NotaTrustPolicyDocument.FILE_NAME);
    m.put("registryScope", o.scope());
    m.put("result", o.satisfied() ? "verified" : "failed");
    m.put("requirements", checkReports(o.checks()));
    if (!o.satisfied()) {
      m.put("missing", o.missing());
    }
    return m;
  }

  private static List<Object> checkReports(List<RequirementOutcome.Check> checks) {
    List<Object> out = new ArrayList<>();
    for (RequirementOutcome.Check c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", switch (c.kind()) {
        case STATEMENT -> "statement";
        case AT_LEAST -> "atLeast";
        case REFERRER -> "referrer";
        case NOTARY_V1 -> "notaryV1";
      });
      m.put(c.kind() == RequirementOutcome.Kind.REFERRER ? "artifactType" : "name", c.name());
      m.put("satisfied", c.satisfied());
      if (c.signature() != null) {
        m.put("signature", c.signature().digest().toString());
        m.put("signer", c.signer());
      }
      if (c.referrer() != null) {
        m.put("referrer", c.referrer().digest().toString());
      }
      if (c.notaryV1() != null) {
        Map<String, Object> v1 = new LinkedHashMap<>();
        v1.put("gun", c.notaryV1().gun());
        v1.put("tag", c.notaryV1().tag());
        v1.put("role", c.notaryV1().role());
        v1.put("signers", c.notaryV1().signerKeyIds());
        m.put("notaryV1", v1);
      }
      if (c.detail() != null) {
        m.put(c.satisfied() ? "note" : "missing", c.detail());
      }
      if (!c.nested().isEmpty()) {
        m.put(c.kind() == RequirementOutcome.Kind.REFERRER ? "requirements" : "statements",
            checkReports(c.nested()));
      }
      out.add(m);
    }
    return out;
  }

  private static void printMetadata(PrintWriter out, SignatureResult ok) {
    Map<String, String> metadata = new LinkedHashMap<>();
    try {
      metadata.putAll(Payload.parse(ok.content().payload()).targetArtifact().annotations());
    } catch (Exception e) {
      return; // the payload parsed during verification; nothing to show otherwise
    }
    if (metadata.isEmpty()) {
      out.println();
      out.println("The artifact was signed with no user metadata.");
      return;
    }
    out.println();
    out.println("The artifact was signed with the following user metadata.");
    out.println();
    int width = Math.max(3, metadata.keySet().stream().mapToInt(String::length).max().orElse(3));
    out.printf("%-" + width + "s   %s%n", "KEY", "VALUE");
    metadata.forEach((k, v) -> out.printf("%-" + width + "s   %s%n", k, v));
  }
}
