/**
 * Notation trust policies (OCI and blob) and the X.509 trust store, validated by the rules notation v1.3.2 applies.
 *
 * <p>Everything here is pure: the only I/O is reading the policy file and the trust store directories a caller
 * names. Values are immutable and non-null unless a method says otherwise.
 */
package dev.nota.policy;
