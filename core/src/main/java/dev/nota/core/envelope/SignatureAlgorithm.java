package dev.nota.core.envelope;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The six signature algorithms of the Notary Project signature specification. The leaf certificate's key fixes the
 * algorithm: RSA 2048/3072/4096 take RSASSA-PSS with SHA-256/384/512, EC P-256/384/521 take ECDSA with
 * SHA-256/384/512. Any other key is unsupported, so a signature can never pick a weaker algorithm than its key.
 * Which keys count as which size and type follows notation-core-go (see {@link #forKey}), so that nota accepts
 * exactly the keys notation signs and verifies with.
 */
public enum SignatureAlgorithm {
  RSASSA_PSS_SHA_256("PS256", -37, "RSA", 2048, null, null),
  RSASSA_PSS_SHA_384("PS384", -38, "RSA", 3072, null, null),
  RSASSA_PSS_SHA_512("PS512", -39, "RSA", 4096, null, null),
  ECDSA_SHA_256("ES256", -7, "EC", 256, "secp256r1", "1.2.840.10045.3.1.7"),
  ECDSA_SHA_384("ES384", -35, "EC", 384, "secp384r1", "1.3.132.0.34"),
  ECDSA_SHA_512("ES512", -36, "EC", 521, "secp521r1", "1.3.132.0.35");

  private static final ASN1ObjectIdentifier RSA_ENCRYPTION = new ASN1ObjectIdentifier("1.2.840.113549.1.1.1");
  private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
  private static final int COSE_MIN_RSA_BITS = 2048;

  private final String jwsName;
  private final int coseId;
  private final String keyType;
  private final int keySize;
  private final String curve;
  private final ASN1ObjectIdentifier curveOid;

  SignatureAlgorithm(String jwsName, int coseId, String keyType, int keySize, String curve, String curveOid) {
    this.jwsName = jwsName;
    this.coseId = coseId;
    this.keyType = keyType;
    this.keySize = keySize;
    this.curve = curve;
    this.curveOid = curveOid == null ? null : new ASN1ObjectIdentifier(curveOid);
  }

  /** The JWS {@code alg} value, e.g. {@code PS256}. */
  public String jwsName() {
    return jwsName;
  }

  /** The COSE algorithm identifier, e.g. {@code -37}. */
  public int coseId() {
    return coseId;
  }

  /** The name the Notary specification and plugin protocol use, e.g. {@code RSASSA-PSS-SHA-256}. */
  public String specName() {
    return name().replace("RSASSA_PSS", "RSASSA-PSS").replace('_', '-');
  }

  /** The plugin protocol's key spec, e.g. {@code RSA-2048} or {@code EC-256}. */
  public String keySpec() {
    return keyType + "-" + keySize;
  }

  /** The JCA name of the hash, e.g. {@code SHA-256}. */
  public String hashJcaName() {
    return "SHA-" + hashBits();
  }

  /** The hash length in bytes (32, 48 or 64). */
  public int hashLength() {
    return hashBits() / 8;
  }

  private int hashBits() {
    return Integer.parseInt(name().substring(name().length() - 3));
  }

  /** Whether this is one of the RSASSA-PSS algorithms. */
  public boolean isRsa() {
    return curve == null;
  }

  /** The algorithm with JWS name {@code name}, or null. */
  public static SignatureAlgorithm forJwsName(String name) {
    for (SignatureAlgorithm a : values()) {
      if (a.jwsName.equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** The algorithm with COSE identifier {@code id}, or null. */
  public static SignatureAlgorithm forCoseId(long id) {
    for (SignatureAlgorithm a : values()) {
      if (a.coseId == id) {
        return a;
      }
    }
    return null;
  }

  /**
   * The algorithm that {@code key} implies, sized and typed as notation-core-go does it: an RSA key counts by its
   * modulus length in whole bytes (Go's {@code rsa.PublicKey.Size}), so a 2047-bit modulus is RSA 2048, as notation
   * signs and verifies with it; the key must be a plain {@code rsaEncryption} key (Go cannot read an
   * {@code id-RSASSA-PSS} public key, so notation refuses such a certificate) or an {@code id-ecPublicKey} on a
   * named NIST curve (Go refuses explicit curve parameters).
   *
   * @throws EnvelopeException for any key but RSA 2048/3072/4096 and EC P-256/P-384/P-521, e.g. "unsupported key: RSA
   *     1024"
   */
  public static SignatureAlgorithm forKey(PublicKey key) throws EnvelopeException {
    if (key instanceof RSAPublicKey rsa) {
      if (!RSA_ENCRYPTION.equals(keyAlgorithm(key).getAlgorithm())) {
        throw unsupported("RSA key restricted to RSASSA-PSS (its public key algorithm is id-RSASSA-PSS, not "
            + "rsaEncryption; make the key with 'openssl genpkey -algorithm RSA')");
      }
      int bits = (rsa.getModulus().bitLength() + 7) / 8 * 8;
      for (SignatureAlgorithm a : values()) {
        if (a.isRsa() && a.keySize == bits) {
          return a;
        }
      }
      throw unsupported("RSA " + rsa.getModulus().bitLength());
    }
    if (key instanceof ECPublicKey ec) {
      ECParameterSpec params = ec.getParams();
      int bits = params.getCurve().getField().getFieldSize();
      for (SignatureAlgorithm a : values()) {
        if (!a.isRsa() && a.keySize == bits) {
          AlgorithmIdentifier id = keyAlgorithm(key);
          if (!EC_PUBLIC_KEY.equals(id.getAlgorithm())) {
            throw unsupported("EC key with public key algorithm " + id.getAlgorithm() + " (not id-ecPublicKey)");
          }
          if (!(id.getParameters() instanceof ASN1ObjectIdentifier)) {
            throw unsupported("EC key with explicit curve parameters (name the curve: 'openssl genpkey -algorithm "
                + "EC -pkeyopt ec_paramgen_curve:P-" + bits + "' without ec_param_enc:explicit)");
          }
          if (!a.curveOid.equals(id.getParameters()) || !sameCurve(params, a.curveSpec())) {
            throw unsupported("EC " + bits + "-bit curve that is not NIST P-" + bits);
          }
          return a;
        }
      }
      throw unsupported("EC " + bits + "-bit curve");
    }
    throw unsupported(key == null ? "none" : key.getAlgorithm());
  }

  /** The algorithm identifier of the key's SubjectPublicKeyInfo, as a certificate carries it. */
  private static AlgorithmIdentifier keyAlgorithm(PublicKey key) throws EnvelopeException {
    byte[] encoded = key.getEncoded();
    try {
      if (encoded != null) {
        return SubjectPublicKeyInfo.getInstance(encoded).getAlgorithm();
      }
    } catch (RuntimeException e) {
      // fall through: an unreadable key is unsupported
    }
    throw unsupported(key.getAlgorithm() + " key whose encoding cannot be read");
  }

  private static EnvelopeException unsupported(String what) {
    return new EnvelopeException("unsupported key: " + what
        + " (the Notary Project allows RSA 2048/3072/4096 and EC P-256/P-384/P-521)");
  }

  private ECParameterSpec curveSpec() {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(curve));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("curve " + curve + " is missing from this JVM", e);
    }
  }

  private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve())
        && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder())
        && a.getCofactor() == b.getCofactor();
  }

  /**
   * Why {@code key} may not sign or verify a COSE envelope although {@link #forKey} accepts it, or null. RFC 8230
   * section 6.1 requires RSA keys of at least 2048 bits for COSE, and go-cose (notation's COSE library) enforces it
   * when signing and verifying, so a 2041-2047-bit modulus, RSA 2048 for JWS, is refused in COSE.
   */
  public static String coseKeyProblem(PublicKey key) {
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < COSE_MIN_RSA_BITS) {
      return "an RSA key of " + rsa.getModulus().bitLength() + " bits cannot sign COSE envelopes (RFC 8230 needs at "
          + "least " + COSE_MIN_RSA_BITS + " bits; notation refuses it too); use a JWS envelope or a larger key";
    }
    return null;
  }

  /**
   * Verifies a raw signature as the COSE envelope requires: RSASSA-PSS with salt length equal to the hash length
   * and a key of at least 2048 bits (see {@link #coseKeyProblem}), ECDSA as {@code R||S}. Returns false for a wrong
   * signature and for a key that does not fit this algorithm.
   */
  public boolean verify(PublicKey key, byte[] data, byte[] rawSignature) {
    return verify(key, data, rawSignature, false);
  }

  /**
   * Verifies a raw signature. With {@code anyPssSaltLength} (the JWS rules) an RSASSA-PSS signature may use any salt
   * length, as JWS verifiers accept (golang-jwt verifies with an automatic salt length); without it (the COSE rules,
   * as go-cose verifies) the salt must be as long as the hash and an RSA key must have at least 2048 bits. ECDSA
   * ignores the flag.
   */
  public boolean verify(PublicKey key, byte[] data, byte[] rawSignature, boolean anyPssSaltLength) {
    try {
      if (key == null || data == null || rawSignature == null || forKey(key) != this) {
        return false;
      }
      if (isRsa()) {
        RSAPublicKey rsa = (RSAPublicKey) key;
        if (!anyPssSaltLength && coseKeyProblem(key) != null) {
          return false;
        }
        // The salt is as long as the hash in nearly every signature (notation's, nota's): try that first, so that
        // recovering another length (one more RSA operation) is paid only by signatures that use one.
        if (verifyPss(rsa, data, rawSignature, hashLength())) {
          return true;
        }
        if (!anyPssSaltLength) {
          return false;
        }
        int saltLength = pssSaltLength(rsa, rawSignature);
        return saltLength >= 0 && saltLength != hashLength() && verifyPss(rsa, data, rawSignature, saltLength);
      }
      int width = (keySize + 7) / 8;
      if (rawSignature.length != 2 * width) {
        return false;
      }
      Signature s = Signature.getInstance("SHA" + hashBits() + "withECDSAinP1363Format");
      s.initVerify(key);
      s.update(data);
      return s.verify(rawSignature);
    } catch (EnvelopeException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private boolean verifyPss(RSAPublicKey key, byte[] data, byte[] rawSignature, int saltLength)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(pssParameters(saltLength));
    s.initVerify(key);
    s.update(data);
    try {
      return s.verify(rawSignature);
    } catch (java.security.SignatureException e) {
      return false;
    }
  }

  /** The PSS parameters with MGF1 of this algorithm's hash, trailer field 1. */
  public PSSParameterSpec pssParameters(int saltLength) {
    return new PSSParameterSpec(hashJcaName(), "MGF1", new MGF1ParameterSpec(hashJcaName()), saltLength, 1);
  }

  /**
   * Recovers the salt length of an RSASSA-PSS signature (RFC 8017, EMSA-PSS-VERIFY steps 1-10) so that the JCA can
   * then verify it; -1 when the encoded message is not well formed. The JCA does the actual verification.
   */
  private int pssSaltLength(RSAPublicKey key, byte[] signature) throws GeneralSecurityException {
    BigInteger n = key.getModulus();
    int modBytes = (n.bitLength() + 7) / 8;
    BigInteger s = new BigInteger(1, signature);
    if (signature.length != modBytes || s.compareTo(n) >= 0) {
      return -1;
    }
    int emBits = n.bitLength() - 1;
    int emLen = (emBits + 7) / 8;
    byte[] em = toFixedLength(s.modPow(key.getPublicExponent(), n), emLen);
    int hLen = hashLength();
    if (em == null || emLen < hLen + 2 || (em[emLen - 1] & 0xff) != 0xbc) {
      return -1;
    }
    int dbLen = emLen - hLen - 1;
    byte[] h = java.util.Arrays.copyOfRange(em, dbLen, dbLen + hLen);
    byte[] db = mgf1(h, dbLen);
    for (int i = 0; i < dbLen; i++) {
      db[i] ^= em[i];
    }
    db[0] &= (byte) (0xff >>> (8 * emLen - emBits));
    int i = 0;
    while (i < dbLen && db[i] == 0) {
      i++;
    }
    if (i == dbLen || db[i] != 1) {
      return -1;
    }
    return dbLen - i - 1;
  }

  private byte[] mgf1(byte[] seed, int length) throws GeneralSecurityException {
    MessageDigest md = MessageDigest.getInstance(hashJcaName());
    byte[] out = new byte[length];
    int done = 0;
    for (int counter = 0; done < length; counter++) {
      md.update(seed);
      md.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
      byte[] block = md.digest();
      int take = Math.min(block.length, length - done);
      System.arraycopy(block, 0, out, done, take);
      done += take;
    }
    return out;
  }

  private static byte[] toFixedLength(BigInteger value, int length) {
    byte[] b = value.toByteArray();
    if (b.length == length) {
      return b;
    }
    if (b.length > length) {
      for (int i = 0; i < b.length - length; i++) {
        if (b[i] != 0) {
          return null;
        }
      }
      return java.util.Arrays.copyOfRange(b, b.length - length, b.length);
    }
    byte[] out = new byte[length];
    System.arraycopy(b, 0, out, length - b.length, b.length);
    return out;
  }
}
