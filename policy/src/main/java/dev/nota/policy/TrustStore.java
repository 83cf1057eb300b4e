package dev.nota.policy;

import java.security.cert.X509Certificate;
import java.util.List;

/** Named sets of trusted certificates, looked up by the {@code type:name} a policy statement lists. */
public interface TrustStore {
  /**
   * The certificates of one named store, in a stable order.
   *
   * @throws PolicyException when the store does not exist, is empty, or holds anything notation rejects
   */
  List<X509Certificate> certificates(TrustStoreType type, String name) throws PolicyException;
}
