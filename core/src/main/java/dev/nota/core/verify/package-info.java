/**
 * Verification as data: every signature of an artifact runs the Notary Project checks in the specification's order
 * (integrity, authenticity and trusted identity, expiry, authentic timestamp, revocation, then the signed target and
 * user metadata), each check's failure enforced, logged or skipped as the trust policy's level says. The outcome
 * lists one {@link dev.nota.core.verify.CheckResult} per check so callers can report exactly which check failed.
 */
package dev.nota.core.verify;
