/**
 * Signing keys: notation's {@code signingkeys.json} registry of named keys, and the keys that sign as a
 * {@link dev.nota.core.envelope.PrimitiveSigner}: local PEM files ({@link dev.nota.core.key.LocalKey}), PKCS#12
 * bundles ({@link dev.nota.core.key.Pkcs12Key}) and keys on PKCS#11 tokens ({@link dev.nota.core.key.Pkcs11Key});
 * and installing generated test keys where notation puts them.
 */
package dev.nota.core.key;
