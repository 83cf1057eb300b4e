package dev.nota.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.Openssl;
import dev.nota.core.x509.TestCertificates;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing a generated test key where notation's cert generate-test puts it. */
class TestKeyInstallerTest {
  private static final TestCertificates.Generated G =
      TestCertificates.generate("t", TestCertificates.KeySpec.EC_256, Duration.ofDays(1), Clock.systemUTC());
  @TempDir Path dir;

  private List<Path> allFiles() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void writesKeyChainTrustStoreCopyAndRegistersTheKey() throws Exception {
    KeyEntry e = TestKeyInstaller.install(dir, "t", G, true);
    Path root = dir.toAbsolutePath();
    assertEquals(KeyEntry.local("t", root.resolve("localkeys/t.key"), root.resolve("localkeys/t.crt")), e);
    assertEquals(G.chain(), Certificates.readPem(e.certPath()));
    assertEquals(List.of(G.root()), Certificates.readPem(dir.resolve("truststore/x509/ca/t/t.crt")));
    assertTrue(Files.readString(e.keyPath()).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    SigningKeys keys = SigningKeys.load(dir);
    assertEquals("t", keys.defaultKey());
    assertEquals(e, keys.get("t"));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(e.keyPath())));
    }
    LocalKey key = LocalKey.load(e.keyPath(), e.certPath());
    byte[] data = {42};
    assertTrue(key.algorithm().verify(G.leaf().getPublicKey(), data, key.sign(data)));
  }

  @Test
  void opensslReadsTheInstalledKeyAndVerifiesTheChainAgainstTheTrustStore() throws Exception {
    KeyEntry e = TestKeyInstaller.install(dir, "t", G, false);
    assertTrue(Openssl.run("pkey", "-in", e.keyPath().toString(), "-noout", "-text").contains("NIST CURVE: P-256"));
    Path leaf = Files.write(dir.resolve("leaf.pem"), Certificates.toPem(List.of(G.leaf())));
    assertTrue(Openssl.run("verify", "-CAfile", dir.resolve("truststore/x509/ca/t/t.crt").toString(),
        leaf.toString()).contains(": OK"));
    assertNull(SigningKeys.load(dir).defaultKey());
  }

  @Test
  void neverOverwritesAndWritesNothingWhenSomethingExists() throws Exception {
    Files.createDirectories(dir.resolve("localkeys"));
    Files.writeString(dir.resolve("localkeys/t.crt"), "mine");
    KeyException e = assertThrows(KeyException.class, () -> TestKeyInstaller.install(dir, "t", G, true));
    assertTrue(e.getMessage().startsWith("refusing to overwrite " + dir.toAbsolutePath().resolve("localkeys/t.crt")),
        e.getMessage());
    assertEquals(List.of(dir.resolve("localkeys/t.crt")), allFiles());
    assertEquals("mine", Files.readString(dir.resolve("localkeys/t.crt")));
  }

  @Test
  void refusesANameAlreadyInSigningKeysWithoutWritingFiles() throws Exception {
    SigningKeys.empty().add(KeyEntry.plugin("t", "id", "kms", null), false).save(dir);
    KeyException e = assertThrows(KeyException.class, () -> TestKeyInstaller.install(dir, "t", G, true));
    assertEquals("signing key \"t\" already exists", e.getMessage());
    assertEquals(List.of(dir.resolve(SigningKeys.FILE)), allFiles());
  }

  @Test
  void secondInstallOfTheSameNameFails() throws Exception {
    TestKeyInstaller.install(dir, "t", G, false);
    assertThrows(KeyException.class, () -> TestKeyInstaller.install(dir, "t", G, false));
    TestKeyInstaller.install(dir, "u", G, false);
    assertEquals(2, SigningKeys.load(dir).keys().size());
  }

  @Test
  void refusesNamesThatAreNotSafeFileNames() {
    for (String bad : new String[] {"", "../x", "a/b", ".hidden", "-x", "a b", "a\\b"}) {
      KeyException e = assertThrows(KeyException.class, () -> TestKeyInstaller.install(dir, bad, G, false), bad);
      assertTrue(e.getMessage().startsWith("invalid key name"), e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("localkeys")));
  }

  @Test
  void removesWhatItWroteWhenALaterWriteFails() throws Exception {
    // a dangling symbolic link: not "existing" when checked up front, but creating the file over it fails
    Path store = Files.createDirectories(dir.resolve("truststore/x509/ca/t"));
    Files.createSymbolicLink(store.resolve("t.crt"), dir.resolve("nowhere"));
    KeyException e = assertThrows(KeyException.class, () -> TestKeyInstaller.install(dir, "t", G, false));
    assertTrue(e.getMessage().startsWith("cannot write the test key into "), e.getMessage());
    assertFalse(Files.exists(dir.resolve("localkeys/t.key")));
    assertFalse(Files.exists(dir.resolve("localkeys/t.crt")));
    assertFalse(Files.exists(dir.resolve("nowhere")));
    assertFalse(Files.exists(dir.resolve(SigningKeys.FILE)));
  }
}
