package dev.nota.policy;

import java.util.List;
import java.util.Objects;

/**
 * One statement of a blob trust policy document. Blob statements have no registry scopes: {@code notation blob
 * verify} picks one by name, or the single statement marked {@code globalPolicy}.
 */
public record BlobTrustPolicy(String name, SignatureVerification signatureVerification,
    List<TrustStoreRef> trustStores, List<TrustedIdentity> trustedIdentities, boolean globalPolicy) {

  public BlobTrustPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(signatureVerification, "signatureVerification");
    trustStores = List.copyOf(trustStores);
    trustedIdentities = List.copyOf(trustedIdentities);
  }
}
