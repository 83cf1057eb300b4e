package dev.nota.oci.registry;

/** How a registry lists referrers: through the OCI 1.1 Referrers API, or only through the tag schema index. */
public enum ReferrersSupport {
  /** {@code GET /v2/<name>/referrers/<digest>} answers with an index. */
  API,
  /** The API is missing (404); referrers live in the {@code <alg>-<hex>} tag index, which clients maintain. */
  TAG_SCHEMA
}
