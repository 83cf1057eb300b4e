package dev.nota.core.envelope;

import dev.nota.core.NotaException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test keys with self-signed certificates, one per algorithm (generated once per JVM), and a JCA test signer. */
final class EnvelopeFixtures {
  private EnvelopeFixtures() {}

  /** A private key with its one-certificate chain. */
  record TestKey(PrivateKey privateKey, X509Certificate certificate) {
    List<X509Certificate> chain() {
      return List.of(certificate);
    }
  }

  private static final Map<SignatureAlgorithm, TestKey> KEYS = new EnumMap<>(SignatureAlgorithm.class);

  static synchronized TestKey key(SignatureAlgorithm algorithm) {
    return KEYS.computeIfAbsent(algorithm, a -> switch (a) {
      case RSASSA_PSS_SHA_256 -> rsa(2048);
      case RSASSA_PSS_SHA_384 -> rsa(3072);
      case RSASSA_PSS_SHA_512 -> rsa(4096);
      case ECDSA_SHA_256 -> ec("secp256r1");
      case ECDSA_SHA_384 -> ec("secp384r1");
      case ECDSA_SHA_512 -> ec("secp521r1");
    });
  }

  static TestKey rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return selfSigned(g.generateKeyPair(), "SHA256withRSA");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static TestKey ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return selfSigned(g.generateKeyPair(), "SHA256withECDSA");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TestKey selfSigned(KeyPair pair, String certAlgorithm) {
    try {
      X500Name name = new X500Name("CN=envelope test,O=Notary,L=Seattle,ST=WA,C=US");
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          new BigInteger(63, new java.security.SecureRandom()).add(BigInteger.ONE),
          Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(2, ChronoUnit.DAYS)), name, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, false, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(certAlgorithm).build(pair.getPrivate())));
      return new TestKey(pair.getPrivate(), cert);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs with the JCA as the PrimitiveSigner contract says: PSS salt = hash length, ECDSA raw R||S. */
  record TestSigner(TestKey key, SignatureAlgorithm algorithm, List<X509Certificate> certificateChain)
      implements PrimitiveSigner {
    TestSigner(SignatureAlgorithm algorithm) {
      this(EnvelopeFixtures.key(algorithm), algorithm, EnvelopeFixtures.key(algorithm).chain());
    }

    @Override
    public byte[] sign(byte[] toBeSigned) throws NotaException {
      return EnvelopeFixtures.sign(key.privateKey(), algorithm, toBeSigned);
    }
  }

  /** The {@code shared/vectors/notation} directory, found by walking up from the working directory. */
  static Path vectors() {
    return dev.nota.core.verify.NotationVectors.root();
  }

  static byte[] sign(PrivateKey key, SignatureAlgorithm algorithm, byte[] data) {
    try {
      Signature s;
      if (algorithm.isRsa()) {
        s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(algorithm.pssParameters(algorithm.hashLength()));
      } else {
        s = Signature.getInstance("SHA" + algorithm.hashLength() * 8 + "withECDSAinP1363Format");
      }
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
