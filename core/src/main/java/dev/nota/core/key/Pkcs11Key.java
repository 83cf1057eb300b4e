package dev.nota.core.key;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.key.Pkcs11Native.Pkcs11Error;
import dev.nota.core.x509.CertificateRuleException;
import dev.nota.core.x509.CertificateRules;
import dev.nota.core.x509.Certificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * A signing key on a PKCS#11 token (a smart card, YubiKey, HSM, or SoftHSM2 in tests): the private key never
 * leaves the token, which computes every signature. The JDK's SunPKCS11 provider, configured at run time for the
 * token's slot, signs with keys that have a certificate on the token; a key whose certificate is not on the token
 * (its chain then comes from a PEM file) is signed with through the same JDK PKCS#11 layer directly, because
 * SunPKCS11's key store does not show keys without a certificate. RSA keys sign RSASSA-PSS (CKM_RSA_PKCS_PSS, which
 * the token must offer), EC keys ECDSA, returned as {@code R||S}.
 */
public final class Pkcs11Key implements PrimitiveSigner {
  private static final byte[] PROBE = "nota: does this token key belong to this certificate?"
      .getBytes(StandardCharsets.US_ASCII);

  /** How a signature is made on the token. */
  private interface TokenSigner {
    byte[] sign(byte[] toBeSigned) throws GeneralSecurityException, Pkcs11Error;
  }

  private final String where;
  private final List<X509Certificate> chain;
  private final SignatureAlgorithm algorithm;
  private TokenSigner signer;

  private Pkcs11Key(String where, List<X509Certificate> chain, SignatureAlgorithm algorithm) {
    this.where = where;
    this.chain = chain;
    this.algorithm = algorithm;
  }

  /**
   * Logs in to the token {@code key} names with {@code pin} and finds the key there.
   *
   * @param certChain a PEM chain file (leaf first), or null to take the chain from the token
   * @throws KeyException for a missing module, a token or key label not found, a wrong or locked PIN, a key
   *     without a certificate and no {@code certChain}, a chain that breaks the certificate rules or does not
   *     belong to the key, or a token without RSA-PSS for an RSA key
   */
  public static Pkcs11Key open(Pkcs11Uri key, Path certChain, char[] pin, Clock clock) throws KeyException {
    Path module = key.module().toAbsolutePath();
    if (!Files.isRegularFile(module)) {
      throw new KeyException("PKCS#11 module " + module + " does not exist");
    }
    String token = "token \"" + key.tokenLabel() + "\"";
    String keyName = "key \"" + key.keyLabel() + "\" on " + token;
    Pkcs11Native lib = Pkcs11Native.load(module);
    try {
      long slot = findSlot(lib, module, key.tokenLabel());
      long session = lib.openSession(slot);
      boolean keepSession = false; // only the certificate-less key signs through this session later
      try {
        try {
          lib.login(session, pin);
        } catch (Pkcs11Error e) {
          throw loginError(e, token);
        }
        long[] keys = lib.findByLabel(session, Pkcs11Native.CKO_PRIVATE_KEY, key.keyLabel());
        if (keys.length == 0) {
          throw new KeyException("no private key labelled \"" + key.keyLabel() + "\" on " + token);
        }
        if (keys.length > 1) {
          throw new KeyException(keys.length + " private keys are labelled \"" + key.keyLabel() + "\" on " + token
              + "; give the one to use a label of its own");
        }
        X509Certificate tokenCert = tokenCertificate(lib, session, keys[0], key.keyLabel());
        List<X509Certificate> fileChain = null;
        if (certChain != null) {
          try {
            fileChain = Certificates.readPem(certChain);
          } catch (CertificateRuleException e) {
            throw new KeyException(e.getMessage(), e);
          }
        } else if (tokenCert == null) {
          throw new KeyException(keyName + " has no certificate on the token; give its chain with --cert-chain "
              + "FILE (PEM, leaf first)");
        }
        if (tokenCert != null) {
          return viaProvider(module, slot, pin, tokenCert, fileChain, keyName, clock);
        }
        Pkcs11Key k = checked(fileChain, keyName, clock);
        long handle = keys[0];
        SignatureAlgorithm alg = k.algorithm;
        if (!lib.hasMechanism(slot, alg.isRsa() ? Pkcs11Native.CKM_RSA_PKCS_PSS : Pkcs11Native.CKM_ECDSA)) {
          throw noMechanism(keyName, alg, null);
        }
        k.signer = tbs -> {
          byte[] digest = MessageDigest.getInstance(alg.hashJcaName()).digest(tbs);
          return alg.isRsa()
              ? lib.sign(session, handle, Pkcs11Native.CKM_RSA_PKCS_PSS, alg.hashJcaName(), digest, alg.hashLength())
              : lib.sign(session, handle, Pkcs11Native.CKM_ECDSA, null, digest, 0);
        };
        Pkcs11Key probed = k.probed();
        keepSession = true;
        return probed;
      } finally {
        if (!keepSession) {
          lib.closeSession(session);
        }
      }
    } catch (Pkcs11Error e) {
      throw new KeyException("PKCS#11 " + token + " in " + module + " failed: " + e.getMessage(), e);
    }
  }

