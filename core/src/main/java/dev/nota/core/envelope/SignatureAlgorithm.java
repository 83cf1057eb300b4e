package dev.nota.core.envelope;

/**
 * The six signature algorithms of the Notary Project signature specification. The leaf certificate's key fixes the
 * algorithm: RSA 2048/3072/4096 take RSASSA-PSS with SHA-256/384/512, EC P-256/384/521 take ECDSA with
 * SHA-256/384/512.
 */
public enum SignatureAlgorithm {
  // Implemented by the envelope work: JWS name, COSE id, hash, key spec and forKey(PublicKey).
}
