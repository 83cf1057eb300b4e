package dev.nota.policy;

import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code requirements} in {@code trustpolicy.nota.json}: for artifacts in {@code registryScopes}, the
 * signatures the artifact itself must carry ({@code rule}) and the signed referrers it must have. This is what
 * notation's one-statement-per-artifact policy cannot say: several signers, N of M signers, a signed scan report.
 */
public record Requirement(List<String> registryScopes, SignatureRule rule, List<ReferrerRequirement> referrers) {

  public Requirement {
    registryScopes = List.copyOf(registryScopes);
    Objects.requireNonNull(rule, "rule");
    referrers = List.copyOf(referrers);
  }
}
