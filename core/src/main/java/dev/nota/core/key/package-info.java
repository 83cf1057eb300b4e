/**
 * Signing keys: notation's {@code signingkeys.json} registry of named keys, local PEM key files that sign as a
 * {@link dev.nota.core.envelope.PrimitiveSigner}, and installing generated test keys where notation puts them.
 */
package dev.nota.core.key;
