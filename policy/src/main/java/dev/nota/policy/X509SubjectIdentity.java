package dev.nota.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * A {@code x509.subject:<DN>} identity. The DN is parsed like notation (RFC 4514 syntax as go-ldap reads it, one
 * attribute per RDN, no duplicates, {@code S} read as {@code ST}, {@code C}, {@code ST} and {@code O} required,
 * no {@code =#}). A leaf matches when its subject has every attribute of this DN with an equal value:
 * attribute types and values are compared exactly (case-sensitive), order does not matter.
 *
 * @param distinguishedName the DN text exactly as written after the prefix
 * @param attributes attribute type to value, in the order written
 */
public record X509SubjectIdentity(String distinguishedName, Map<String, String> attributes)
    implements TrustedIdentity {
  /** The prefix of this kind of identity. */
  public static final String PREFIX = "x509.subject";

  public X509SubjectIdentity {
    Objects.requireNonNull(distinguishedName, "distinguishedName");
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * Parses the DN part of an {@code x509.subject:} identity.
   *
   * @throws PolicyException when notation would reject the DN
   */
  public static X509SubjectIdentity parse(String distinguishedName) throws PolicyException {
    return new X509SubjectIdentity(distinguishedName, DistinguishedNames.parse(distinguishedName));
  }

  /**
   * The attributes notation reads from a certificate subject: it renders the subject the way Go's
   * {@code pkix.Name.String()} does and parses that text with the same rules as a policy DN. A subject that
   * lacks C, ST or O, repeats an attribute, or carries attributes Go cannot name (such as emailAddress) is
   * rejected here, and notation rejects such a signer for every {@code x509.subject} identity.
   *
   * @throws PolicyException naming the subject when it cannot be read that way
   */
  public static Map<String, String> subjectAttributes(X500Principal subject) throws PolicyException {
    return Collections.unmodifiableMap(DistinguishedNames.parse(DistinguishedNames.goSubjectString(subject)));
  }

  /** True when every attribute of {@code subset} has the same value in {@code superset} (absent counts as ""). */
  static boolean isSubset(Map<String, String> subset, Map<String, String> superset) {
    for (Map.Entry<String, String> e : subset.entrySet()) {
      if (!e.getValue().equals(superset.getOrDefault(e.getKey(), ""))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean matches(X500Principal leafSubject) {
    Map<String, String> leaf;
    try {
      leaf = subjectAttributes(leafSubject);
    } catch (PolicyException e) {
      return false;
    }
    return isSubset(attributes, leaf);
  }

  @Override
  public String toString() {
    return PREFIX + ":" + distinguishedName;
  }
}
