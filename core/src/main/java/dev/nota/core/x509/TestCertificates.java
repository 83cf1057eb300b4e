package dev.nota.core.x509;

import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.KeyException;
import dev.nota.core.key.SigningKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates for {@code nota cert generate-test}: a root CA and a code signing leaf issued by it, with the
 * extensions the Notary Project requires, and their installation into a notation-layout configuration directory.
 * For testing only: the keys are written unencrypted.
 */
public final class TestCertificates {
  /** Key types, named as notation's plugin key specs. */
  public enum KeySpec {
    RSA_2048("RSA", 2048, "SHA256withRSA"),
    RSA_3072("RSA", 3072, "SHA384withRSA"),
    RSA_4096("RSA", 4096, "SHA512withRSA"),
    EC_256("EC", 256, "SHA256withECDSA"),
    EC_384("EC", 384, "SHA384withECDSA"),
    EC_521("EC", 521, "SHA512withECDSA");

    private final String family;
    private final int size;
    private final String signatureAlgorithm;

    KeySpec(String family, int size, String signatureAlgorithm) {
      this.family = family;
      this.size = size;
      this.signatureAlgorithm = signatureAlgorithm;
    }

    KeyPair generate() throws GeneralSecurityException {
      KeyPairGenerator g = KeyPairGenerator.getInstance(family);
      if (family.equals("EC")) {
        g.initialize(new ECGenParameterSpec("secp" + size + "r1"));
      } else {
        g.initialize(size);
      }
      return g.generateKeyPair();
    }
  }

  /** A generated signing key and its chain: leaf, then root. */
  public record Generated(PrivateKey key, List<X509Certificate> chain) {
    public Generated {
      chain = List.copyOf(chain);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestCertificates() {}

  /** Generates a root CA and a leaf for {@code commonName}, both valid from now for {@code validity}. */
  public static Generated generate(String commonName, KeySpec spec, Duration validity, Clock clock) {
    try {
      Instant from = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
      Instant until = from.plus(validity).plus(Duration.ofMinutes(5));
      X500Principal rootName = name(commonName + " Test Root");
      X500Principal leafName = name(commonName);
      KeyPair root = spec.generate();
      KeyPair leaf = spec.generate();
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();

      X509v3CertificateBuilder rb = builder(rootName, rootName, root.getPublic(), from, until)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(root.getPublic()));
      X509Certificate rootCert = sign(rb, root.getPrivate(), spec);

      X509v3CertificateBuilder lb = builder(rootName, leafName, leaf.getPublic(), from, until)
          .addExtension(Extension.basicConstraints, false, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(leaf.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(rootCert));
      X509Certificate leafCert = sign(lb, root.getPrivate(), spec);
      return new Generated(leaf.getPrivate(), List.of(leafCert, rootCert));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a test certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Installs {@code generated} into {@code configDir} as notation's {@code cert generate-test} does: the key in
   * {@code localkeys/<name>.key}, the chain in {@code localkeys/<name>.crt}, the root in the trust store
   * {@code ca/<name>}, and the key registered in {@code signingkeys.json}. Existing files are never overwritten.
   */
  public static KeyEntry install(Path configDir, String name, Generated generated, boolean makeDefault)
      throws KeyException {
    Path keys = configDir.resolve("localkeys");
    Path keyFile = keys.resolve(name + ".key");
    Path certFile = keys.resolve(name + ".crt");
    Path storeFile = configDir.resolve("truststore/x509/ca").resolve(name).resolve(name + ".crt");
    for (Path p : List.of(keyFile, certFile, storeFile)) {
      if (Files.exists(p)) {
        throw new KeyException("refusing to overwrite " + p);
      }
    }
    SigningKeys signingKeys = SigningKeys.load(configDir)
        .add(KeyEntry.local(name, keyFile.toAbsolutePath(), certFile.toAbsolutePath()), makeDefault);
    try {
      Files.createDirectories(keys);
      Files.createDirectories(storeFile.getParent());
      writeNew(keyFile, pkcs8Pem(generated.key()), true);
      writeNew(certFile, Certificates.toPem(generated.chain()), false);
      writeNew(storeFile, Certificates.toPem(List.of(generated.chain().get(generated.chain().size() - 1))), false);
    } catch (IOException e) {
      throw new KeyException("cannot write test key files in " + configDir + ": " + e.getMessage(), e);
    }
    signingKeys.save(configDir);
    return signingKeys.get(name);
  }

  private static void writeNew(Path file, byte[] content, boolean secret) throws IOException {
    Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static byte[] pkcs8Pem(PrivateKey key) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static X500Principal name(String commonName) {
    return new X500Principal("CN=" + commonName.replace(",", "\\,") + ",O=Notary,L=Seattle,ST=WA,C=US");
  }

  private static X509v3CertificateBuilder builder(
      X500Principal issuer, X500Principal subject, PublicKey key, Instant from, Instant until) {
    return new JcaX509v3CertificateBuilder(
        issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(from), Date.from(until), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey, KeySpec spec)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder(spec.signatureAlgorithm).build(issuerKey)));
  }
}
