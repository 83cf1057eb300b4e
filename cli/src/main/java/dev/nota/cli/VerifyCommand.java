package dev.nota.cli;

import dev.nota.core.envelope.Payload;
import dev.nota.core.verify.CheckResult;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.core.verify.VerificationOutcome;
import dev.nota.core.verify.Verifier;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nota verify}: checks an artifact's signatures against the trust policy and trust store, offline. */
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
    ConfigDir config = context.config();
    OciTrustPolicyDocument policies = OciTrustPolicyDocument.load(config.root());
    X509TrustStore trustStore = new X509TrustStore(config.trustStoreRoot());
    Verifier verifier = new Verifier(
        new EnvelopeVerifier(trustStore, context.clock(), RevocationChecker.OFFLINE,
            new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, context.clock())),
        4);
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, "verify", err);
      PolicyStatement policy = PolicyStatement.of(
          policies.applicablePolicy(scope != null ? scope : opened.scope()));
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
