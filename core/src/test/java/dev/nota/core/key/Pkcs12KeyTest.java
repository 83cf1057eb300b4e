package dev.nota.core.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.Openssl;
import dev.nota.core.x509.TestCertificates;
import dev.nota.core.x509.TestCertificates.KeySpec;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PKCS#12 bundles made by openssl (and the JDK) open with the right password and are refused clearly otherwise. */
class Pkcs12KeyTest {
  private static final char[] PASSWORD = "s3cret pass".toCharArray();
  private static final Clock NOW = Clock.systemUTC();
  private static TestCertificates.Generated rsa;
  private static TestCertificates.Generated ec;

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    rsa = TestCertificates.generate("p12-rsa", KeySpec.RSA_3072, Duration.ofDays(2), NOW);
    ec = TestCertificates.generate("p12-ec", KeySpec.EC_256, Duration.ofDays(2), NOW);
  }

  @BeforeEach
  void needsOpenssl() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
  }

  private Path pem(String name, TestCertificates.Generated g) throws Exception {
    Path key = dir.resolve(name + ".key");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(g.key().getEncoded())
        + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    Files.write(dir.resolve(name + ".crt"), Certificates.toPem(g.chain()));
    return key;
  }

  /** openssl pkcs12 -export of {@code g}'s key and chain, with {@link #PASSWORD}. */
  private Path bundle(String name, TestCertificates.Generated g) throws Exception {
    Path key = pem(name, g);
    Path out = dir.resolve(name + ".p12");
    Openssl.run("pkcs12", "-export", "-inkey", key.toString(), "-in", dir.resolve(name + ".crt").toString(),
        "-name", name, "-out", out.toString(), "-passout", "pass:" + new String(PASSWORD));
    return out;
  }

  @Test
  void opensAnOpensslBundleWithItsKeyAndChainLeafFirst() throws Exception {
    Path p12 = bundle("rsa", rsa);
    assertTrue(Pkcs12Key.isBundle(p12));
    assertFalse(Pkcs12Key.isBundle(dir.resolve("rsa.key")));
    LocalKey key = Pkcs12Key.load(p12, null, PASSWORD, NOW);
    assertEquals(rsa.chain(), key.certificateChain());
    assertEquals(SignatureAlgorithm.RSASSA_PSS_SHA_384, key.algorithm());
    byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
    assertTrue(key.algorithm().verify(rsa.chain().get(0).getPublicKey(), data, key.sign(data)));
  }

  @Test
  void opensAnEcBundle() throws Exception {
    LocalKey key = Pkcs12Key.load(bundle("ec", ec), "ec", PASSWORD, NOW);
    assertEquals(SignatureAlgorithm.ECDSA_SHA_256, key.algorithm());
  }

  @Test
  void refusesAWrongPassword() throws Exception {
    Path p12 = bundle("rsa", rsa);
    KeyException e = assertThrows(KeyException.class, () -> Pkcs12Key.load(p12, null, "wrong".toCharArray(), NOW));
    assertEquals("wrong password for PKCS#12 file " + p12, e.getMessage());
  }

  @Test
  void refusesAMissingFile() {
    Path missing = dir.resolve("missing.p12");
    KeyException e = assertThrows(KeyException.class, () -> Pkcs12Key.load(missing, null, PASSWORD, NOW));
    assertEquals("PKCS#12 file " + missing + " does not exist", e.getMessage());
  }

  @Test
  void refusesABundleWithoutAPrivateKey() throws Exception {
    pem("certs", rsa);
    Path out = dir.resolve("certs.p12");
    Openssl.run("pkcs12", "-export", "-nokeys", "-in", dir.resolve("certs.crt").toString(), "-out", out.toString(),
        "-passout", "pass:" + new String(PASSWORD));
    KeyException e = assertThrows(KeyException.class, () -> Pkcs12Key.load(out, null, PASSWORD, NOW));
    assertEquals("PKCS#12 file " + out + " holds no private key (only certificates)", e.getMessage());
  }

  @Test
  void asksForAnAliasWhenTheBundleHoldsSeveralKeysAndUsesTheOneNamed() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("first", rsa.key(), PASSWORD, rsa.chain().toArray(Certificate[]::new));
    store.setKeyEntry("second", ec.key(), PASSWORD, ec.chain().toArray(Certificate[]::new));
    Path p12 = dir.resolve("two.p12");
    try (OutputStream out = Files.newOutputStream(p12)) {
      store.store(out, PASSWORD);
    }
    KeyException e = assertThrows(KeyException.class, () -> Pkcs12Key.load(p12, null, PASSWORD, NOW));
    assertTrue(e.getMessage().endsWith("holds 2 keys (first, second); pick one with --alias")
        || e.getMessage().endsWith("holds 2 keys (second, first); pick one with --alias"), e.getMessage());
    assertEquals(ec.chain(), Pkcs12Key.load(p12, "second", PASSWORD, NOW).certificateChain());
    KeyException unknown = assertThrows(KeyException.class, () -> Pkcs12Key.load(p12, "third", PASSWORD, NOW));
    assertTrue(unknown.getMessage().contains("has no key with alias \"third\""), unknown.getMessage());
  }

  @Test
  void refusesAChainWithoutTheCodeSigningUsage() throws Exception {
    Path key = dir.resolve("tls.key");
    Path crt = dir.resolve("tls.crt");
    Openssl.run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", crt.toString(),
        "-subj", "/CN=tls", "-days", "2", "-addext", "basicConstraints=critical,CA:FALSE",
        "-addext", "keyUsage=critical,digitalSignature",
        "-addext", "extendedKeyUsage=serverAuth");
    Path out = dir.resolve("tls.p12");
    Openssl.run("pkcs12", "-export", "-inkey", key.toString(), "-in", crt.toString(), "-out", out.toString(),
        "-passout", "pass:" + new String(PASSWORD));
    KeyException e = assertThrows(KeyException.class, () -> Pkcs12Key.load(out, null, PASSWORD, NOW));
    assertTrue(e.getMessage().startsWith("PKCS#12 file " + out + ": cannot sign with this certificate chain:"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("\"CN=tls\" cannot sign code: its extended key usage includes serverAuth"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void refusesAnUnsupportedKeyType() throws Exception {
    Path key = dir.resolve("small.key");
    Path crt = dir.resolve("small.crt");
    Openssl.run("req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", key.toString(), "-out", crt.toString(),
        "-subj", "/CN=small", "-days", "2", "-addext", "basicConstraints=critical,CA:FALSE",
        "-addext", "keyUsage=critical,digitalSignature",
        "-addext", "extendedKeyUsage=codeSigning");
    Path out = dir.resolve("small.p12");
    Openssl.run("pkcs12", "-export", "-inkey", key.toString(), "-in", crt.toString(), "-out", out.toString(),
        "-passout", "pass:" + new String(PASSWORD));
    KeyException e = assertThrows(KeyException.class, () -> Pkcs12Key.load(out, null, PASSWORD, NOW));
    assertTrue(e.getMessage().contains("1024"), e.getMessage());
  }

  @Test
  void signingKeysRecordsABundleAsKeyAndCertPathWithTheAliasBeside() throws Exception {
    Path p12 = bundle("rsa", rsa);
    SigningKeys.empty().add(KeyEntry.pkcs12("release", p12, "rsa"), true).save(dir);
    String json = Files.readString(dir.resolve(SigningKeys.FILE));
    assertTrue(json.contains("\"keyPath\": \"" + p12 + "\",\n            \"certPath\": \"" + p12
        + "\",\n            \"pkcs12Alias\": \"rsa\""), json);
    KeyEntry back = SigningKeys.load(dir).get("release");
    assertEquals(KeyEntry.pkcs12("release", p12, "rsa"), back);
    assertEquals(KeyEntry.Kind.FILES, back.kind());
    assertArrayEquals(rsa.chain().get(0).getEncoded(),
        Pkcs12Key.load(back.keyPath(), back.pkcs12Alias(), PASSWORD, NOW).certificateChain().get(0).getEncoded());
  }

  @Test
  void signingKeysRecordsATokenKeyAsPkcs11UrisThatSurviveARoundTrip() throws Exception {
    Pkcs11Uri uri = new Pkcs11Uri(Path.of("/usr/lib/soft hsm/lib.so"), "ci token;1", "signing/key");
    SigningKeys.empty().add(KeyEntry.pkcs11("hsm", uri, null), false)
        .add(KeyEntry.pkcs11("hsm2", uri, Path.of("/etc/chain.pem")), false).save(dir);
    String json = Files.readString(dir.resolve(SigningKeys.FILE));
    assertTrue(json.contains("\"keyPath\": \"pkcs11:token=ci%20token%3B1;object=signing%2Fkey;type=private"
        + "?module-path=/usr/lib/soft%20hsm/lib.so\""), json);
    assertTrue(json.contains("\"certPath\": \"pkcs11:token=ci%20token%3B1;object=signing%2Fkey;type=cert"), json);
    SigningKeys back = SigningKeys.load(dir);
    assertEquals(KeyEntry.pkcs11("hsm", uri, null), back.get("hsm"));
    assertEquals(KeyEntry.pkcs11("hsm2", uri, Path.of("/etc/chain.pem")), back.get("hsm2"));
    assertEquals(KeyEntry.Kind.PKCS11, back.get("hsm").kind());
    assertEquals(uri, Pkcs11Uri.parse(uri.toString()));
  }

  @Test
  void refusesAnAliasOnAKeyThatIsNotABundle() throws Exception {
    Files.writeString(dir.resolve(SigningKeys.FILE), "{\"keys\":[{\"name\":\"k\",\"keyPath\":\"/a.key\","
        + "\"certPath\":\"/a.crt\",\"pkcs12Alias\":\"x\"}]}");
    KeyException e = assertThrows(KeyException.class, () -> SigningKeys.load(dir));
    assertTrue(e.getMessage().endsWith("\"pkcs12Alias\" needs a PKCS#12 bundle in both \"keyPath\" and "
        + "\"certPath\""), e.getMessage());
  }

  @Test
  void convertsDerEcdsaSignaturesToFixedWidthRs() throws Exception {
    byte[] der = new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new org.bouncycastle.asn1.ASN1Integer(new java.math.BigInteger(1, new byte[] {(byte) 0xff, 1})),
        new org.bouncycastle.asn1.ASN1Integer(5)}).getEncoded();
    byte[] raw = Pkcs11Key.derToRaw(der, 4);
    assertArrayEquals(new byte[] {0, 0, (byte) 0xff, 1, 0, 0, 0, 5}, raw);
    assertThrows(java.security.GeneralSecurityException.class, () -> Pkcs11Key.derToRaw(der, 1));
  }

  @Test
  void parsesPkcs11UrisOfOtherToolsAndRefusesIncompleteOnes() {
    Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:model=SoftHSM%20v2;token=t;object=k;id=%01?pin-source=x&module-path=/m.so");
    assertEquals(new Pkcs11Uri(Path.of("/m.so"), "t", "k"), u);
    assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token=t;object=k"));
    assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse("pkcs11:token=%zz;object=k?module-path=/m"));
  }
}
