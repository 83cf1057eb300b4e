/**
 * The Notary v1 (Docker Content Trust) bridge: reads TUF metadata as notary-server and the notary client write it,
 * verifies it to the notary client's standard (canonical JSON, key IDs, signature methods, thresholds over distinct
 * keys, expiry, the timestamp, snapshot, targets, delegations chain, root rotation, rollback against a cache) and
 * resolves tags the way Docker does. Entry point: {@link dev.nota.core.tuf.TufClient}.
 */
package dev.nota.core.tuf;
