package dev.nota.core.verify;

import dev.nota.policy.BlobTrustPolicy;
import dev.nota.policy.OciTrustPolicy;
import dev.nota.policy.SignatureVerification;
import dev.nota.policy.TrustStoreRef;
import dev.nota.policy.TrustedIdentity;
import java.util.List;

/**
 * The parts of a trust policy statement that signature checks use, shared by OCI and blob policies.
 */
public record PolicyStatement(
    String name,
    SignatureVerification signatureVerification,
    List<TrustStoreRef> trustStores,
    List<TrustedIdentity> trustedIdentities) {

  public PolicyStatement {
    trustStores = trustStores == null ? List.of() : List.copyOf(trustStores);
    trustedIdentities = trustedIdentities == null ? List.of() : List.copyOf(trustedIdentities);
  }

  public static PolicyStatement of(OciTrustPolicy p) {
    return new PolicyStatement(p.name(), p.signatureVerification(), p.trustStores(), p.trustedIdentities());
  }

  public static PolicyStatement of(BlobTrustPolicy p) {
    return new PolicyStatement(p.name(), p.signatureVerification(), p.trustStores(), p.trustedIdentities());
  }
}
