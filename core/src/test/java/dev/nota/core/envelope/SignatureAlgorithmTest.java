package dev.nota.core.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.envelope.EnvelopeFixtures.TestKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignatureAlgorithmTest {
  private static final byte[] DATA = "to be signed".getBytes(StandardCharsets.UTF_8);

  @Test
  void namesMatchTheNotaryTable() {
    assertEquals("PS384", SignatureAlgorithm.RSASSA_PSS_SHA_384.jwsName());
    assertEquals(-38, SignatureAlgorithm.RSASSA_PSS_SHA_384.coseId());
    assertEquals("RSASSA-PSS-SHA-384", SignatureAlgorithm.RSASSA_PSS_SHA_384.specName());
    assertEquals("RSA-3072", SignatureAlgorithm.RSASSA_PSS_SHA_384.keySpec());
    assertEquals("ECDSA-SHA-512", SignatureAlgorithm.ECDSA_SHA_512.specName());
    assertEquals("EC-521", SignatureAlgorithm.ECDSA_SHA_512.keySpec());
    assertEquals("SHA-512", SignatureAlgorithm.ECDSA_SHA_512.hashJcaName());
    assertEquals(64, SignatureAlgorithm.ECDSA_SHA_512.hashLength());
    assertEquals(-7, SignatureAlgorithm.ECDSA_SHA_256.coseId());
    assertEquals(-35, SignatureAlgorithm.ECDSA_SHA_384.coseId());
    assertEquals(SignatureAlgorithm.ECDSA_SHA_512, SignatureAlgorithm.forCoseId(-36));
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_512, SignatureAlgorithm.forJwsName("PS512"));
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void theKeyFixesTheAlgorithm(SignatureAlgorithm algorithm) throws Exception {
    assertEquals(algorithm, SignatureAlgorithm.forKey(EnvelopeFixtures.key(algorithm).certificate().getPublicKey()));
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void verifiesItsOwnSignaturesAndRejectsOthers(SignatureAlgorithm algorithm) {
    TestKey key = EnvelopeFixtures.key(algorithm);
    PublicKey pub = key.certificate().getPublicKey();
    byte[] sig = EnvelopeFixtures.sign(key.privateKey(), algorithm, DATA);
    assertTrue(algorithm.verify(pub, DATA, sig));
    assertTrue(algorithm.verify(pub, DATA, sig, true));
    assertFalse(algorithm.verify(pub, "other".getBytes(StandardCharsets.UTF_8), sig));
    sig[sig.length / 2] ^= 1;
    assertFalse(algorithm.verify(pub, DATA, sig));
    assertFalse(algorithm.verify(pub, DATA, sig, true));
  }

  @Test
  void rejectsRsa1024() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    EnvelopeException e = assertThrows(EnvelopeException.class,
        () -> SignatureAlgorithm.forKey(g.generateKeyPair().getPublic()));
    assertTrue(e.getMessage().startsWith("unsupported key: RSA 1024"), e.getMessage());
  }

  @Test
  void sizesRsaKeysInWholeBytesAsNotationDoes() throws Exception {
    // notation-core-go takes rsa.PublicKey.Size() * 8: a 2047-bit modulus (openssl genpkey rsa_keygen_bits:2047) is
    // RSA 2048 there, and notation v1.3.2 signs with it (measured), so nota must accept it too.
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2047);
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_256, SignatureAlgorithm.forKey(g.generateKeyPair().getPublic()));
    g.initialize(2040);
    EnvelopeException e = assertThrows(EnvelopeException.class,
        () -> SignatureAlgorithm.forKey(g.generateKeyPair().getPublic()));
    assertTrue(e.getMessage().startsWith("unsupported key: RSA 2040"), e.getMessage());
  }

  @Test
  void aKeyUnder2048BitsVerifiesUnderTheJwsRulesButNotUnderTheCoseRules() throws Exception {
    // go-cose refuses RSA keys under 2048 bits (RFC 8230 6.1) when signing and verifying; golang-jwt does not.
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2047);
    java.security.KeyPair pair = g.generateKeyPair();
    SignatureAlgorithm alg = SignatureAlgorithm.RSASSA_PSS_SHA_256;
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(alg.pssParameters(alg.hashLength()));
    s.initSign(pair.getPrivate());
    s.update(DATA);
    byte[] sig = s.sign();
    assertTrue(alg.verify(pair.getPublic(), DATA, sig, true));
    assertFalse(alg.verify(pair.getPublic(), DATA, sig));
    assertFalse(alg.verify(pair.getPublic(), DATA, sig, false));
    String problem = SignatureAlgorithm.coseKeyProblem(pair.getPublic());
    assertTrue(problem.startsWith("an RSA key of 2047 bits cannot sign COSE envelopes"), problem);
    assertEquals(null, SignatureAlgorithm.coseKeyProblem(EnvelopeFixtures.key(alg).certificate().getPublicKey()));
  }

  @Test
  void aKeyOfAwkwardSizeSignsAndVerifiesWithTheAlgorithmItsByteLengthImplies() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(3071);
    java.security.KeyPair pair = g.generateKeyPair();
    SignatureAlgorithm alg = SignatureAlgorithm.forKey(pair.getPublic());
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_384, alg);
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(alg.pssParameters(alg.hashLength()));
    s.initSign(pair.getPrivate());
    s.update(DATA);
    byte[] sig = s.sign();
    assertTrue(alg.verify(pair.getPublic(), DATA, sig));
    assertTrue(alg.verify(pair.getPublic(), DATA, sig, true));
  }

  @Test
  void rejectsRsaKeysRestrictedToPss() throws Exception {
    // openssl genpkey -algorithm RSA-PSS makes such keys; Go's x509 cannot read them, so notation refuses them.
    PublicKey key = KeyPairGenerator.getInstance("RSASSA-PSS").generateKeyPair().getPublic();
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> SignatureAlgorithm.forKey(key));
    assertTrue(e.getMessage().startsWith("unsupported key: RSA key restricted to RSASSA-PSS"), e.getMessage());
  }

  @Test
  void rejectsEcKeysWithExplicitCurveParameters() throws Exception {
    // The P-256 curve itself, but spelled out instead of named (openssl's ec_param_enc:explicit); Go refuses it.
    org.bouncycastle.jce.spec.ECNamedCurveParameterSpec named =
        org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("P-256");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    g.initialize(new org.bouncycastle.jce.spec.ECParameterSpec(
        named.getCurve(), named.getG(), named.getN(), named.getH()));
    PublicKey key = g.generateKeyPair().getPublic();
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> SignatureAlgorithm.forKey(key));
    assertTrue(e.getMessage().startsWith("unsupported key: EC key with explicit curve parameters"), e.getMessage());
  }

  @Test
  void rejectsP224() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    g.initialize(new ECGenParameterSpec("secp224r1"));
    EnvelopeException e = assertThrows(EnvelopeException.class,
        () -> SignatureAlgorithm.forKey(g.generateKeyPair().getPublic()));
    assertTrue(e.getMessage().startsWith("unsupported key: EC 224-bit curve"), e.getMessage());
  }

  @Test
  void rejectsNonNistCurvesOfTheRightSize() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    g.initialize(new ECGenParameterSpec("brainpoolP256r1"));
    EnvelopeException e = assertThrows(EnvelopeException.class,
        () -> SignatureAlgorithm.forKey(g.generateKeyPair().getPublic()));
    assertTrue(e.getMessage().contains("not NIST P-256"), e.getMessage());
  }

  @Test
  void acceptsBouncyCastleNistKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    g.initialize(new ECGenParameterSpec("P-384"));
    assertEquals(SignatureAlgorithm.ECDSA_SHA_384, SignatureAlgorithm.forKey(g.generateKeyPair().getPublic()));
  }

  @Test
  void rejectsEd25519() throws Exception {
    PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    EnvelopeException e = assertThrows(EnvelopeException.class, () -> SignatureAlgorithm.forKey(key));
    assertTrue(e.getMessage().startsWith("unsupported key: "), e.getMessage());
  }

  @Test
  void pssWithAnotherSaltLengthVerifiesOnlyWhenAnySaltLengthIsAllowed() throws Exception {
    SignatureAlgorithm alg = SignatureAlgorithm.RSASSA_PSS_SHA_256;
    TestKey key = EnvelopeFixtures.key(alg);
    for (int salt : new int[] {0, 20, 64}) {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(alg.pssParameters(salt));
      s.initSign(key.privateKey());
      s.update(DATA);
      byte[] sig = s.sign();
      assertFalse(alg.verify(key.certificate().getPublicKey(), DATA, sig), "salt " + salt + " strict");
      assertTrue(alg.verify(key.certificate().getPublicKey(), DATA, sig, true), "salt " + salt + " any");
    }
  }

  @Test
  void aKeyOfAnotherAlgorithmNeverVerifies() {
    TestKey key = EnvelopeFixtures.key(SignatureAlgorithm.RSASSA_PSS_SHA_384);
    byte[] sig = EnvelopeFixtures.sign(key.privateKey(), SignatureAlgorithm.RSASSA_PSS_SHA_256, DATA);
    // A valid PS256 signature by an RSA-3072 key: the key implies PS384, so PS256 verification refuses it.
    assertFalse(SignatureAlgorithm.RSASSA_PSS_SHA_256.verify(key.certificate().getPublicKey(), DATA, sig));
  }

  @Test
  void ecdsaSignaturesMustBeRawAndFullWidth() throws Exception {
    SignatureAlgorithm alg = SignatureAlgorithm.ECDSA_SHA_256;
    TestKey key = EnvelopeFixtures.key(alg);
    Signature der = Signature.getInstance("SHA256withECDSA");
    der.initSign(key.privateKey());
    der.update(DATA);
    assertFalse(alg.verify(key.certificate().getPublicKey(), DATA, der.sign()));
  }
}
