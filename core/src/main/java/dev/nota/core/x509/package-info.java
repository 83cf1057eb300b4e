/**
 * X.509 for Notary signatures: the certificate rules of the Notary Project specification (code signing and
 * timestamping chains), certificate file reading, thumbprints, and test certificate generation.
 */
package dev.nota.core.x509;
