package dev.nota.cli;

import dev.nota.core.envelope.Payload;
import dev.nota.core.verify.CheckResult;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.RequirementOutcome;
import dev.nota.core.verify.RequirementVerifier;
import dev.nota.core.revocation.OnlineRevocationChecker;
import dev.nota.core.revocation.RevocationOptions;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.core.verify.VerificationOutcome;
import dev.nota.core.verify.Verifier;
import dev.nota.policy.NotaTrustPolicyDocument;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 */
@Command(name = "verify", description = "Verify the signatures of an artifact against the trust policy.")
final class VerifyCommand extends ArtifactCommand {
  @Option(names = {"-m", "--user-metadata"}, paramLabel = "KEY=VALUE",
      description = "Metadata that must be in the signature (repeatable).")
  List<String> userMetadata;

  @Mixin MaxSignatures maxSignatures;

  @Option(names = "--scope", description = "Trust policy scope for --oci-layout artifacts, e.g. local/app.")
  String scope;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
  OutputFormat output;

  @Option(names = "--ocsp-timeout", paramLabel = "DURATION", defaultValue = "2s",
      description = "Timeout of each OCSP request, e.g. 2s (default: ${DEFAULT-VALUE}).")
  String ocspTimeout;

  @Option(names = "--crl-timeout", paramLabel = "DURATION", defaultValue = "2s",
      description = "Timeout of each CRL download, e.g. 5s (default: ${DEFAULT-VALUE}).")
  String crlTimeout;

  @Option(names = "--at", paramLabel = "TIME",
      description = "Verify as of this RFC 3339 time (expiry, certificate validity, timestamps), for audits;"
          + " revocation is still checked as of now.")
  String at;

  VerifyCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int max = maxSignatures.get();
    if (target.ociLayout && scope == null) {
      throw new UserException("--oci-layout needs --scope, the trust policy scope to verify against");
    }
    Map<String, String> required = KeyValues.parse("--user-metadata", userMetadata);
    Clock verifyClock = at == null ? context.clock() : Clock.fixed(parseTime(at), ZoneOffset.UTC);
    RevocationOptions revocationOptions = RevocationOptions.defaults()
        .withTimeouts(timeout("--ocsp-timeout", ocspTimeout), timeout("--crl-timeout", crlTimeout))
        .withCacheDir(revocationCacheDir(context))
        .withClock(context.clock());
    ConfigDir config = context.config();
    Optional<NotaTrustPolicyDocument> requirements = NotaTrustPolicyDocument.load(config.root());
    // Without nota's own policy, notation's is needed whatever the artifact: read it before touching the registry.
    OciTrustPolicyDocument policies = requirements.isEmpty() ? OciTrustPolicyDocument.load(config.root()) : null;
    X509TrustStore trustStore = new X509TrustStore(config.trustStoreRoot());
    OnlineRevocationChecker revocation = new OnlineRevocationChecker(revocationOptions);
    EnvelopeVerifier checks = new EnvelopeVerifier(trustStore, verifyClock, revocation,
        new Rfc3161TimestampVerifier(revocation, verifyClock));
    Verifier verifier = new Verifier(checks, 4);
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, "verify", err);
      String policyScope = scope != null ? scope : opened.scope();
      Optional<NotaTrustPolicyDocument.Match> match = requirements.isEmpty() ? Optional.empty()
          : requirements.get().requirementFor(policyScope);
      if (match.isPresent()) {
        RequirementOutcome met = new RequirementVerifier(checks, 4, max)
            .verify(opened.target(), opened.artifact(), match.get(), requirements.get(), required);
        if (output == OutputFormat.json) {
          Json.print(out, requirementReport(opened.display(), met));
        } else {
          printRequirements(out, err, opened.display(), met);
        }
        return met.satisfied() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
      }
      if (policies == null) {
        policies = OciTrustPolicyDocument.load(config.root());
      }
      PolicyStatement policy = PolicyStatement.of(policies.applicablePolicy(policyScope));
      VerificationOutcome outcome =
          verifier.verify(opened.target(), opened.artifact(), policy, required, max);
      if (output == OutputFormat.json) {
        Json.print(out, Reports.outcome(opened.display(), outcome));
      } else {
        printText(out, err, opened.display(), outcome);
      }
      return outcome.succeeded() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
    }
  }

  /**
   * Where CRLs and OCSP responses are kept between runs: {@code $XDG_CACHE_HOME/nota/revocation}, else
   * {@code ~/.cache/nota/revocation}; null (no cache) when neither variable is set.
   */
  static Path revocationCacheDir(Context context) {
    String xdg = context.env().get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "nota", "revocation");
    }
    String home = context.env().get("HOME");
    return home == null || home.isBlank() ? null : Path.of(home, ".cache", "nota", "revocation");
  }

  private static Duration timeout(String flag, String text) throws UserException {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (UserException e) {
      throw new UserException(flag + ": " + e.getMessage());
    }
    if (d.compareTo(RevocationOptions.MAX_TIMEOUT) > 0) {
      throw new UserException(flag + ": " + text + " is longer than the "
          + RevocationOptions.MAX_TIMEOUT.toMinutes() + "m limit");
    }
    return d;
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
