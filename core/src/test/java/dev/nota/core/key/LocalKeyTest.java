package dev.nota.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.Openssl;
import dev.nota.core.x509.TestCertificates;
import dev.nota.core.x509.TestCertificates.KeySpec;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loading local PEM keys and signing with them. */
class LocalKeyTest {
  private static final Map<KeySpec, TestCertificates.Generated> KEYS = new EnumMap<>(KeySpec.class);
  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    for (KeySpec spec : KeySpec.values()) {
      KEYS.put(spec, TestCertificates.generate("k-" + spec, spec, Duration.ofDays(1), Clock.systemUTC()));
    }
  }

  private Path certFile(TestCertificates.Generated g) throws Exception {
    return Files.write(Files.createTempFile(dir, "chain", ".crt"), Certificates.toPem(g.chain()));
  }

  private Path pem(String name, Object... objects) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
      }
    }
    return Files.writeString(dir.resolve(name), out.toString());
  }

  /**
   * PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") with its curve named inside, as openssl writes them.
   */
  private Path traditionalPem(String name, PrivateKey key) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (key instanceof java.security.interfaces.ECPrivateKey ec) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
            org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        w.writeObject(new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(
            ec.getParams().getOrder().bitLength(), inner.getKey(), info.getPrivateKeyAlgorithm().getParameters())
            .getEncoded()));
      } else {
        w.writeObject(new JcaMiscPEMGenerator(key));
      }
    }
    return Files.writeString(dir.resolve(name), out.toString());
  }

  private static String message(Exception e) {
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @ParameterizedTest
  @EnumSource(KeySpec.class)
  void signaturesOfEveryKeyTypeVerifyWithPlainJca(KeySpec spec) throws Exception {
    TestCertificates.Generated g = KEYS.get(spec);
    LocalKey key = LocalKey.of(g.key(), g.chain());
    byte[] data = "payload to sign".getBytes(StandardCharsets.UTF_8);
    byte[] sig = key.sign(data);
    PublicKey pub = g.leaf().getPublicKey();
    Signature v;
    switch (spec) {
      case RSA_2048, RSA_3072, RSA_4096 -> {
        String hash = spec == KeySpec.RSA_2048 ? "SHA-256" : spec == KeySpec.RSA_3072 ? "SHA-384" : "SHA-512";
        int len = spec == KeySpec.RSA_2048 ? 32 : spec == KeySpec.RSA_3072 ? 48 : 64;
        v = Signature.getInstance("RSASSA-PSS");
        v.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), len, 1));
        assertEquals(Integer.parseInt(spec.name().substring(4)) / 8, sig.length);
      }
      default -> {
        int bits = Integer.parseInt(spec.name().substring(3));
        String hash = bits == 256 ? "SHA256" : bits == 384 ? "SHA384" : "SHA512";
        v = Signature.getInstance(hash + "withECDSAinP1363Format");
        assertEquals(2 * ((bits + 7) / 8), sig.length, "R||S at the curve's fixed width");
      }
    }
    v.initVerify(pub);
    v.update(data);
    assertTrue(v.verify(sig));
    assertEquals(SignatureAlgorithm.forKey(pub), key.algorithm());
    assertEquals(g.chain(), key.certificateChain());
  }

  @Test
  void loadsPkcs8Pkcs1AndSec1PemKeys() throws Exception {
    for (KeySpec spec : List.of(KeySpec.RSA_2048, KeySpec.EC_384)) {
      TestCertificates.Generated g = KEYS.get(spec);
      Path cert = certFile(g);
      Path pkcs8 = pem(spec + "-pkcs8.key", g.key());
      assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----"));
      Path traditional = traditionalPem(spec + "-trad.key", g.key());
      String header = spec == KeySpec.RSA_2048 ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----";
      assertTrue(Files.readString(traditional).startsWith(header), Files.readString(traditional));
      for (Path keyFile : List.of(pkcs8, traditional)) {
        LocalKey key = LocalKey.load(keyFile, cert);
        byte[] data = {1, 2, 3};
        assertTrue(key.algorithm().verify(g.leaf().getPublicKey(), data, key.sign(data)), keyFile.toString());
      }
    }
  }

  @Test
  void loadsKeysThatOpensslWrites() throws Exception {
    Path ecKey = dir.resolve("ec.key");
    Openssl.run("ecparam", "-name", "prime256v1", "-genkey", "-out", ecKey.toString());
    assertTrue(Files.readString(ecKey).startsWith("-----BEGIN EC PARAMETERS-----"), "openssl writes parameters first");
    Path rsaKey = dir.resolve("rsa.key");
    Openssl.run("genrsa", "-traditional", "-out", rsaKey.toString(), "3072");
    Path pkcs8Key = dir.resolve("p8.key");
    Openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", pkcs8Key.toString());
    for (Path keyFile : List.of(ecKey, rsaKey, pkcs8Key)) {
      Path pub = dir.resolve(keyFile.getFileName() + ".pub");
      Openssl.run("pkey", "-in", keyFile.toString(), "-pubout", "-out", pub.toString());
      PublicKey publicKey;
      try (PEMParser p = new PEMParser(Files.newBufferedReader(pub))) {
        publicKey = new JcaPEMKeyConverter().getPublicKey(
            (org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) p.readObject());
      }
      PrivateKey privateKey = LocalKey.readPrivateKey(keyFile);
      X509Certificate cert = selfSigned(publicKey, privateKey, "CN=openssl");
      LocalKey key = LocalKey.load(keyFile, Files.write(dir.resolve(keyFile.getFileName() + ".crt"),
          Certificates.toPem(List.of(cert))));
      byte[] data = "x".getBytes(StandardCharsets.UTF_8);
      assertTrue(key.algorithm().verify(publicKey, data, key.sign(data)), keyFile.toString());
    }
  }

  private static X509Certificate selfSigned(PublicKey pub, PrivateKey key, String dn) throws Exception {
    X500Name name = new X500Name(dn);
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    Instant now = Instant.now();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, pub)
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .build(new JcaContentSignerBuilder(alg).build(key)));
  }

  @Test
  void refusesAKeyThatDoesNotMatchItsCertificate() throws Exception {
    TestCertificates.Generated a = KEYS.get(KeySpec.EC_256);
    TestCertificates.Generated b = TestCertificates.generate("b", KeySpec.EC_256, Duration.ofDays(1),
        Clock.systemUTC());
    String m = message(assertThrows(KeyException.class, () -> LocalKey.of(a.key(), b.chain())));
    assertEquals("the private key does not match the certificate \"" + b.leaf().getSubjectX500Principal().getName()
        + "\"", m);
    Path keyFile = pem("a.key", a.key());
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(keyFile, certFile(b))))
        .startsWith("the private key does not match the certificate"));
  }

  @Test
  void refusesAKeyOfAnotherTypeThanItsCertificate() {
    TestCertificates.Generated rsa = KEYS.get(KeySpec.RSA_2048);
    TestCertificates.Generated ec = KEYS.get(KeySpec.EC_256);
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.of(rsa.key(), ec.chain())))
        .startsWith("the private key does not match the certificate"));
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.of(ec.key(), rsa.chain())))
        .startsWith("the private key does not match the certificate"));
  }

  @Test
  void refusesAChainThatBreaksTheRulesBeforeSigning() throws Exception {
    TestCertificates.Generated g = KEYS.get(KeySpec.EC_256);
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(3)), ZoneOffset.UTC);
    String m = message(assertThrows(KeyException.class, () -> LocalKey.of(g.key(), g.chain(), later)));
    assertTrue(m.startsWith("cannot sign with this certificate chain: certificate \"") && m.contains("has expired"), m);
    String reversed = message(assertThrows(KeyException.class,
        () -> LocalKey.of(g.key(), List.of(g.root(), g.leaf()))));
    assertTrue(reversed.contains("is self-signed but is not the last certificate"), reversed);
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.of(g.key(), List.of())))
        .contains("no certificate chain"));
  }

  @Test
  void refusesEncryptedKeysWithAClearMessage() throws Exception {
    TestCertificates.Generated g = KEYS.get(KeySpec.EC_256);
    Path cert = certFile(g);
    Path pkcs8 = pem("enc8.key", new JcaPKCS8Generator(g.key(),
        new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
            .setPassword("pw".toCharArray()).build()));
    assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(g.key(), new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider())
          .build("pw".toCharArray()));
    }
    Path traditional = Files.writeString(dir.resolve("enc-trad.key"), out.toString());
    assertTrue(out.toString().contains("Proc-Type: 4,ENCRYPTED"));
    for (Path p : List.of(pkcs8, traditional)) {
      String m = message(assertThrows(KeyException.class, () -> LocalKey.load(p, cert)));
      assertEquals("private key " + p + " is encrypted, which nota does not support for local keys; decrypt it "
          + "first (openssl pkey -in ENCRYPTED.key -out PLAIN.key)", m);
    }
  }

  @Test
  void refusesFilesWithoutAPrivateKey() throws Exception {
    TestCertificates.Generated g = KEYS.get(KeySpec.EC_256);
    Path cert = certFile(g);
    Path garbage = Files.writeString(dir.resolve("garbage.key"), "hello, not a key");
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(garbage, cert)))
        .contains("holds no PEM private key"));
    Path empty = Files.writeString(dir.resolve("empty.key"), "");
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(empty, cert)))
        .contains("holds no PEM private key"));
    Path certOnly = Files.write(dir.resolve("certonly.key"), Certificates.toPem(g.chain()));
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(certOnly, cert)))
        .contains("holds no PEM private key"));
    Path publicKey = pem("pub.key", g.leaf().getPublicKey());
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(publicKey, cert)))
        .contains("where a private key was expected"));
    Path badBase64 = Files.writeString(dir.resolve("bad.key"),
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n");
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(badBase64, cert)))
        .startsWith("cannot read private key"));
    Path unknown = Files.writeString(dir.resolve("unknown.key"), "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n");
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(unknown, cert)))
        .startsWith("cannot read private key"));
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(dir.resolve("missing.key"), cert)))
        .startsWith("cannot read private key"));
  }

  @Test
  void refusesAnUnreadableCertificateFile() throws Exception {
    TestCertificates.Generated g = KEYS.get(KeySpec.EC_256);
    Path key = pem("k.key", g.key());
    Path junk = Files.writeString(dir.resolve("junk.crt"), "junk");
    assertTrue(message(assertThrows(KeyException.class, () -> LocalKey.load(key, junk)))
        .contains("is not a valid PEM or DER certificate"));
  }

  @Test
  void readsADerCertificateAndSkipsCertificatesBeforeTheKey() throws Exception {
    TestCertificates.Generated g = TestCertificates.generate("self", KeySpec.EC_256, Duration.ofDays(1),
        Clock.systemUTC());
    Path keyWithCert = pem("combined.key", g.leaf(), g.key());
    Path der = Files.write(dir.resolve("chain.der"), concat(g.leaf().getEncoded(), g.root().getEncoded()));
    LocalKey key = LocalKey.load(keyWithCert, der);
    assertEquals(g.chain(), key.certificateChain());
  }

  /** A self-signed code-signing certificate for {@code key}, made by {@code openssl req -x509} as users make it. */
  private Path opensslCertificate(Path key, String cn) throws Exception {
    Path cert = dir.resolve(cn + ".crt");
    Openssl.run("req", "-x509", "-new", "-key", key.toString(), "-days", "1", "-subj", "/C=US/ST=WA/O=nota/CN=" + cn,
        "-addext", "basicConstraints=CA:FALSE", "-addext", "keyUsage=critical,digitalSignature",
        "-addext", "extendedKeyUsage=codeSigning", "-out", cert.toString());
    return cert;
  }

  @Test
  void signsWithAnRsaKeyOfAwkwardSizeAsNotationDoes() throws Exception {
    // notation v1.3.2 signs with a 2047-bit key as RSA 2048 (PS256): it sizes keys in whole bytes.
    Path key = dir.resolve("rsa2047.key");
    Openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2047", "-out", key.toString());
    LocalKey local = LocalKey.load(key, opensslCertificate(key, "rsa2047"));
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_256, local.algorithm());
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    // under the JWS rules; COSE refuses keys under 2048 bits (see SignatureAlgorithm.coseKeyProblem)
    assertTrue(local.algorithm().verify(local.certificateChain().get(0).getPublicKey(), data, local.sign(data), true));
    // ...and makes JWS envelopes with it, but no COSE envelope, saying why.
    dev.nota.core.sign.Signer.createEnvelope(dev.nota.oci.Descriptor.of(dev.nota.oci.MediaTypes.OCI_MANIFEST,
        data), local, dev.nota.core.sign.Signer.Options.defaults(dev.nota.oci.MediaTypes.JWS));
    String cose = message(assertThrows(dev.nota.core.NotaException.class, () -> dev.nota.core.sign.Signer
        .createEnvelope(dev.nota.oci.Descriptor.of(dev.nota.oci.MediaTypes.OCI_MANIFEST, data), local,
            dev.nota.core.sign.Signer.Options.defaults(dev.nota.oci.MediaTypes.COSE))));
    assertTrue(cose.startsWith("an RSA key of 2047 bits cannot sign COSE envelopes"), cose);
  }

  @Test
  void refusesAnRsaPssOnlyKeyThatNotationCannotRead() throws Exception {
    // openssl genpkey -algorithm RSA-PSS: the certificate names id-RSASSA-PSS; notation refuses to sign with it
    // ("tls: failed to parse private key") and cannot verify its signatures, so nota must not make any.
    Path key = dir.resolve("pss.key");
    Openssl.run("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
    Path cert = opensslCertificate(key, "pss");
    String m = message(assertThrows(KeyException.class, () -> LocalKey.load(key, cert)));
    assertTrue(m.startsWith("cannot sign with this certificate chain: certificate \"CN=pss,O=nota,ST=WA,C=US\" has "
        + "an unsupported key: RSA key restricted to RSASSA-PSS"), m);
    assertFalse(m.contains("\n"), m);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