  private static long findSlot(Pkcs11Native lib, Path module, String label) throws Pkcs11Error, KeyException {
    List<String> seen = new ArrayList<>();
    for (long slot : lib.slotsWithTokens()) {
      String l = lib.tokenLabel(slot);
      if (l.equals(label)) {
        return slot;
      }
      seen.add("\"" + l + "\"");
    }
    throw new KeyException("no token labelled \"" + label + "\" in PKCS#11 module " + module
        + (seen.isEmpty() ? " (it has no tokens)" : " (its tokens: " + String.join(", ", seen) + ")"));
  }

  private static KeyException loginError(Pkcs11Error e, String token) {
    String code = e.getMessage();
    if (code.contains("CKR_PIN_INCORRECT") || code.contains("CKR_PIN_LEN_RANGE")) {
      return new KeyException("wrong PIN for " + token, e);
    }
    if (code.contains("CKR_PIN_LOCKED")) {
      return new KeyException("the PIN of " + token + " is locked (too many wrong PINs)", e);
    }
    return new KeyException("cannot log in to " + token + ": " + code, e);
  }

  /** The certificate on the token with the key's CKA_ID, else with its label, or null. */
  private static X509Certificate tokenCertificate(Pkcs11Native lib, long session, long key, String label)
      throws Pkcs11Error, KeyException {
    byte[] id = lib.id(session, key);
    long[] certs = id != null && id.length > 0
        ? lib.findById(session, Pkcs11Native.CKO_CERTIFICATE, id) : new long[0];
    if (certs.length == 0) {
      certs = lib.findByLabel(session, Pkcs11Native.CKO_CERTIFICATE, label);
    }
    if (certs.length == 0) {
      return null;
    }
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(lib.value(session, certs[0])));
    } catch (CertificateException | ClassCastException e) {
      throw new KeyException("the certificate of \"" + label + "\" on the token is not X.509: " + e.getMessage(), e);
    }
  }

  /** Signs through the SunPKCS11 provider, configured for {@code slot}. */
  private static Pkcs11Key viaProvider(Path module, long slot, char[] pin, X509Certificate tokenCert,
      List<X509Certificate> fileChain, String keyName, Clock clock) throws KeyException {
    String config = "--name=nota\nlibrary = \"" + module.toString().replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"\nslot = " + slot + "\n";
    try {
      Provider provider = Security.getProvider("SunPKCS11").configure(config);
      KeyStore store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, pin);
      String alias = null;
      for (String a : Collections.list(store.aliases())) {
        if (store.isKeyEntry(a) && tokenCert.equals(store.getCertificate(a))) {
          alias = a;
          break;
        }
      }
      Key key = alias == null ? null : store.getKey(alias, null);
      if (!(key instanceof PrivateKey privateKey)) {
        throw new KeyException(keyName + " is not visible through SunPKCS11 (no key matches its certificate)");
      }
      List<X509Certificate> chain = fileChain;
      if (chain == null) {
        chain = new ArrayList<>();
        for (Certificate c : store.getCertificateChain(alias)) {
          chain.add((X509Certificate) c);
        }
      }
      Pkcs11Key k = checked(chain, keyName, clock);
      SignatureAlgorithm alg = k.algorithm;
      String jcaName = alg.isRsa() ? "RSASSA-PSS" : alg.hashJcaName().replace("-", "") + "withECDSA";
      try {
        Signature.getInstance(jcaName, provider);
      } catch (NoSuchAlgorithmException e) {
        throw noMechanism(keyName, alg, e);
      }
      k.signer = tbs -> {
        // a fresh object each time: SunPKCS11's PSS signature cannot take its parameters again once initialized
        Signature signature = Signature.getInstance(jcaName, provider);
        if (alg.isRsa()) {
          signature.setParameter(alg.pssParameters(alg.hashLength()));
        }
        signature.initSign(privateKey);
        signature.update(tbs);
        byte[] s = signature.sign();
        return alg.isRsa() ? s : derToRaw(s, (Integer.parseInt(alg.keySpec().substring(3)) + 7) / 8);
      };
      return k.probed();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new KeyException("cannot use " + keyName + " through SunPKCS11: " + Pkcs11Native.oneLine(e), e);
    }
  }

  private static KeyException noMechanism(String keyName, SignatureAlgorithm alg, Exception cause) {
    return new KeyException("the token of " + keyName + " does not offer "
        + (alg.isRsa() ? "RSA-PSS (CKM_RSA_PKCS_PSS), which the Notary Project requires for RSA keys"
            : "ECDSA (CKM_ECDSA)"), cause);
  }

  private static Pkcs11Key checked(List<X509Certificate> chain, String keyName, Clock clock) throws KeyException {
    List<X509Certificate> copy = List.copyOf(chain);
    try {
      CertificateRules.checkCodeSigningChain(copy, clock.instant());
      return new Pkcs11Key(keyName, copy, SignatureAlgorithm.forKey(copy.get(0).getPublicKey()));
    } catch (NotaException e) {
      throw new KeyException("cannot sign with " + keyName + " and this certificate chain: " + e.getMessage(), e);
    }
  }

  /** Signs a probe on the token and checks it with the leaf: the key must belong to the certificate. */
  private Pkcs11Key probed() throws KeyException {
    String mismatch = where + " does not match the certificate \""
        + chain.get(0).getSubjectX500Principal().getName() + "\"";
    byte[] probe;
    try {
      probe = sign(PROBE);
    } catch (KeyException e) {
      throw new KeyException(mismatch + " (" + e.getMessage() + ")", e);
    }
    if (!algorithm.verify(chain.get(0).getPublicKey(), PROBE, probe, true)) { // key match: the JWS rules
      throw new KeyException(mismatch);
    }
    return this;
  }

  /** Converts an ASN.1 {@code SEQUENCE {r, s}} ECDSA signature to {@code R||S}, each {@code width} bytes. */
  static byte[] derToRaw(byte[] der, int width) throws GeneralSecurityException {
    ASN1Sequence seq;
    try {
      seq = ASN1Sequence.getInstance(der);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("the token returned a malformed ECDSA signature", e);
    }
    if (seq.size() != 2) {
      throw new GeneralSecurityException("the token returned a malformed ECDSA signature");
    }
    byte[] out = new byte[2 * width];
    for (int i = 0; i < 2; i++) {
      BigInteger v = ASN1Integer.getInstance(seq.getObjectAt(i)).getPositiveValue();
      byte[] b = v.toByteArray();
      int start = 0;
      while (start < b.length - width && b[start] == 0) {
        start++; // the sign byte
      }
      int len = b.length - start;
      if (len > width) {
        throw new GeneralSecurityException("the token returned an ECDSA value longer than the curve");
      }
      System.arraycopy(b, start, out, (i + 1) * width - len, len);
    }
    return out;
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
  public byte[] sign(byte[] toBeSigned) throws KeyException {
    try {
      return signer.sign(toBeSigned);
    } catch (GeneralSecurityException | Pkcs11Error | RuntimeException e) {
      throw new KeyException("signing on the token with " + where + " failed: " + Pkcs11Native.oneLine(e), e);
    }
  }
}
