package dev.nota.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks every statement of a trust policy document passes, OCI or blob, in notation's order and with
 * notation's messages, turning raw JSON fields into typed values.
 */
final class StatementRules {
  /** The typed parts shared by OCI and blob statements. */
  record Core(SignatureVerification signatureVerification, List<TrustStoreRef> trustStores,
      List<TrustedIdentity> trustedIdentities) {}

  private static final List<String> TYPE_NAMES = List.of(
      "integrity", "authenticity", "authenticTimestamp", "expiry", "revocation");
  private static final List<String> ACTION_NAMES = List.of("enforce", "log", "skip");

  private StatementRules() {}

  /** Validates one statement's name, verification settings, trust stores and identities. */
  static Core validate(String name, PolicyJson.RawVerification raw, List<String> stores, List<String> identities)
      throws PolicyException {
    if (name.isEmpty()) {
      throw new PolicyException("a trust policy statement is missing a name, every statement requires a name");
    }
    SignatureVerification verification = verification(name, raw);
    stores = stores == null ? List.of() : stores;
    identities = identities == null ? List.of() : identities;
    String statement = "trust policy statement " + GoText.quote(name);
    if (verification.level() == VerificationLevel.SKIP) {
      if (!stores.isEmpty() || !identities.isEmpty()) {
        throw new PolicyException(statement + " is set to skip signature verification but configured with trust"
            + " stores and/or trusted identities, remove them if signature verification needs to be skipped");
      }
      return new Core(verification, List.of(), List.of());
    }
    if (stores.isEmpty() || identities.isEmpty()) {
      throw new PolicyException(statement
          + " is either missing trust stores or trusted identities, both must be specified");
    }
    return new Core(verification, trustStores(statement, stores), trustedIdentities(statement, identities));
  }

  private static SignatureVerification verification(String name, PolicyJson.RawVerification raw)
      throws PolicyException {
    String prefix = "trust policy statement " + GoText.quote(name) + " has invalid signatureVerification: ";
    VerificationLevel level;
    try {
      level = VerificationLevel.parse(raw.level);
    } catch (PolicyException e) {
      throw new PolicyException(prefix + e.getMessage());
    }
    Map<ValidationType, ValidationAction> overrides = new EnumMap<>(ValidationType.class);
    if (raw.override != null && !raw.override.isEmpty()) {
      if (level == VerificationLevel.SKIP) {
        throw new PolicyException(prefix
            + "signature verification level \"skip\" can't be used to customize signature verification");
      }
      for (Map.Entry<String, String> e : raw.override.entrySet()) {
        ValidationType type = ValidationType.forJsonName(e.getKey());
        if (type == null) {
          throw new PolicyException(prefix + "verification type " + GoText.quote(e.getKey())
              + " in custom signature verification is not supported, supported values are "
              + GoText.quoteList(TYPE_NAMES));
        }
        ValidationAction action = ValidationAction.forJsonName(e.getValue());
        if (action == null) {
          throw new PolicyException(prefix + "verification action " + GoText.quote(e.getValue())
              + " in custom signature verification is not supported, supported values are "
              + GoText.quoteList(ACTION_NAMES));
        }
        if (type == ValidationType.INTEGRITY) {
          throw new PolicyException(prefix + GoText.quote(e.getKey())
              + " verification can not be overridden in custom signature verification");
        }
        if (type != ValidationType.REVOCATION && action == ValidationAction.SKIP) {
          throw new PolicyException(prefix + GoText.quote(e.getKey())
              + " verification can not be skipped in custom signature verification");
        }
        overrides.put(type, action);
      }
    }
    VerifyTimestamp verifyTimestamp;
    switch (raw.verifyTimestamp) {
      case "":
      case "always":
        verifyTimestamp = VerifyTimestamp.ALWAYS;
        break;
      case "afterCertExpiry":
        verifyTimestamp = VerifyTimestamp.AFTER_CERT_EXPIRY;
        break;
      default:
        throw new PolicyException(prefix + "verifyTimestamp must be \"always\" or \"afterCertExpiry\", but got "
            + GoText.quote(raw.verifyTimestamp));
    }
    return new SignatureVerification(level, overrides, verifyTimestamp);
  }

