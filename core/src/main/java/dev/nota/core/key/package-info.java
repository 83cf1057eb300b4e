/**
 * Signing keys: notation's {@code signingkeys.json} registry of named keys and local PEM key files that sign as a
 * {@link dev.nota.core.envelope.PrimitiveSigner}.
 */
package dev.nota.core.key;
