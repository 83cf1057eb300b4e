package dev.nota.policy;

import javax.security.auth.x500.X500Principal;

/**
 * One entry of a statement's {@code trustedIdentities}: {@code "*"} (any signer the trust store accepts),
 * {@code "x509.subject:<DN>"} (the signing certificate's subject must contain every attribute of the DN), or an
 * identity with another prefix, which notation accepts for verification plugins but never matches itself.
 */
public sealed interface TrustedIdentity permits AnyIdentity, X509SubjectIdentity, OtherIdentity {

  /** Whether a signing (leaf) certificate with this subject satisfies the identity, compared the way notation does. */
  boolean matches(X500Principal leafSubject);
}
