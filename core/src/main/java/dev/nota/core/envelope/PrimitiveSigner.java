package dev.nota.core.envelope;

import dev.nota.core.NotaException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Produces the raw signature over to-be-signed bytes with a signing key, whatever holds the key (a PEM file, a
 * PKCS#12 bundle, a hardware token, a plugin). RSA keys sign RSASSA-PSS with MGF1 of the same hash and salt length
 * equal to the hash length; EC keys return the raw {@code R||S} concatenation, each integer padded to the curve size.
 */
public interface PrimitiveSigner {

  /** The algorithm the key implies (see {@link SignatureAlgorithm#forKey}). */
  SignatureAlgorithm algorithm();

  /** The certificate chain of the key, leaf first, root last. */
  List<X509Certificate> certificateChain();

  /** Signs {@code toBeSigned} (the envelope computes it; the signer hashes it with the algorithm's hash). */
  byte[] sign(byte[] toBeSigned) throws NotaException;
}
