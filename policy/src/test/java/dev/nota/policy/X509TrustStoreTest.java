package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class X509TrustStoreTest {
  static final Path VECTORS = Path.of(System.getProperty("nota.shared"), "vectors/notation");
  static final X509TrustStore VECTOR_STORE = new X509TrustStore(VECTORS.resolve("notation-go/truststore"));

  static String fails(X509TrustStore store, TrustStoreType type, String name) {
    PolicyException e = assertThrows(PolicyException.class, () -> store.certificates(type, name));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  /** A temporary store {@code x509/<type>/<name>/} holding copies of {@code files}. */
  static X509TrustStore store(Path root, TrustStoreType type, String name, Path... files) throws IOException {
    Path dir = Files.createDirectories(root.resolve("x509").resolve(type.value()).resolve(name));
    for (Path f : files) {
      Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    return new X509TrustStore(root);
  }

  @Test
  void loadsTheValidStoreInFileNameOrder() throws Exception {
    List<X509Certificate> certs = VECTOR_STORE.certificates(TrustStoreType.CA, "valid-trust-store");
    assertEquals(6, certs.size());
    // GlobalSign.der, GlobalSignRootCA.crt, NotationTestRoot.pem, TestTimestamp.crt, TestTimestampNotYetValid.crt,
    // wabbit-networks.io.crt
    assertTrue(certs.get(0).getSubjectX500Principal().getName().contains("GlobalSign"));
    assertTrue(certs.get(2).getSubjectX500Principal().getName().contains("Notation Test Root"));
    assertTrue(certs.get(5).getSubjectX500Principal().getName().contains("wabbit-networks.io"));
  }

  @Test
  void loadsEveryPositiveVectorStore() throws Exception {
    assertEquals(1, VECTOR_STORE.certificates(TrustStoreType.CA, "valid-trust-store-self-signed").size());
    assertEquals(2, VECTOR_STORE.certificates(TrustStoreType.CA, "valid-trust-store-2").size());
    assertEquals(3, VECTOR_STORE.certificates(TrustStoreType.SIGNING_AUTHORITY, "valid-trust-store").size());
    assertEquals(2, VECTOR_STORE.certificates(TrustStoreType.SIGNING_AUTHORITY, "valid-trust-store-2").size());
    assertEquals(1, VECTOR_STORE.certificates(TrustStoreType.TSA, "test-timestamp").size());
    assertEquals(1, VECTOR_STORE.certificates(TrustStoreType.TSA, "test-mismatch").size());
  }

  @Test
  void rejectsAFileThatIsNotACertificate() {
    String m = fails(VECTOR_STORE, TrustStoreType.CA, "trust-store-with-invalid-certs");
    assertTrue(m.startsWith("failed to read the trusted certificate invalid in trust store"
        + " trust-store-with-invalid-certs of type ca: "), m);
  }

  @Test
  void rejectsALeafCertificateThatIsNotSelfSigned() {
    assertEquals("failed to validate the trusted certificate non-ca.crt in trust store trust-store-with-leaf-certs of"
        + " type ca: certificate with subject \"CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US\" is not a CA"
        + " certificate or self-signed signing certificate",
        fails(VECTOR_STORE, TrustStoreType.CA, "trust-store-with-leaf-certs"));
  }

  @Test
  void rejectsALeafCertificateInsideAMultiCertificateFile() {
    assertTrue(fails(VECTOR_STORE, TrustStoreType.CA, "trust-store-with-leaf-certs-in-single-file")
        .startsWith("failed to validate the trusted certificate RootAndLeafCerts.crt in trust store"
            + " trust-store-with-leaf-certs-in-single-file of type ca: certificate with subject"
            + " \"CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US\" is not a CA certificate"));
  }

  @Test
  void rejectsANonCaCertificateInATsaStore() {
    assertEquals("trusted certificate wabbit-networks.io.crt in trust store test-nonCA of type tsa is invalid:"
        + " certificate with subject \"CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US\" is not a root CA"
        + " certificate: x509: invalid signature: parent certificate cannot sign this kind of certificate",
        fails(VECTOR_STORE, TrustStoreType.TSA, "test-nonCA"));
  }

  @Test
  void rejectsANonSelfIssuedCertificateInATsaStore() {
    assertEquals("trusted certificate nonSelfIssued.crt in trust store test-nonSelfIssued of type tsa is invalid:"
        + " certificate with subject \"CN=Notation Test Revokable RSA Chain Cert 2,O=Notary,L=Seattle,ST=WA,C=US\" is"
        + " not a root CA certificate: issuer (CN=Notation Test Revokable RSA Chain Cert Root,O=Notary,L=Seattle,"
        + "ST=WA,C=US) and subject (CN=Notation Test Revokable RSA Chain Cert 2,O=Notary,L=Seattle,ST=WA,C=US) are"
        + " not the same", fails(VECTOR_STORE, TrustStoreType.TSA, "test-nonSelfIssued"));
  }

  @Test
  void acceptsASelfSignedLeafInACaStoreButNotInATsaStore(@TempDir Path root) throws Exception {
    Path e2e = VECTORS.resolve("notation-cli/certs/localkeys/e2e.crt");
    assertEquals(1, store(root, TrustStoreType.CA, "e2e", e2e).certificates(TrustStoreType.CA, "e2e").size());
    assertTrue(fails(store(root, TrustStoreType.TSA, "e2e", e2e), TrustStoreType.TSA, "e2e")
        .contains("parent certificate cannot sign this kind of certificate"));
  }

  @Test
  void rejectsAnIntermediateInATsaStore(@TempDir Path root) throws Exception {
    Path intermediate = VECTORS.resolve("notation-core-go/x509/timestamp_intermediate.crt");
    assertTrue(fails(store(root, TrustStoreType.TSA, "t", intermediate), TrustStoreType.TSA, "t")
        .contains("is not a root CA certificate: x509: signature does not verify"));
    assertEquals(1, store(root, TrustStoreType.CA, "t", intermediate).certificates(TrustStoreType.CA, "t").size());
  }

  @Test
  void readsPemAndDerWithOneOrManyCertificates(@TempDir Path root) throws Exception {
    Path x509 = VECTORS.resolve("notation-core-go/x509");
    X509TrustStore s = store(root, TrustStoreType.CA, "mixed", x509.resolve("pem.crt"), x509.resolve("der.der"),
        x509.resolve("multi-pem.crt"), x509.resolve("multi-der.der"));
    assertEquals(1 + 1 + 2 + 2, s.certificates(TrustStoreType.CA, "mixed").size());
  }

  @Test
  void reportsAMissingStore() {
    assertEquals("the trust store \"nope\" of type \"ca\" does not exist ("
        + VECTORS.resolve("notation-go/truststore/x509/ca/nope") + ")", fails(VECTOR_STORE, TrustStoreType.CA, "nope"));
  }

  @Test
  void rejectsAnEmptyStore(@TempDir Path root) throws Exception {
    X509TrustStore s = store(root, TrustStoreType.CA, "empty");
    assertEquals("no x509 certificates were found in trust store \"empty\" of type \"ca\"",
        fails(s, TrustStoreType.CA, "empty"));
  }

  @Test
  void rejectsAnEmptyFile(@TempDir Path root) throws Exception {
    X509TrustStore s = store(root, TrustStoreType.CA, "s");
    Files.createFile(root.resolve("x509/ca/s/empty.crt"));
    assertTrue(fails(s, TrustStoreType.CA, "s").contains("empty.crt in trust store s of type ca: the file contains"
        + " no certificate"));
  }

  @Test
  void rejectsASubDirectory(@TempDir Path root) throws Exception {
    // The vector store sits at notation-go/truststore-negative/trust-store-with-directories; lay it out as a store.
    Path src = VECTORS.resolve("notation-go/truststore-negative/trust-store-with-directories");
    copyTree(src, Files.createDirectories(root.resolve("x509/ca/trust-store-with-directories")));
    assertEquals("trusted certificate sub-dir in trust store trust-store-with-directories of type ca is not a"
        + " regular file (directories or symlinks are not supported)",
        fails(new X509TrustStore(root), TrustStoreType.CA, "trust-store-with-directories"));
  }

  @Test
  void rejectsASymlinkedCertificate(@TempDir Path root) throws Exception {
    Path target = Files.copy(VECTORS.resolve("notation-cli/certs/localkeys/e2e.crt"), root.resolve("e2e.crt"));
    X509TrustStore s = store(root, TrustStoreType.CA, "s");
    Files.createSymbolicLink(root.resolve("x509/ca/s/e2e.crt"), target);
    assertTrue(fails(s, TrustStoreType.CA, "s").endsWith("is not a regular file (directories or symlinks are not"
        + " supported)"));
  }

  @Test
  void rejectsASymlinkedStoreDirectory(@TempDir Path root) throws Exception {
    X509TrustStore s = store(root, TrustStoreType.CA, "real", VECTORS.resolve("notation-cli/certs/localkeys/e2e.crt"));
    Files.createSymbolicLink(root.resolve("x509/ca/linked"), root.resolve("x509/ca/real"));
    assertTrue(fails(s, TrustStoreType.CA, "linked").contains("is not a regular directory (symlinks are not"
        + " supported)"));
  }

  @Test
  void rejectsStoreNamesThatCouldEscapeTheStoreDirectory() {
    for (String bad : new String[] {"..", ".", "../ca", "a/b", "", "x y"}) {
      assertTrue(fails(VECTOR_STORE, TrustStoreType.CA, bad).startsWith("trust store name needs to follow"), bad);
    }
  }

  @Test
  void refusesSha1SignedSelfSignedLeafButAcceptsSha256(@TempDir Path root) throws Exception {
    Path sha1 = Keytool.selfSigned(root.resolve("gen"), "sha1", "SHA1withRSA", "CN=old,O=o,ST=s,C=US");
    Path sha256 = Keytool.selfSigned(root.resolve("gen"), "sha256", "SHA256withRSA", "CN=new,O=o,ST=s,C=US");
    assertEquals(1, store(root, TrustStoreType.CA, "ok", sha256).certificates(TrustStoreType.CA, "ok").size());
    assertTrue(fails(store(root, TrustStoreType.CA, "old", sha1), TrustStoreType.CA, "old")
        .contains("is not a CA certificate or self-signed signing certificate"));
  }

  @Test
  void rejectsTsaRootWithoutCertSignKeyUsage(@TempDir Path root) throws Exception {
    Path ca = Keytool.selfSigned(root.resolve("gen"), "ca", "SHA256withRSA", "CN=ca,O=o,ST=s,C=US",
        "-ext", "bc:c=ca:true", "-ext", "ku:c=digitalSignature");
    assertTrue(fails(store(root, TrustStoreType.TSA, "t", ca), TrustStoreType.TSA, "t")
        .contains("parent certificate cannot sign this kind of certificate"));
    Path good = Keytool.selfSigned(root.resolve("gen"), "good", "SHA256withRSA", "CN=ca2,O=o,ST=s,C=US",
        "-ext", "bc:c=ca:true", "-ext", "ku:c=keyCertSign");
    assertEquals(1, store(root, TrustStoreType.TSA, "g", good).certificates(TrustStoreType.TSA, "g").size());
  }

  @Test
  void readsFilesAgainOnEveryCall(@TempDir Path root) throws Exception {
    Path x509 = VECTORS.resolve("notation-core-go/x509");
    X509TrustStore s = store(root, TrustStoreType.CA, "s", x509.resolve("pem.crt"));
    assertEquals(1, s.certificates(TrustStoreType.CA, "s").size());
    Files.copy(x509.resolve("multi-pem.crt"), root.resolve("x509/ca/s/multi-pem.crt"));
    assertEquals(3, s.certificates(TrustStoreType.CA, "s").size());
  }

  private static void copyTree(Path src, Path dst) throws IOException {
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
