package dev.nota.oci.registry;

import dev.nota.oci.OciException;

/**
 * Where credentials for a registry come from. Asked lazily, only when a registry answers 401, so anonymous registries
 * never touch a credential helper.
 */
@FunctionalInterface
public interface CredentialStore {

  /** No credentials anywhere. */
  CredentialStore NONE = registry -> null;

  /**
   * Returns the credentials for {@code registry} ({@code host[:port]} as written in the reference, e.g.
   * {@code docker.io}), or null when there are none.
   */
  Credential get(String registry) throws OciException;
}
