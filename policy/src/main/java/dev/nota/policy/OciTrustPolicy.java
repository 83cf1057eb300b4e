package dev.nota.policy;

import java.util.List;
import java.util.Objects;

/**
 * One statement of an OCI trust policy document: which repositories it covers ({@code registryScopes}, or the
 * lone {@code "*"}), how strictly to verify, which trust stores anchor signatures and which signers are trusted.
 * For level {@code skip} both lists are empty.
 */
public record OciTrustPolicy(String name, List<String> registryScopes, SignatureVerification signatureVerification,
    List<TrustStoreRef> trustStores, List<TrustedIdentity> trustedIdentities) {

  public OciTrustPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(signatureVerification, "signatureVerification");
    registryScopes = List.copyOf(registryScopes);
    trustStores = List.copyOf(trustStores);
    trustedIdentities = List.copyOf(trustedIdentities);
  }

  /** True when this statement is the catch-all {@code "*"} statement. */
  public boolean isWildcard() {
    return registryScopes.contains(AnyIdentity.WILDCARD);
  }
}
