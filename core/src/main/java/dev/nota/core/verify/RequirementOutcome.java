package dev.nota.core.verify;

import dev.nota.oci.Descriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The evaluation of a {@code trustpolicy.nota.json} requirement on one artifact: one {@link Check} per statement of
 * {@code allOf}, one for an {@code atLeast} rule (with a check per statement it counts) and one per referrer rule
 * (with the checks of the referrer that satisfied it, or of the last one tried); a Notary v1 trust source named
 * where statements are counts like a statement. The artifact passes when every check is satisfied.
 *
 * @param artifact the artifact evaluated
 * @param scope the requirement's registry scope that matched the artifact
 * @param checks the results, in the requirement's order
 */
public record RequirementOutcome(Descriptor artifact, String scope, List<Check> checks) {

  /** What a check is about. */
  public enum Kind {
    /** One trust policy statement, satisfied by one signature of the artifact. */
    STATEMENT,
    /** {@code atLeast N of [...]}: N of its nested statement checks satisfied. */
    AT_LEAST,
    /** A referrer of an artifact type whose own signatures (and referrers) satisfy the nested checks. */
    REFERRER,
    /** A Notary v1 trust source: a verified v1 signature of a tag that pins the artifact. */
    NOTARY_V1
  }

  /**
   * The Notary v1 signature that satisfied a {@code NOTARY_V1} check.
   *
   * @param gun the GUN whose trust data verified
   * @param tag the signed tag whose pin is the artifact
   * @param role the targets role that signs the tag
   * @param signerKeyIds the keys whose signatures of that role verified
   */
  public record NotaryV1Pin(String gun, String tag, String role, List<String> signerKeyIds) {
    public NotaryV1Pin {
      signerKeyIds = List.copyOf(signerKeyIds);
    }
  }

  /**
   * One rule's result.
   *
   * @param kind what the rule is
   * @param name the statement name, {@code atLeast N of [a, b]}, or the referrer's artifact type
   * @param satisfied whether the rule is met
   * @param signature for a satisfied statement, the signature manifest that satisfied it (null at level skip)
   * @param signer for a satisfied statement, the subject of the signing certificate (null at level skip)
   * @param referrer for a referrer rule, the referrer that satisfied it, or the last one tried (null when the
   *     artifact has no referrer of that type)
   * @param detail one line: what is missing when unmet; a note (level skip, logged failures) or null when met
   * @param nested for {@code AT_LEAST} the statements counted, for {@code REFERRER} the referrer's own checks
   * @param notaryV1 for a satisfied {@code NOTARY_V1} check, the v1 signature that satisfied it (else null)
   */
  public record Check(Kind kind, String name, boolean satisfied, Descriptor signature, String signer,
      Descriptor referrer, String detail, List<Check> nested, NotaryV1Pin notaryV1) {

    public Check {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      nested = List.copyOf(nested);
    }

    /** A check that no Notary v1 signature satisfied. */
    public Check(Kind kind, String name, boolean satisfied, Descriptor signature, String signer,
        Descriptor referrer, String detail, List<Check> nested) {
      this(kind, name, satisfied, signature, signer, referrer, detail, nested, null);
    }

    /** How this rule reads in messages, e.g. {@code statement "org"} or {@code referrer application/sarif+json}. */
    public String label() {
      return switch (kind) {
        case STATEMENT -> "statement \"" + name + "\"";
        case AT_LEAST -> name;
        case REFERRER -> "referrer " + name;
        case NOTARY_V1 -> "Notary v1 signature \"" + name + "\"";
      };
    }
  }

  public RequirementOutcome {
    Objects.requireNonNull(artifact, "artifact");
    checks = List.copyOf(checks);
  }

  /** Whether every check is met. */
  public boolean satisfied() {
    return checks.stream().allMatch(Check::satisfied);
  }

  /** One line per unmet rule, e.g. {@code statement "org": the artifact has no signature}, in order. */
  public List<String> missing() {
    List<String> out = new ArrayList<>();
    for (Check c : checks) {
      if (!c.satisfied()) {
        out.add(c.label() + ": " + c.detail());
      }
    }
    return out;
  }
}
