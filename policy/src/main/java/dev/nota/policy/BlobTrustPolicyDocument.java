package dev.nota.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A blob trust policy document ({@code trustpolicy.blob.json}, notation 2.x). Statements follow the OCI rules
 * except registry scopes; at most one may be the global statement, and (as the spec says, although notation-go's
 * own check never fires) the global statement may not use level {@code skip}.
 */
public record BlobTrustPolicyDocument(String version, List<BlobTrustPolicy> trustPolicies) {
  /** The file name in the configuration directory. */
  public static final String FILE_NAME = "trustpolicy.blob.json";

  public BlobTrustPolicyDocument {
    Objects.requireNonNull(version, "version");
    trustPolicies = List.copyOf(trustPolicies);
  }

  /**
   * Parses and validates a document.
   *
   * @throws PolicyException for malformed JSON or the first rule the document breaks
   */
  public static BlobTrustPolicyDocument parse(byte[] json) throws PolicyException {
    PolicyJson.RawDocument raw = PolicyJson.read(json);
    if (raw.version.isEmpty()) {
      throw new PolicyException("blob trust policy document has empty version, version must be specified");
    }
    if (!raw.version.equals("1.0")) {
      throw new PolicyException("blob trust policy document uses unsupported version " + GoText.quote(raw.version));
    }
    if (raw.trustPolicies == null || raw.trustPolicies.isEmpty()) {
      throw new PolicyException("blob trust policy document can not have zero trust policy statements");
    }
    Set<String> names = new HashSet<>();
    List<BlobTrustPolicy> statements = new ArrayList<>();
    boolean foundGlobal = false;
    for (PolicyJson.RawStatement s : raw.trustPolicies) {
      if (names.contains(s.name)) {
        throw new PolicyException("multiple blob trust policy statements use the same name " + GoText.quote(s.name)
            + ", statement names must be unique");
      }
      StatementRules.Core core;
      try {
        core = StatementRules.validate(s.name, s.signatureVerification, s.trustStores, s.trustedIdentities);
      } catch (PolicyException e) {
        throw new PolicyException("blob trust policy: " + e.getMessage());
      }
      if (s.globalPolicy) {
        if (foundGlobal) {
          throw new PolicyException("multiple blob trust policy statements have globalPolicy set to true. Only one"
              + " trust policy statement can be marked as global policy");
        }
        if (core.signatureVerification().level() == VerificationLevel.SKIP) {
          throw new PolicyException("global blob trust policy statement " + GoText.quote(s.name)
              + " cannot have verification level set to skip");
        }
        foundGlobal = true;
      }
      names.add(s.name);
      statements.add(new BlobTrustPolicy(s.name, core.signatureVerification(), core.trustStores(),
          core.trustedIdentities(), s.globalPolicy));
    }
    return new BlobTrustPolicyDocument(raw.version, statements);
  }

  /**
   * Loads {@code trustpolicy.blob.json} from {@code configDir}.
   *
   * @throws PolicyException when it is missing, a symlink or directory, or invalid
   */
  public static BlobTrustPolicyDocument load(Path configDir) throws PolicyException {
    return parse(PolicyFiles.read(configDir.resolve(FILE_NAME)));
  }

  /**
   * The statement named exactly {@code nameOrNull}, or the global statement when it is null.
   *
   * @throws NoApplicablePolicyException when no statement has that name, or none is global
   * @throws PolicyException when the name is blank
   */
  public BlobTrustPolicy policy(String nameOrNull) throws PolicyException {
    if (nameOrNull == null) {
      for (BlobTrustPolicy statement : trustPolicies) {
        if (statement.globalPolicy()) {
          return statement;
        }
      }
      throw new NoApplicablePolicyException("no global blob trust policy: name a statement with --policy-name or"
          + " mark one statement with \"globalPolicy\": true");
    }
    if (nameOrNull.isBlank()) {
      throw new PolicyException("policy name cannot be empty");
    }
    for (BlobTrustPolicy statement : trustPolicies) {
      if (statement.name().equals(nameOrNull)) {
        return statement;
      }
    }
    throw new NoApplicablePolicyException("no applicable blob trust policy with name " + GoText.quote(nameOrNull));
  }
}
