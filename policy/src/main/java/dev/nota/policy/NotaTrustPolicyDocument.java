package dev.nota.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * nota's own trust policy, {@code trustpolicy.nota.json}: notation's statements plus {@code requirements} that
 * demand several of them at once ("signed by the vendor AND by us AND carrying a scan signed by our scanner").
 * notation's files stay untouched and keep their meaning; nota reads this file first and, for an artifact no
 * requirement covers, falls back to notation's own statement selection.
 *
 * <p>Statements use notation's schema and checks, except that their {@code registryScopes} may overlap, may use
 * the {@code /*} namespace form, and may be left out: requirements pick statements by name, so a statement's scopes
 * only document where it is meant to be used. Requirements' scopes are exclusive (one requirement per scope) and the
 * most specific one applies, see {@link #requirementFor}. Requirements may also name {@code notaryV1} trust sources
 * ({@link NotaryV1Source}) wherever they name statements, so a migration can accept a v1 signature.
 */
public record NotaTrustPolicyDocument(String version, List<OciTrustPolicy> trustPolicies,
    List<Requirement> requirements, List<NotaryV1Source> notaryV1) {
  /** The file, in the configuration directory beside notation's {@code trustpolicy.json}. */
  public static final String FILE_NAME = "trustpolicy.nota.json";
  /** How deeply {@code referrers} may nest (a scan of an SBOM of an image is 2). */
  public static final int MAX_REFERRER_DEPTH = 4;

  private static final Set<String> TOP_LEVEL = Set.of("version", "trustpolicies", "requirements",
      "notaryv1");

  /** The requirement that applies to an artifact, and the scope of it that matched. */
  public record Match(Requirement requirement, String scope) {}

  public NotaTrustPolicyDocument {
    Objects.requireNonNull(version, "version");
    trustPolicies = List.copyOf(trustPolicies);
    requirements = List.copyOf(requirements);
    notaryV1 = List.copyOf(notaryV1);
  }

  /** A document without Notary v1 trust sources. */
  public NotaTrustPolicyDocument(String version, List<OciTrustPolicy> trustPolicies,
      List<Requirement> requirements) {
    this(version, trustPolicies, requirements, List.of());
  }

  /**
   * Parses and validates a document.
   *
   * @throws PolicyException naming the file and the field at fault, on one line
   */
  public static NotaTrustPolicyDocument parse(byte[] json) throws PolicyException {
    try {
      return parseUnprefixed(json);
    } catch (PolicyException e) {
      throw new PolicyException(FILE_NAME + ": " + e.getMessage(), e);
    }
  }

  private static NotaTrustPolicyDocument parseUnprefixed(byte[] json) throws PolicyException {
    PolicyJson.RawDocument raw = PolicyJson.read(json);
    JsonNode tree;
    try {
      tree = new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException("malformed trust policy: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new PolicyException("the document must be a JSON object");
    }
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_LEVEL.contains(field.toLowerCase(java.util.Locale.ROOT))) {
        throw new PolicyException(field + ": unknown field, expected \"version\", \"trustPolicies\","
            + " \"requirements\" and \"notaryV1\"");
      }
    }
    if (!raw.version.equals("1.0")) {
      throw new PolicyException("version: " + (raw.version.isEmpty() ? "missing" : "unsupported version "
          + GoText.quote(raw.version)) + ", use \"1.0\"");
    }
    if (raw.trustPolicies == null || raw.trustPolicies.isEmpty()) {
      throw new PolicyException("trustPolicies: is empty, the requirements need named statements");
    }
    Set<String> names = new LinkedHashSet<>();
    List<OciTrustPolicy> statements = new ArrayList<>();
    for (int i = 0; i < raw.trustPolicies.size(); i++) {
      PolicyJson.RawStatement s = raw.trustPolicies.get(i);
      String path = "trustPolicies[" + i + "]";
      if (!s.name.isEmpty() && !names.add(s.name)) {
        throw new PolicyException(path + ".name: statement name " + GoText.quote(s.name)
            + " is used twice, statement names must be unique");
      }
      StatementRules.Core core;
      try {
        core = StatementRules.validate(s.name, s.signatureVerification, s.trustStores, s.trustedIdentities);
      } catch (PolicyException e) {
        throw new PolicyException(path + ": " + e.getMessage());
      }
      List<String> scopes = s.registryScopes == null ? List.of() : s.registryScopes;
      Set<String> seen = new HashSet<>();
      for (String scope : scopes) {
        RequirementScopes.check(path + ".registryScopes", scope);
        if (!seen.add(scope)) {
          throw new PolicyException(path + ".registryScopes: registry scope " + GoText.quote(scope)
              + " is listed twice");
        }
      }
      statements.add(new OciTrustPolicy(s.name, scopes, core.signatureVerification(), core.trustStores(),
          core.trustedIdentities()));
    }
    JsonNode requirements = null;
    JsonNode v1 = null;
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (field.equalsIgnoreCase("requirements")) {
        if (!field.equals("requirements")) {
          throw new PolicyException(field + ": unknown field, did you mean \"requirements\"?");
        }
        requirements = tree.get(field);
      } else if (field.equalsIgnoreCase("notaryV1")) {
        if (!field.equals("notaryV1")) {
          throw new PolicyException(field + ": unknown field, did you mean \"notaryV1\"?");
        }
        v1 = tree.get(field);
      }
    }
    List<NotaryV1Source> sources = NotaryV1Source.parseAll(v1, names);
    Set<String> v1Names = new LinkedHashSet<>();
    sources.forEach(s -> v1Names.add(s.name()));
    return new NotaTrustPolicyDocument(raw.version, statements, new RequirementRules(names, v1Names).requirements(
        requirements), sources);
  }

  /**
   * Loads {@value #FILE_NAME} from {@code configDir}.
   *
   * @return empty when the file does not exist (notation's policy alone applies)
   * @throws PolicyException when it is not a regular file, cannot be read or is invalid
   */
  public static Optional<NotaTrustPolicyDocument> load(Path configDir) throws PolicyException {
    Path file = configDir.resolve(FILE_NAME);
    if (!PolicyFiles.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(parse(PolicyFiles.read(file)));
  }

  /**
   * The requirement for an artifact: the one with the artifact's repository as a scope, else the one with the
   * longest namespace ({@code registry.example/team/*}) containing it, else the one with {@code *}.
   *
   * @param artifactRepository {@code registry/repository} (with an OCI layout, the {@code --scope}); a trailing
   *     {@code @digest} is ignored
   * @return empty when no requirement applies (notation's policy decides then)
   * @throws PolicyException when the repository is malformed
   */
  public Optional<Match> requirementFor(String artifactRepository) throws PolicyException {
    int at = artifactRepository.lastIndexOf('@');
    String path = at < 0 ? artifactRepository : artifactRepository.substring(0, at);
    StatementRules.checkScopeFormat(path);
    Match best = null;
    int bestRank = -1;
    for (Requirement r : requirements) {
      for (String scope : r.registryScopes()) {
        int rank = RequirementScopes.specificity(scope, path);
        if (rank > bestRank) {
          best = new Match(r, scope);
          bestRank = rank;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The Notary v1 trust source called {@code name}, if there is one (else {@code name} is a statement). */
  public Optional<NotaryV1Source> notaryV1(String name) {
    return notaryV1.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * The statement called {@code name}.
   *
   * @throws IllegalArgumentException when there is none (requirements only name statements that exist)
   */
  public OciTrustPolicy statement(String name) {
    for (OciTrustPolicy s : trustPolicies) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no trust policy statement " + GoText.quote(name));
  }
}
