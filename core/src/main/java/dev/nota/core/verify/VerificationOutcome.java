package dev.nota.core.verify;

import dev.nota.oci.Descriptor;
import java.util.List;

/**
 * The verification of an artifact: the policy statement applied and one result per signature considered. An artifact
 * is verified when any one signature is.
 */
public record VerificationOutcome(
    Descriptor artifact, String policyName, Status status, List<SignatureResult> signatures) {

  /** The overall answer. */
  public enum Status {
    /** At least one signature passed every enforced check. */
    VERIFIED,
    /** The policy's level is skip: nothing was checked. */
    SKIPPED,
    /** The artifact has no Notary signature. */
    NO_SIGNATURE,
    /** Signatures exist but none passed. */
    FAILED
  }

  public VerificationOutcome {
    signatures = List.copyOf(signatures);
  }

  /** The signature that passed, or null. */
  public SignatureResult verifiedSignature() {
    return signatures.stream().filter(SignatureResult::verified).findFirst().orElse(null);
  }

  public boolean succeeded() {
    return status == Status.VERIFIED || status == Status.SKIPPED;
  }
}
