/**
 * Revocation checking of certificate chains: OCSP with CRL fallback over plain HTTP ({@link
 * dev.nota.core.revocation.OnlineRevocationChecker}), a file cache of CRLs and OCSP responses, and the offline
 * fail-closed rule ({@link dev.nota.core.revocation.RevocationChecker#OFFLINE}).
 */
package dev.nota.core.revocation;