  private static List<TrustStoreRef> trustStores(String statement, List<String> values) throws PolicyException {
    List<TrustStoreRef> refs = new ArrayList<>();
    for (String value : values) {
      int colon = value.indexOf(':');
      if (colon < 0) {
        throw new PolicyException(statement + " has malformed trust store value " + GoText.quote(value)
            + ". The required format is <TrustStoreType>:<TrustStoreName>");
      }
      String typeName = value.substring(0, colon);
      String storeName = value.substring(colon + 1);
      TrustStoreType type = TrustStoreType.forValue(typeName);
      if (type == null) {
        throw new PolicyException(statement + " uses an unsupported trust store type " + GoText.quote(typeName)
            + " in trust store value " + GoText.quote(value));
      }
      if (!TrustStoreRef.isValidName(storeName)) {
        throw new PolicyException(statement + " uses an unsupported trust store name " + GoText.quote(storeName)
            + " in trust store value " + GoText.quote(value)
            + ". Named store name needs to follow [a-zA-Z0-9_.-]+ format");
      }
      refs.add(new TrustStoreRef(type, storeName));
    }
    return refs;
  }

  private static List<TrustedIdentity> trustedIdentities(String statement, List<String> values)
      throws PolicyException {
    if (values.size() > 1 && values.contains(AnyIdentity.WILDCARD)) {
      throw new PolicyException(statement + " uses a wildcard trusted identity '*', a wildcard identity cannot be"
          + " used in conjunction with other values");
    }
    List<TrustedIdentity> out = new ArrayList<>();
    List<X509SubjectIdentity> subjects = new ArrayList<>();
    for (String value : values) {
      if (value.isEmpty()) {
        throw new PolicyException(statement + " has an empty trusted identity");
      }
      if (value.equals(AnyIdentity.WILDCARD)) {
        out.add(new AnyIdentity());
        continue;
      }
      int colon = value.indexOf(':');
      if (colon < 0) {
        throw new PolicyException(statement + " has trusted identity " + GoText.quote(value) + " missing separator");
      }
      String prefix = value.substring(0, colon);
      String dn = value.substring(colon + 1);
      if (!prefix.equals(X509SubjectIdentity.PREFIX)) {
        out.add(new OtherIdentity(prefix, dn));
        continue;
      }
      if (dn.isEmpty()) {
        throw new PolicyException(statement + " has trusted identity " + GoText.quote(value)
            + " without an identity value");
      }
      X509SubjectIdentity identity;
      try {
        identity = X509SubjectIdentity.parse(dn);
      } catch (PolicyException e) {
        throw new PolicyException(statement + " has trusted identity " + GoText.quote(value)
            + " with invalid identity value: " + e.getMessage());
      }
      out.add(identity);
      subjects.add(identity);
    }
    for (int i = 0; i < subjects.size(); i++) {
      for (int j = 0; j < subjects.size(); j++) {
        if (i != j && X509SubjectIdentity.isSubset(subjects.get(i).attributes(), subjects.get(j).attributes())) {
          throw new PolicyException(statement + " has overlapping x509 trustedIdentities, "
              + GoText.quote(subjects.get(i).toString()) + " overlaps with "
              + GoText.quote(subjects.get(j).toString()));
        }
      }
    }
    return out;
  }

  // ---- registry scopes (OCI only) ----

  /** A DNS label: letters and digits, inner hyphens allowed. */
  private static final String LABEL = "[a-zA-Z0-9]++(?:-++[a-zA-Z0-9]++)*+";
  private static final Pattern DOMAIN = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*+(?::[0-9]++)?");
  /** A path component; possessive so that a long invalid name cannot make the matcher backtrack for ages. */
  private static final String COMPONENT = "[a-z0-9]++(?:(?:[._]|__|-++)[a-z0-9]++)*+";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*+");

  /** Checks {@code registry[:port]/repository} the way notation checks a scope or an artifact's path. */
  static void checkScopeFormat(String scope) throws PolicyException {
    String hint = ", make sure it is a fully qualified repository without the scheme, protocol or tag. For example"
        + " domain.com/my/repository or a local scope like local/myOCILayout";
    if (scope.length() > 1 && scope.contains("*")) {
      throw new PolicyException("registry scope " + GoText.quote(scope) + " with wild card(s) is not valid" + hint);
    }
    int slash = scope.indexOf('/');
    if (slash <= 0 || slash == scope.length() - 1 || !DOMAIN.matcher(scope.substring(0, slash)).matches()
        || !REPOSITORY.matcher(scope.substring(slash + 1)).matches()) {
      throw new PolicyException("registry scope " + GoText.quote(scope) + " is not valid" + hint);
    }
  }
}
