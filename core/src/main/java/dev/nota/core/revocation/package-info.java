/** Revocation checking of certificate chains (OCSP and CRL, and the offline fail-closed rule). */
package dev.nota.core.revocation;
