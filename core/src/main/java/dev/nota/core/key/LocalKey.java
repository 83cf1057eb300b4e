package dev.nota.core.key;

import dev.nota.core.NotaException;
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
import java.time.Clock;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A signing key in local files, as notation's {@code signingkeys.json} names them: an unencrypted PEM private key
 * (PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}) and its certificate
 * chain, leaf first. Loading checks that the chain passes the Notary Project certificate rules now and that the
 * key belongs to the leaf, so that nothing is ever signed that notation would refuse to verify.
 */
public final class LocalKey implements PrimitiveSigner {
  private static final long MAX_KEY_FILE = 1024 * 1024;
  private static final byte[] PROBE = "nota: does this key belong to this certificate?"
      .getBytes(StandardCharsets.US_ASCII);

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final SignatureAlgorithm algorithm;

  private LocalKey(PrivateKey key, List<X509Certificate> chain, SignatureAlgorithm algorithm) {
    this.key = key;
    this.chain = chain;
    this.algorithm = algorithm;
  }

  /** Loads a PEM key file and a certificate chain file (PEM or DER), checking the chain at the current time. */
  public static LocalKey load(Path keyPem, Path certChainPem) throws KeyException {
    return load(keyPem, certChainPem, Clock.systemUTC());
  }

  /** Loads a PEM key file and a certificate chain file, checking the chain at {@code clock}'s time. */
  public static LocalKey load(Path keyPem, Path certChainPem, Clock clock) throws KeyException {
    List<X509Certificate> chain;
    try {
      chain = Certificates.readPem(certChainPem);
    } catch (CertificateRuleException e) {
      throw new KeyException(e.getMessage(), e);
    }
    return of(readPrivateKey(keyPem), chain, clock);
  }

  /** A key and chain already in memory, the chain checked at the current time. */
  public static LocalKey of(PrivateKey key, List<X509Certificate> chain) throws KeyException {
    return of(key, chain, Clock.systemUTC());
  }

  /**
   * A key and chain already in memory.
   *
   * @throws KeyException if the chain breaks a certificate rule at {@code clock}'s time, or the key does not belong
   *     to the leaf certificate
   */
  public static LocalKey of(PrivateKey key, List<X509Certificate> chain, Clock clock) throws KeyException {
    if (key == null) {
      throw new KeyException("no private key given");
    }
    if (chain == null || chain.isEmpty()) {
      throw new KeyException("the signing key has no certificate chain");
    }
    List<X509Certificate> copy = List.copyOf(chain);
    SignatureAlgorithm algorithm;
    try {
      CertificateRules.checkCodeSigningChain(copy, clock.instant());
      algorithm = SignatureAlgorithm.forKey(copy.get(0).getPublicKey());
    } catch (NotaException e) {
      throw new KeyException("cannot sign with this certificate chain: " + e.getMessage(), e);
    }
    LocalKey local = new LocalKey(key, copy, algorithm);
    String mismatch = "the private key does not match the certificate " + leafName(copy.get(0));
    byte[] probe;
    try {
      probe = local.sign(PROBE);
    } catch (KeyException e) {
      throw new KeyException(mismatch + " (" + e.getMessage() + ")", e);
    }
    // any salt length, the JWS rules: this only asks whether the key is the leaf's (COSE's key size rule is the
    // envelope's business)
    if (!algorithm.verify(copy.get(0).getPublicKey(), PROBE, probe, true)) {
      throw new KeyException(mismatch);
    }
    return local;
  }

  /**
   * Reads the first private key of a PEM file, skipping other blocks (such as the {@code EC PARAMETERS} block that
   * {@code openssl ecparam -genkey} writes first, or certificates).
   */
  static PrivateKey readPrivateKey(Path file) throws KeyException {
    try {
      if (Files.size(file) > MAX_KEY_FILE) {
        throw new KeyException("private key file " + file + " is over " + MAX_KEY_FILE + " bytes");
      }
    } catch (IOException e) {
      throw new KeyException("cannot read private key " + file + ": " + oneLine(e), e);
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        PEMParser parser = new PEMParser(r)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          // not getKeyPair: a SEC1 key may leave out its public key
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
          throw new KeyException("private key " + file + " is encrypted, which nota does not support for local "
              + "keys; decrypt it first (openssl pkey -in ENCRYPTED.key -out PLAIN.key)");
        }
        if (!(o instanceof X509CertificateHolder) && !(o instanceof ASN1ObjectIdentifier)) {
          throw new KeyException("file " + file + " holds a PEM " + o.getClass().getSimpleName()
              + " where a private key was expected");
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new KeyException("cannot read private key " + file + ": " + oneLine(e), e);
    }
    throw new KeyException("file " + file + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or "
        + "EC PRIVATE KEY)");
  }

  @Override
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  /**
   * Signs {@code toBeSigned}: RSASSA-PSS with MGF1 of the same hash and a salt as long as the hash, or ECDSA
   * returning {@code R||S} at the curve's fixed width.
   */
  @Override
  public byte[] sign(byte[] toBeSigned) throws KeyException {
    try {
      Signature s;
      if (algorithm.isRsa()) {
        s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(algorithm.pssParameters(algorithm.hashLength()));
      } else {
        s = Signature.getInstance(algorithm.hashJcaName().replace("-", "") + "withECDSAinP1363Format");
      }
      s.initSign(key);
      s.update(toBeSigned);
      return s.sign();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException("signing with the " + key.getAlgorithm() + " key failed: " + oneLine(e), e);
    }
  }

  private static String leafName(X509Certificate leaf) {
    return "\"" + leaf.getSubjectX500Principal().getName() + "\"";
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
