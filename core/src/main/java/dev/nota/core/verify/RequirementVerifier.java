package dev.nota.core.verify;

import dev.nota.core.sign.SignatureManifests;
import dev.nota.core.x509.Certificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.Target;
import dev.nota.policy.NotaTrustPolicyDocument;
import dev.nota.policy.NotaryV1Source;
import dev.nota.policy.PolicyException;
import dev.nota.policy.ReferrerRequirement;
import dev.nota.policy.SignatureRule;
import dev.nota.policy.TrustStore;
import dev.nota.policy.TrustStoreRef;
import dev.nota.policy.TrustStoreType;
import dev.nota.policy.ValidationAction;
import dev.nota.policy.ValidationType;
import dev.nota.policy.VerificationLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Evaluates a {@code trustpolicy.nota.json} requirement on an artifact: each named statement must be satisfied by
 * one of the artifact's signatures under that statement's own level, trust stores and identities, and each referrer
 * rule by one referrer of its artifact type whose own signatures (and referrers, recursively) satisfy it.
 *
 * <p>The checks are {@link EnvelopeVerifier}'s, so a statement passes exactly when {@link Verifier} would pass it.
 * Within one call each trust store is read once and each signature envelope downloaded once (in parallel), however
 * many statements evaluate it; signatures whose thumbprint annotation names no certificate of any statement that
 * enforces authenticity are not downloaded at all. Notary v1 trust sources named like statements are checked by the
 * {@link NotaryV1Verifier} given to {@link #withNotaryV1}, and are unmet without one.
 */
public final class RequirementVerifier {
  private final EnvelopeVerifier envelopes;
  private final int parallelism;
  private final int maxSignatures;
  private final NotaryV1Verifier notaryV1;
  private final String repository;
  private final String tag;

  /**
   * @param envelopes the checks, trust store, clock and revocation checker to use
   * @param parallelism how many envelopes to download at once
   * @param maxSignatures how many signatures (and referrers of one type) to consider per artifact
   */
  public RequirementVerifier(EnvelopeVerifier envelopes, int parallelism, int maxSignatures) {
    this(envelopes, parallelism, maxSignatures, null, null, null);
  }

  private RequirementVerifier(EnvelopeVerifier envelopes, int parallelism, int maxSignatures,
      NotaryV1Verifier notaryV1, String repository, String tag) {
    this.envelopes = envelopes;
    this.parallelism = Math.max(1, parallelism);
    this.maxSignatures = Math.max(1, maxSignatures);
    this.notaryV1 = notaryV1;
    this.repository = repository;
    this.tag = tag;
  }

  /**
   * This verifier, checking the Notary v1 trust sources a requirement names with {@code v1} (without it they are
   * unmet). {@code repository} ({@code registry/repository}, null for an OCI layout) gives the GUN of sources that
   * name none; {@code tag} (null when the artifact was named by digest) is the tag whose v1 pin must be the
   * artifact. Referrers are always matched by digest.
   */
  public RequirementVerifier withNotaryV1(NotaryV1Verifier v1, String repository, String tag) {
    return new RequirementVerifier(envelopes, parallelism, maxSignatures, v1, repository, tag);
  }

  /**
   * Applies the requirement of {@code policy} whose scope matches {@code scope} most specifically.
   *
   * @param scope the artifact's {@code registry/repository} (for an OCI layout, its trust policy scope)
   * @param userMetadata pairs that the signatures of {@code artifact} itself must carry (not those of referrers)
   * @return empty when no requirement covers {@code scope}: notation's trust policy decides then
   * @throws PolicyException when {@code scope} is not a valid repository
   * @throws OciException when the target cannot be read
   */
  public Optional<RequirementOutcome> verify(Target target, Descriptor artifact, String scope,
      NotaTrustPolicyDocument policy, Map<String, String> userMetadata) throws PolicyException, OciException {
    Optional<NotaTrustPolicyDocument.Match> match = policy.requirementFor(scope);
    if (match.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(verify(target, artifact, match.get(), policy, userMetadata));
  }

  /** Applies {@code match}, a requirement of {@code policy}, to {@code artifact}. */
  public RequirementOutcome verify(Target target, Descriptor artifact, NotaTrustPolicyDocument.Match match,
      NotaTrustPolicyDocument policy, Map<String, String> userMetadata) throws OciException {
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "nota-requirements");
      t.setDaemon(true);
      return t;
    });
    try {
      Run run = new Run(target, policy, new SignatureEnvelopes(target, pool));
      List<RequirementOutcome.Check> checks = run.evaluate(artifact, match.requirement().rule(),
          match.requirement().referrers(), userMetadata, tag);
      return new RequirementOutcome(artifact, match.scope(), checks);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One evaluation: the shared trust store view, envelope downloads and thumbprint sets. */
  private final class Run {
    private final Target target;
    private final NotaTrustPolicyDocument policy;
    private final SignatureEnvelopes downloads;
    private final TrustStore store = new ReadOnceTrustStore(envelopes.trustStore());
    private final EnvelopeVerifier checks = envelopes.withTrustStore(store);
    /** Statement name -> thumbprints of its trust stores; empty when the pre-filter must not be used. */
    private final Map<String, Optional<Set<String>>> trusted = new HashMap<>();

    Run(Target target, NotaTrustPolicyDocument policy, SignatureEnvelopes downloads) {
      this.target = target;
      this.policy = policy;
      this.downloads = downloads;
    }

    List<RequirementOutcome.Check> evaluate(Descriptor artifact, SignatureRule rule,
        List<ReferrerRequirement> referrers, Map<String, String> userMetadata, String artifactTag)
        throws OciException {
      List<Descriptor> signatures = capped(target.referrers(artifact, MediaTypes.NOTARY_SIGNATURE));
      List<PolicyStatement> statements = rule.statements().stream().filter(n -> policy.notaryV1(n).isEmpty())
          .map(n -> PolicyStatement.of(policy.statement(n))).toList();
      for (Descriptor signature : signatures) {
        if (statements.stream().anyMatch(s -> verifies(s) && mayTrust(s, signature))) {
          downloads.start(signature, artifact);
        }
      }
      Map<String, RequirementOutcome.Check> byName = new LinkedHashMap<>();
      for (PolicyStatement s : statements) {
        byName.put(s.name(), statement(s, artifact, signatures, userMetadata));
      }
      for (String name : rule.statements()) {
        Optional<NotaryV1Source> v1 = policy.notaryV1(name);
        if (v1.isPresent()) {
          byName.put(name, notaryV1 == null
              ? new RequirementOutcome.Check(RequirementOutcome.Kind.NOTARY_V1, name, false, null, null, null,
                  "this command does not check Notary v1 trust sources", List.of())
              : notaryV1.check(v1.get(), artifact, repository, artifactTag));
        }
      }
      List<RequirementOutcome.Check> out = new ArrayList<>();
      for (String name : rule.allOf()) {
        out.add(byName.get(name));
      }
      if (rule.atLeast() > 0) {
        List<RequirementOutcome.Check> counted = rule.of().stream().map(byName::get).toList();
        long met = counted.stream().filter(RequirementOutcome.Check::satisfied).count();
        boolean ok = met >= rule.atLeast();
        out.add(new RequirementOutcome.Check(RequirementOutcome.Kind.AT_LEAST,
            "atLeast " + rule.atLeast() + " of [" + String.join(", ", rule.of()) + "]", ok, null, null, null,
            ok ? null : met + " of " + rule.of().size() + " satisfied, " + rule.atLeast() + " needed ("
                + counted.stream().filter(c -> !c.satisfied()).map(c -> c.label() + ": " + c.detail())
                    .collect(Collectors.joining("; ")) + ")",
            counted));
      }
      for (ReferrerRequirement r : referrers) {
        out.add(referrer(artifact, r));
      }
      return out;
    }

    private RequirementOutcome.Check statement(PolicyStatement s, Descriptor artifact, List<Descriptor> signatures,
        Map<String, String> userMetadata) throws OciException {
      if (!verifies(s)) {
        return new RequirementOutcome.Check(RequirementOutcome.Kind.STATEMENT, s.name(), true, null, null, null,
            "level skip: signatures are not verified", List.of());
      }
      if (signatures.isEmpty()) {
        return unmetStatement(s, "the artifact has no signature");
      }
      List<String> problems = new ArrayList<>();
      for (Descriptor signature : signatures) {
        if (!mayTrust(s, signature)) {
          problems.add(signature.digest() + ": its signer is in none of the trust stores " + stores(s));
          continue;
        }
        SignatureEnvelopes.Fetched f = downloads.get(signature, artifact);
        if (f.problem() != null) {
          problems.add(signature.digest() + ": integrity: " + f.problem());
          continue;
        }
        SignatureResult r = checks.verify(signature, f.mediaType(), f.envelope(), artifact, s, userMetadata);
        if (r.verified()) {
          String logged = r.warnings().isEmpty() ? null : "logged failures: " + r.warnings().stream()
              .map(w -> w.name() + ": " + w.message()).collect(Collectors.joining("; "));
          return new RequirementOutcome.Check(RequirementOutcome.Kind.STATEMENT, s.name(), true, signature,
              r.content().certificateChain().get(0).getSubjectX500Principal().getName(), null, logged, List.of());
        }
        CheckResult failure = r.failure();
        problems.add(signature.digest() + ": " + failure.name() + ": " + failure.message());
      }
      return unmetStatement(s, "no signature satisfies it (" + String.join("; ", problems) + ")");
    }

    private RequirementOutcome.Check referrer(Descriptor artifact, ReferrerRequirement rule) throws OciException {
      List<Descriptor> candidates = capped(target.referrers(artifact, rule.artifactType()));
      if (candidates.isEmpty()) {
        return new RequirementOutcome.Check(RequirementOutcome.Kind.REFERRER, rule.artifactType(), false, null,
            null, null, "the artifact has no referrer of type " + rule.artifactType(), List.of());
      }
      List<String> problems = new ArrayList<>();
      Descriptor last = null;
      List<RequirementOutcome.Check> lastChecks = List.of();
      for (Descriptor candidate : candidates) {
        List<RequirementOutcome.Check> nested = evaluate(candidate, rule.rule(), rule.referrers(), Map.of(), null);
        if (nested.stream().allMatch(RequirementOutcome.Check::satisfied)) {
          return new RequirementOutcome.Check(RequirementOutcome.Kind.REFERRER, rule.artifactType(), true, null,
              null, candidate, null, nested);
        }
        last = candidate;
        lastChecks = nested;
        problems.add(candidate.digest() + ": " + nested.stream().filter(c -> !c.satisfied())
            .map(c -> c.label() + ": " + c.detail()).collect(Collectors.joining("; ")));
      }
      return new RequirementOutcome.Check(RequirementOutcome.Kind.REFERRER, rule.artifactType(), false, null,
          null, last, (candidates.size() == 1 ? "its only referrer of that type does not satisfy it: "
              : "none of its " + candidates.size() + " referrers of that type satisfies it: ")
              + String.join(" | ", problems), lastChecks);
    }

    private RequirementOutcome.Check unmetStatement(PolicyStatement s, String why) {
      return new RequirementOutcome.Check(RequirementOutcome.Kind.STATEMENT, s.name(), false, null, null, null,
          why, List.of());
    }

    /**
     * False only when the signature's thumbprint annotation names no certificate of {@code s}'s trust stores and
     * {@code s} enforces authenticity, so the signature cannot pass {@code s}.
     */
    private boolean mayTrust(PolicyStatement s, Descriptor signature) {
      List<String> thumbprints = SignatureManifests.thumbprints(signature.annotations());
      if (thumbprints.isEmpty()) {
        return true;
      }
      Optional<Set<String>> anchors = trusted.computeIfAbsent(s.name(), n -> thumbprints(s));
      return anchors.isEmpty() || thumbprints.stream().anyMatch(anchors.get()::contains);
    }

    private Optional<Set<String>> thumbprints(PolicyStatement s) {
      if (s.signatureVerification().action(ValidationType.AUTHENTICITY) != ValidationAction.ENFORCE) {
        return Optional.empty();
      }
      Set<String> out = new HashSet<>();
      for (TrustStoreRef ref : s.trustStores()) {
        if (ref.type() == TrustStoreType.TSA) {
          continue;
        }
        try {
          store.certificates(ref.type(), ref.name()).forEach(c -> out.add(Certificates.sha256Thumbprint(c)));
        } catch (PolicyException e) {
          return Optional.empty(); // the authenticity check reports the store's problem
        }
      }
      return Optional.of(out);
    }

    private List<Descriptor> capped(List<Descriptor> all) {
      return all.size() > maxSignatures ? all.subList(0, maxSignatures) : all;
    }
  }

  private static boolean verifies(PolicyStatement s) {
    return s.signatureVerification().level() != VerificationLevel.SKIP;
  }

  private static List<String> stores(PolicyStatement s) {
    return s.trustStores().stream().filter(r -> r.type() != TrustStoreType.TSA)
        .map(r -> r.type().value() + ":" + r.name()).toList();
  }
}
