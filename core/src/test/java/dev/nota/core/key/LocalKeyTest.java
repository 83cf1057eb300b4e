package dev.nota.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loading PEM keys and signing with them, and the signingkeys.json registry. */
class LocalKeyTest {
  @TempDir Path dir;

  private static TestCertificates.Generated generate(TestCertificates.KeySpec spec) {
    return TestCertificates.generate("k", spec, Duration.ofDays(1), Clock.systemUTC());
  }

  @ParameterizedTest
  @EnumSource(TestCertificates.KeySpec.class)
  void signaturesFromEveryKeyTypeVerifyWithTheLeaf(TestCertificates.KeySpec spec) throws Exception {
    TestCertificates.Generated g = generate(spec);
    LocalKey key = LocalKey.of(g.key(), g.chain());
    byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
    assertTrue(key.algorithm().verify(g.chain().get(0).getPublicKey(), data, key.sign(data)));
  }

  @Test
  void loadsPkcs8AndTraditionalPemKeys() throws Exception {
    for (TestCertificates.KeySpec spec : List.of(TestCertificates.KeySpec.RSA_2048, TestCertificates.KeySpec.EC_384)) {
      TestCertificates.Generated g = generate(spec);
      Path cert = Files.write(dir.resolve(spec + ".crt"), Certificates.toPem(g.chain()));
      Path pkcs8 = dir.resolve(spec + ".key");
      TestCertificates.install(dir.resolve(spec.name()), "k", g, false);
      Files.copy(dir.resolve(spec.name()).resolve("localkeys/k.key"), pkcs8);
      assertEquals(g.chain(), LocalKey.load(pkcs8, cert).certificateChain());
      // PKCS#1 "RSA PRIVATE KEY" / SEC1 "EC PRIVATE KEY", as openssl writes them.
      Path trad = dir.resolve(spec + "-trad.key");
      Process p = new ProcessBuilder("openssl", "pkey", "-in", pkcs8.toString(), "-traditional", "-out",
          trad.toString()).redirectErrorStream(true).start();
      assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      String text = Files.readString(trad);
      assertTrue(text.contains(spec.name().startsWith("RSA") ? "RSA PRIVATE KEY" : "EC PRIVATE KEY"), text);
      assertEquals(g.chain(), LocalKey.load(trad, cert).certificateChain());
    }
  }

  @Test
  void refusesAKeyThatDoesNotMatchItsCertificate() throws Exception {
    TestCertificates.Generated a = generate(TestCertificates.KeySpec.EC_256);
    TestCertificates.Generated b = generate(TestCertificates.KeySpec.EC_256);
    KeyException e = assertThrows(KeyException.class, () -> LocalKey.of(a.key(), b.chain()));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void refusesGarbageAndEncryptedKeysWithOneLine() throws Exception {
    TestCertificates.Generated g = generate(TestCertificates.KeySpec.EC_256);
    Path cert = Files.write(dir.resolve("c.crt"), Certificates.toPem(g.chain()));
    Path garbage = Files.writeString(dir.resolve("g.key"), "hello");
    StringWriter enc = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(enc)) {
      w.writeObject(new JcaPKCS8Generator(g.key(),
          new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.PBE_SHA1_3DES)
              .setPassword("pw".toCharArray()).build()));
    }
    Path encrypted = Files.writeString(dir.resolve("e.key"), enc.toString());
    KeyException ge = assertThrows(KeyException.class, () -> LocalKey.load(garbage, cert));
    KeyException ee = assertThrows(KeyException.class, () -> LocalKey.load(encrypted, cert));
    assertTrue(ee.getMessage().contains("encrypted"), ee.getMessage());
    assertTrue(!ge.getMessage().contains("\n") && !ee.getMessage().contains("\n"));
    assertThrows(KeyException.class, () -> LocalKey.load(dir.resolve("missing.key"), cert));
  }

  @Test
  void signingKeysRoundTripInNotationsFormat() throws Exception {
    SigningKeys keys = SigningKeys.load(dir)
        .add(KeyEntry.local("a", Path.of("/k/a.key"), Path.of("/k/a.crt")), false)
        .add(new KeyEntry("p", null, null, "com.example.kms", "key-1", java.util.Map.of("region", "x")), true);
    keys.save(dir);
    String json = Files.readString(dir.resolve(SigningKeys.FILE));
    assertTrue(json.contains("\"keyPath\" : \"/k/a.key\"") && json.contains("\"pluginName\" : \"com.example.kms\""),
        json);
    SigningKeys back = SigningKeys.load(dir);
    assertEquals(keys, back);
    assertEquals("p", back.get(null).name());
    assertThrows(KeyException.class, () -> back.add(KeyEntry.local("a", Path.of("x"), Path.of("y")), false));
    assertThrows(KeyException.class, () -> back.get("nope"));
    SigningKeys noDefault = back.remove("p");
    assertThrows(KeyException.class, () -> noDefault.get(null));
    Files.writeString(dir.resolve(SigningKeys.FILE), "{\"keys\": 3}");
    assertThrows(KeyException.class, () -> SigningKeys.load(dir));
  }

  @Test
  void installingTestCertificatesNeverOverwrites() throws Exception {
    TestCertificates.Generated g = generate(TestCertificates.KeySpec.EC_256);
    KeyEntry e = TestCertificates.install(dir, "t", g, true);
    assertTrue(Files.exists(e.keyPath()) && Files.exists(dir.resolve("truststore/x509/ca/t/t.crt")));
    assertEquals("t", SigningKeys.load(dir).defaultKey());
    assertThrows(KeyException.class, () -> TestCertificates.install(dir, "t", g, false));
    LocalKey.load(e.keyPath(), e.certPath());
  }
}
