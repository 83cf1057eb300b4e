package dev.nota.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks the {@code requirements} of {@code trustpolicy.nota.json}. Unlike notation's statements, which
 * are decoded as leniently as Go does, this part is nota's own and strict: unknown members, wrong types, unknown or
 * repeated statement names and out-of-range counts are errors naming the field, e.g.
 * {@code requirements[0].referrers[1].allOf}. Rules nest as JSON objects, so they cannot form a cycle; nesting is
 * limited to {@link NotaTrustPolicyDocument#MAX_REFERRER_DEPTH} levels of {@code referrers}.
 */
final class RequirementRules {
  private static final Set<String> REQUIREMENT_FIELDS = Set.of("registryScopes", "allOf", "atLeast", "of",
      "referrers");
  private static final Set<String> REFERRER_FIELDS = Set.of("artifactType", "allOf", "atLeast", "of", "referrers");
  /** type/subtype as RFC 6838 restricts names; what the OCI spec requires of artifactType. */
  private static final Pattern MEDIA_TYPE = Pattern.compile(
      "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

  private final Set<String> statements;
  private final Set<String> notaryV1;

  RequirementRules(Set<String> statements) {
    this(statements, Set.of());
  }

  /** {@code notaryV1}: the names of Notary v1 trust sources, which rules may name like statements. */
  RequirementRules(Set<String> statements, Set<String> notaryV1) {
    this.statements = statements;
    this.notaryV1 = notaryV1;
  }

  List<Requirement> requirements(JsonNode node) throws PolicyException {
    if (node == null || node.isNull()) {
      throw new PolicyException("requirements: missing, list at least one requirement (or use trustpolicy.json"
          + " when none is needed)");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new PolicyException("requirements: must be a non-empty array of requirements");
    }
    List<Requirement> out = new ArrayList<>();
    Map<String, String> scopeOwners = new java.util.HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "requirements[" + i + "]";
      JsonNode r = object(path, node.get(i), REQUIREMENT_FIELDS);
      List<String> scopes = strings(path + ".registryScopes", r.get("registryScopes"), true);
      for (String scope : scopes) {
        RequirementScopes.check(path + ".registryScopes", scope);
        String owner = scopeOwners.putIfAbsent(scope, path);
        if (owner != null) {
          throw new PolicyException(path + ".registryScopes: registry scope " + GoText.quote(scope)
              + (owner.equals(path) ? " is listed twice" : " is also in " + owner)
              + ", a scope can belong to one requirement only");
        }
      }
      out.add(new Requirement(scopes, rule(path, r), referrers(path, r.get("referrers"), 1)));
    }
    return out;
  }

  private List<ReferrerRequirement> referrers(String path, JsonNode node, int depth) throws PolicyException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    path += ".referrers";
    if (!node.isArray()) {
      throw new PolicyException(path + ": must be an array");
    }
    if (!node.isEmpty() && depth > NotaTrustPolicyDocument.MAX_REFERRER_DEPTH) {
      throw new PolicyException(path + ": referrers nest deeper than "
          + NotaTrustPolicyDocument.MAX_REFERRER_DEPTH + " levels");
    }
    List<ReferrerRequirement> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode r = object(at, node.get(i), REFERRER_FIELDS);
      JsonNode type = r.get("artifactType");
      if (type == null || !type.isTextual() || type.asText().isEmpty()) {
        throw new PolicyException(at + ".artifactType: missing, name the referrer's artifact type, e.g."
            + " application/sarif+json");
      }
      if (!MEDIA_TYPE.matcher(type.asText()).matches()) {
        throw new PolicyException(at + ".artifactType: " + GoText.quote(type.asText())
            + " is not a media type (type/subtype)");
      }
      out.add(new ReferrerRequirement(type.asText(), rule(at, r), referrers(at, r.get("referrers"), depth + 1)));
    }
    return out;
  }

  private SignatureRule rule(String path, JsonNode r) throws PolicyException {
    JsonNode allOfNode = r.get("allOf");
    JsonNode atLeastNode = r.get("atLeast");
    JsonNode ofNode = r.get("of");
    if (isAbsent(allOfNode) && isAbsent(atLeastNode) && isAbsent(ofNode)) {
      throw new PolicyException(path + ": names no statement, give allOf and/or atLeast with of");
    }
    List<String> allOf = List.of();
    if (!isAbsent(allOfNode)) {
      allOf = names(path + ".allOf", allOfNode);
    }
    int atLeast = 0;
    List<String> of = List.of();
    if (!isAbsent(atLeastNode) || !isAbsent(ofNode)) {
      if (isAbsent(atLeastNode)) {
        throw new PolicyException(path + ".atLeast: missing, of needs atLeast (how many of its statements)");
      }
      if (isAbsent(ofNode)) {
        throw new PolicyException(path + ".of: missing, atLeast needs of (the statements to count)");
      }
      if (!atLeastNode.isIntegralNumber() || !atLeastNode.canConvertToInt()) {
        throw new PolicyException(path + ".atLeast: must be a whole number");
      }
      of = names(path + ".of", ofNode);
      atLeast = atLeastNode.intValue();
      if (atLeast < 1 || atLeast > of.size()) {
        throw new PolicyException(path + ".atLeast: " + atLeast + " is out of range, it must be between 1 and "
            + of.size() + " (the number of statements in of)");
      }
    }
    return new SignatureRule(allOf, atLeast, of);
  }

  private List<String> names(String path, JsonNode node) throws PolicyException {
    List<String> names = strings(path, node, false);
    if (names.isEmpty()) {
      throw new PolicyException(path + ": is empty, name at least one trust policy statement");
    }
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!statements.contains(name) && !notaryV1.contains(name)) {
        throw new PolicyException(path + ": unknown trust policy statement " + GoText.quote(name)
            + ", trustPolicies has " + GoText.quoteList(statements.stream().sorted().toList())
            + (notaryV1.isEmpty() ? "" : " and notaryV1 has " + GoText.quoteList(notaryV1.stream().sorted()
                .toList())));
      }
      if (!seen.add(name)) {
        throw new PolicyException(path + ": statement " + GoText.quote(name) + " is named twice");
      }
    }
    return names;
  }

  private static List<String> strings(String path, JsonNode node, boolean required) throws PolicyException {
    if (isAbsent(node)) {
      if (required) {
        throw new PolicyException(path + ": missing, give at least one registry scope");
      }
      return List.of();
    }
    if (!node.isArray()) {
      throw new PolicyException(path + ": must be an array of strings");
    }
    if (required && node.isEmpty()) {
      throw new PolicyException(path + ": is empty, give at least one registry scope");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new PolicyException(path + ": must be an array of strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  private static JsonNode object(String path, JsonNode node, Set<String> fields) throws PolicyException {
    if (node == null || !node.isObject()) {
      throw new PolicyException(path + ": must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!fields.contains(field)) {
        throw new PolicyException(path + "." + field + ": unknown field, expected one of "
            + GoText.quoteList(fields.stream().sorted().toList()));
      }
    }
    return node;
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull();
  }
}
