package dev.nota.policy;

import java.util.List;
import java.util.Objects;

/**
 * A referrer an artifact must carry: at least one referrer of {@code artifactType} (a scan report, an SBOM) whose
 * own signatures satisfy {@code rule} and whose own referrers satisfy {@code referrers}, so that "a signed SBOM of a
 * signed image" is one requirement.
 */
public record ReferrerRequirement(String artifactType, SignatureRule rule, List<ReferrerRequirement> referrers) {

  public ReferrerRequirement {
    Objects.requireNonNull(artifactType, "artifactType");
    Objects.requireNonNull(rule, "rule");
    referrers = List.copyOf(referrers);
  }
}
