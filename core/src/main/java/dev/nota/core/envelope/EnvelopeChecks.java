package dev.nota.core.envelope;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Steps both envelope formats share: reading the certificate chain and checking the primitive signature. */
final class EnvelopeChecks {
  private EnvelopeChecks() {}

  /** Parses DER certificates, leaf first; {@code label} names the header in errors ({@code x5c}). */
  static List<X509Certificate> certificates(List<byte[]> ders, String label) throws EnvelopeException {
    if (ders.isEmpty()) {
      throw new EnvelopeException("the " + label + " certificate chain is empty");
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (int i = 0; i < ders.size(); i++) {
      byte[] der = ders.get(i);
      try {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        if (!Arrays.equals(cert.getEncoded(), der)) {
          throw new EnvelopeException(label + "[" + i + "] is not exactly one DER certificate");
        }
        chain.add(cert);
      } catch (CertificateException | RuntimeException e) {
        throw new EnvelopeException(label + "[" + i + "] is not a valid X.509 certificate: " + e.getMessage());
      }
    }
    return chain;
  }

  /**
   * Integrity: the envelope's algorithm must be the one the leaf key implies, and the signature must verify over
   * {@code signedBytes} with that key.
   */
  static EnvelopeContent verify(EnvelopeContent content, byte[] signedBytes, boolean anyPssSaltLength, String format)
      throws EnvelopeException {
    X509Certificate leaf = content.certificateChain().get(0);
    SignatureAlgorithm implied;
    try {
      implied = SignatureAlgorithm.forKey(leaf.getPublicKey());
    } catch (EnvelopeException e) {
      throw new EnvelopeException("the signing certificate has an " + e.getMessage());
    }
    if (implied != content.algorithm()) {
      throw new EnvelopeException("the " + format + " signature algorithm " + content.algorithm().specName()
          + " does not match the signing certificate's key, which requires " + implied.specName());
    }
    if (!implied.verify(leaf.getPublicKey(), signedBytes, content.signature(), anyPssSaltLength)) {
      String keyProblem = anyPssSaltLength ? null : SignatureAlgorithm.coseKeyProblem(leaf.getPublicKey());
      if (keyProblem != null) {
        throw new EnvelopeException("the " + format + " signature is invalid: " + keyProblem);
      }
      throw new EnvelopeException("the " + format + " signature is invalid: it does not verify with the signing "
          + "certificate's key over the signed header and payload");
    }
    return content;
  }
}
