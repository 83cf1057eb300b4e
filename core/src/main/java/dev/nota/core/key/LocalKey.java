package dev.nota.core.key;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeException;
import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.x509.CertificateRuleException;
import dev.nota.core.x509.CertificateRules;
import dev.nota.core.x509.Certificates;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A signing key in local files: a PEM private key (PKCS#8, PKCS#1 or SEC1) and its certificate chain, leaf first.
 * Loading checks that the key matches the leaf and that the chain may sign code, so that nothing is signed with a
 * key notation would reject.
 */
public final class LocalKey implements PrimitiveSigner {
  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final SignatureAlgorithm algorithm;

  private LocalKey(PrivateKey key, List<X509Certificate> chain, SignatureAlgorithm algorithm) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.algorithm = algorithm;
  }

  /** Loads a key file and a certificate chain file. */
  public static LocalKey load(Path keyPem, Path certChainPem) throws KeyException {
    List<X509Certificate> chain;
    try {
      chain = Certificates.readPem(certChainPem);
    } catch (CertificateRuleException e) {
      throw new KeyException(e.getMessage(), e);
    }
    return of(readPrivateKey(keyPem), chain);
  }

  /** A key and chain already in memory. */
  public static LocalKey of(PrivateKey key, List<X509Certificate> chain) throws KeyException {
    if (chain == null || chain.isEmpty()) {
      throw new KeyException("the signing key has no certificate");
    }
    SignatureAlgorithm algorithm;
    try {
      CertificateRules.checkCodeSigningChain(chain, Instant.now());
      algorithm = SignatureAlgorithm.forKey(chain.get(0).getPublicKey());
    } catch (NotaException e) {
      throw new KeyException("cannot sign with this certificate chain: " + e.getMessage(), e);
    }
    LocalKey local = new LocalKey(key, chain, algorithm);
    try {
      byte[] probe = "nota key check".getBytes(StandardCharsets.US_ASCII);
      if (!algorithm.verify(chain.get(0).getPublicKey(), probe, local.sign(probe))) {
        throw new KeyException("the private key does not match the certificate "
            + chain.get(0).getSubjectX500Principal().getName());
      }
    } catch (KeyException e) {
      throw e;
    } catch (NotaException e) {
      throw new KeyException("the private key does not match the certificate "
          + chain.get(0).getSubjectX500Principal().getName() + ": " + e.getMessage(), e);
    }
    return local;
  }

  static PrivateKey readPrivateKey(Path file) throws KeyException {
    Object parsed;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeyException("cannot read private key " + file + ": " + oneLine(e), e);
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        // SEC1 keys may omit the public key; the private key info alone is enough then.
        return pair.getPublicKeyInfo() != null
            ? converter.getKeyPair(pair).getPrivate()
            : converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (parsed instanceof PKCS8EncryptedPrivateKeyInfo || parsed instanceof PEMEncryptedKeyPair) {
        throw new KeyException("private key " + file + " is encrypted; nota reads unencrypted PEM keys "
            + "(decrypt it with 'openssl pkey -in KEY -out PLAIN')");
      }
    } catch (IOException | RuntimeException e) {
      throw new KeyException("cannot read private key " + file + ": " + oneLine(e), e);
    }
    throw new KeyException("file " + file + " is not a PEM private key");
  }

  @Override
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  @Override
  public byte[] sign(byte[] toBeSigned) throws NotaException {
    try {
      Signature s;
      String hash = algorithm.hashJcaName();
      if (algorithm.isRsa()) {
        s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), algorithm.hashLength(), 1));
      } else {
        s = Signature.getInstance(hash.replace("-", "") + "withECDSAinP1363Format");
      }
      s.initSign(key);
      s.update(toBeSigned);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new EnvelopeException("signing failed: " + oneLine(e));
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
