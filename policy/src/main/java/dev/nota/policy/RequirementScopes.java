package dev.nota.policy;

/**
 * The registry scopes of requirements: an exact repository ({@code registry.example/app}), a namespace with every
 * repository below it ({@code registry.example/team/*}, or {@code registry.example/*} for a whole registry), or
 * {@code *}. The most specific scope wins: exact, then the longest namespace, then {@code *}.
 */
final class RequirementScopes {
  static final String NAMESPACE_SUFFIX = "/*";

  private RequirementScopes() {}

  /** Checks one scope's form; {@code field} names it in the message. */
  static void check(String field, String scope) throws PolicyException {
    if (scope.equals(AnyIdentity.WILDCARD)) {
      return;
    }
    try {
      if (isNamespace(scope)) {
        // A namespace is valid when a repository directly below it would be.
        StatementRules.checkScopeFormat(prefix(scope) + "/x");
      } else {
        StatementRules.checkScopeFormat(scope);
      }
    } catch (PolicyException e) {
      throw new PolicyException(field + ": registry scope " + GoText.quote(scope) + " is not valid: use a"
          + " repository (registry.example/app), a namespace ending in /* (registry.example/team/*) or *");
    }
  }

  static boolean isNamespace(String scope) {
    return scope.length() > NAMESPACE_SUFFIX.length() && scope.endsWith(NAMESPACE_SUFFIX);
  }

  /** The namespace of {@code registry.example/team/*}: {@code registry.example/team}. */
  static String prefix(String namespace) {
    return namespace.substring(0, namespace.length() - NAMESPACE_SUFFIX.length());
  }

  /**
   * How specifically {@code scope} matches {@code repository}: -1 for no match, 0 for {@code *}, the namespace's
   * length plus one for a namespace, {@link Integer#MAX_VALUE} for the exact repository.
   */
  static int specificity(String scope, String repository) {
    if (scope.equals(AnyIdentity.WILDCARD)) {
      return 0;
    }
    if (isNamespace(scope)) {
      String prefix = prefix(scope);
      return repository.startsWith(prefix + "/") ? prefix.length() + 1 : -1;
    }
    return scope.equals(repository) ? Integer.MAX_VALUE : -1;
  }
}
