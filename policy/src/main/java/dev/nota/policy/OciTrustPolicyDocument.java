package dev.nota.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An OCI trust policy document ({@code trustpolicy.json}, or {@code trustpolicy.oci.json} in notation's 2.x
 * layout), validated with the rules notation v1.3.2 applies before it verifies anything. A document that parses
 * is therefore valid: statement names are unique, every statement is well formed and each registry scope,
 * {@code "*"} included, belongs to one statement.
 */
public record OciTrustPolicyDocument(String version, List<OciTrustPolicy> trustPolicies) {
  /** The file notation 1.x reads. */
  public static final String FILE_NAME = "trustpolicy.json";
  /** The file notation 2.x reads first. */
  public static final String OCI_FILE_NAME = "trustpolicy.oci.json";

  public OciTrustPolicyDocument {
    Objects.requireNonNull(version, "version");
    trustPolicies = List.copyOf(trustPolicies);
  }

  /**
   * Parses and validates a document.
   *
   * @throws PolicyException for malformed JSON or the first rule the document breaks, in notation's order
   */
  public static OciTrustPolicyDocument parse(byte[] json) throws PolicyException {
    PolicyJson.RawDocument raw = PolicyJson.read(json);
    if (raw.version.isEmpty()) {
      throw new PolicyException("trust policy document has empty version, version must be specified");
    }
    if (!raw.version.equals("1.0")) {
      throw new PolicyException("trust policy document uses unsupported version " + GoText.quote(raw.version));
    }
    if (raw.trustPolicies == null || raw.trustPolicies.isEmpty()) {
      throw new PolicyException("trust policy document can not have zero trust policy statements");
    }
    Set<String> names = new HashSet<>();
    List<StatementRules.Core> cores = new ArrayList<>();
    for (PolicyJson.RawStatement s : raw.trustPolicies) {
      if (names.contains(s.name)) {
        throw new PolicyException("multiple trust policy statements use the same name " + GoText.quote(s.name)
            + ", statement names must be unique");
      }
      try {
        cores.add(StatementRules.validate(s.name, s.signatureVerification, s.trustStores, s.trustedIdentities));
      } catch (PolicyException e) {
        throw new PolicyException("trust policy: " + e.getMessage());
      }
      names.add(s.name);
    }
    Map<String, Integer> scopeCount = new LinkedHashMap<>();
    for (PolicyJson.RawStatement s : raw.trustPolicies) {
      List<String> scopes = s.registryScopes == null ? List.of() : s.registryScopes;
      if (scopes.isEmpty()) {
        throw new PolicyException("trust policy statement " + GoText.quote(s.name)
            + " has zero registry scopes, it must specify registry scopes with at least one value");
      }
      if (scopes.size() > 1 && scopes.contains(AnyIdentity.WILDCARD)) {
        throw new PolicyException("trust policy statement " + GoText.quote(s.name) + " uses wildcard registry"
            + " scope '*', a wildcard scope cannot be used in conjunction with other scope values");
      }
      for (String scope : scopes) {
        if (!scope.equals(AnyIdentity.WILDCARD)) {
          StatementRules.checkScopeFormat(scope);
        }
        scopeCount.merge(scope, 1, Integer::sum);
      }
    }
    for (Map.Entry<String, Integer> e : scopeCount.entrySet()) {
      if (e.getValue() > 1) {
        throw new PolicyException("registry scope " + GoText.quote(e.getKey()) + " is present in multiple trust"
            + " policy statements, one registry scope value can only be associated with one statement");
      }
    }
    List<OciTrustPolicy> statements = new ArrayList<>();
    for (int i = 0; i < cores.size(); i++) {
      PolicyJson.RawStatement s = raw.trustPolicies.get(i);
      StatementRules.Core core = cores.get(i);
      statements.add(new OciTrustPolicy(s.name, s.registryScopes, core.signatureVerification(),
          core.trustStores(), core.trustedIdentities()));
    }
    return new OciTrustPolicyDocument(raw.version, statements);
  }

  /**
   * Loads {@code trustpolicy.oci.json} from {@code configDir}, or {@code trustpolicy.json} when the former does
   * not exist (notation 2.x order; notation 1.x only knows the latter).
   *
   * @throws PolicyException when neither file exists, the file is a symlink or directory, or it is invalid
   */
  public static OciTrustPolicyDocument load(Path configDir) throws PolicyException {
    Path oci = configDir.resolve(OCI_FILE_NAME);
    Path legacy = configDir.resolve(FILE_NAME);
    Path file = PolicyFiles.exists(oci) ? oci : legacy;
    if (!PolicyFiles.exists(file)) {
      throw new PolicyException("trust policy is not present: neither " + oci + " nor " + legacy
          + " exists. To create a trust policy, see: " + PolicyFiles.LINK);
    }
    return parse(PolicyFiles.read(file));
  }

  /**
   * The statement for an artifact: the one whose scopes contain {@code artifactRepository} exactly, else the
   * {@code "*"} statement. Matching is literal (no prefixes, no {@code docker.io} expansion).
   *
   * @param artifactRepository {@code registry/repository}; a trailing {@code @digest} is ignored
   * @throws NoApplicablePolicyException when no statement applies
   * @throws PolicyException when the repository is malformed
   */
  public OciTrustPolicy applicablePolicy(String artifactRepository) throws PolicyException {
    int at = artifactRepository.lastIndexOf('@');
    String path = at < 0 ? artifactRepository : artifactRepository.substring(0, at);
    StatementRules.checkScopeFormat(path);
    OciTrustPolicy wildcard = null;
    for (OciTrustPolicy statement : trustPolicies) {
      if (statement.isWildcard()) {
        wildcard = statement;
      } else if (statement.registryScopes().contains(path)) {
        return statement;
      }
    }
    if (wildcard != null) {
      return wildcard;
    }
    throw new NoApplicablePolicyException("artifact " + GoText.quote(artifactRepository) + " has no applicable"
        + " trust policy statement. Trust policy applicability for a given artifact is determined by"
        + " registryScopes. To create a trust policy, see: " + PolicyFiles.LINK);
  }
}
