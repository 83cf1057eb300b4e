package dev.nota.core.verify;

import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.oci.Descriptor;
import java.util.List;

/**
 * The verification of one signature: which manifest, what the envelope said (when it could be read), and one result
 * per check run. Checks after the first enforced failure are not run.
 *
 * @param signatureManifest the signature manifest's descriptor (null for a bare envelope)
 * @param envelopeMediaType {@code application/jose+json} or {@code application/cose}, when known
 * @param content the envelope content, or null when it could not be parsed
 * @param checks results in the order the checks ran
 * @param skippedReason non-null when the signature was not evaluated at all (e.g. its signer is not in any trust
 *     store named by the policy), with the reason
 */
public record SignatureResult(
    Descriptor signatureManifest,
    String envelopeMediaType,
    EnvelopeContent content,
    List<CheckResult> checks,
    String skippedReason) {

  public SignatureResult {
    checks = List.copyOf(checks);
  }

  /** Whether the signature passed: it was evaluated and no check failed fatally. */
  public boolean verified() {
    return skippedReason == null && checks.stream().noneMatch(CheckResult::fatal);
  }

  /** The first fatal failure, or null. */
  public CheckResult failure() {
    return checks.stream().filter(CheckResult::fatal).findFirst().orElse(null);
  }

  /** Failures the policy only logs. */
  public List<CheckResult> warnings() {
    return checks.stream().filter(CheckResult::logged).toList();
  }
}
