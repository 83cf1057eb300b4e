package dev.nota.core.verify;

import dev.nota.policy.PolicyException;
import dev.nota.policy.TrustStore;
import dev.nota.policy.TrustStoreType;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A view of a trust store for one verification: each named store is read once, however many signatures (and the
 * thumbprint pre-filter) ask for it, and a store that fails to load fails the same way every time.
 */
final class ReadOnceTrustStore implements TrustStore {
  private final TrustStore delegate;
  private final Map<String, Object> loaded = new ConcurrentHashMap<>();

  ReadOnceTrustStore(TrustStore delegate) {
    this.delegate = delegate;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<X509Certificate> certificates(TrustStoreType type, String name) throws PolicyException {
    Object result = loaded.computeIfAbsent(type.value() + ":" + name, key -> {
      try {
        return delegate.certificates(type, name);
      } catch (PolicyException e) {
        return e;
      }
    });
    if (result instanceof PolicyException e) {
      throw e;
    }
    return (List<X509Certificate>) result;
  }
}
