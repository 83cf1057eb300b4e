package dev.nota.core.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading certificate files the way notation does (PEM with one or more certificates, or DER), and thumbprints. */
class CertificatesTest {
  static final Path VECTORS = vectors();
  private static final Path CORE = VECTORS.resolve("notation-core-go/x509");
  @TempDir Path dir;

  static Path vectors() {
    return dev.nota.core.verify.NotationVectors.root();
  }

  private String rejected(Path file) {
    CertificateRuleException e = assertThrows(CertificateRuleException.class, () -> Certificates.readPem(file));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void readsNotationCoreGoPemAndDerFiles() throws Exception {
    assertEquals(1, Certificates.readPem(CORE.resolve("pem.crt")).size());
    assertEquals(2, Certificates.readPem(CORE.resolve("multi-pem.crt")).size());
    assertEquals(1, Certificates.readPem(CORE.resolve("der.der")).size());
    assertEquals(2, Certificates.readPem(CORE.resolve("multi-der.der")).size());
    assertEquals(Certificates.readPem(CORE.resolve("pem.crt")), Certificates.readPem(CORE.resolve("der.der")));
    for (String f : List.of("timestamp_leaf.crt", "timestamp_intermediate.crt", "timestamp_root.crt")) {
      assertEquals(1, Certificates.readPem(CORE.resolve(f)).size(), f);
    }
  }

  @Test
  void rejectsNotationCoreGoInvalidFile() {
    assertTrue(rejected(CORE.resolve("invalid")).contains("is not a valid PEM or DER certificate"));
  }

  @Test
  void rejectsAnEmptyPemCertificateBlock() {
    assertTrue(rejected(VECTORS.resolve("notation-cli/certs/timestamp/invalid.crt"))
        .contains("empty PEM CERTIFICATE block"));
  }

  @Test
  void readsAChainInFileOrder() throws Exception {
    X509Certificate leaf = CertBuilder.leaf().build();
    X509Certificate root = CertBuilder.root().build();
    Path pem = Files.write(dir.resolve("chain.pem"), Certificates.toPem(List.of(leaf, root)));
    assertEquals(List.of(leaf, root), Certificates.readPem(pem));
    assertEquals(List.of(leaf, root), Certificates.parse(Files.readAllBytes(pem)));
    byte[] crlf = Files.readString(pem).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    assertEquals(List.of(leaf, root), Certificates.parse(crlf));
    byte[] withText = ("Bag Attributes\nsubject=CN=Leaf\n" + Files.readString(pem)).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(leaf, root), Certificates.parse(withText));
  }

  @Test
  void writesPemThatOpensslReads() throws Exception {
    X509Certificate root = CertBuilder.root().build();
    String pem = new String(Certificates.toPem(List.of(root)), StandardCharsets.US_ASCII);
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n") && pem.endsWith("-----END CERTIFICATE-----\n"));
    for (String line : pem.split("\n")) {
      assertTrue(line.length() <= 64, line);
    }
    Path f = Files.writeString(dir.resolve("root.pem"), pem);
    String out = Openssl.run("x509", "-in", f.toString(), "-noout", "-fingerprint", "-sha256");
    assertEquals(Certificates.sha256Thumbprint(root),
        out.substring(out.indexOf('=') + 1).strip().replace(":", "").toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void rejectsAPrivateKeyBlockInACertificateFile() throws Exception {
    Path f = Files.writeString(dir.resolve("mixed.pem"), new String(Certificates.toPem(
        List.of(CertBuilder.root().build()))) + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertTrue(rejected(f).contains("holds a PEM \"PRIVATE KEY\" block; only CERTIFICATE blocks are allowed"));
  }

  @Test
  void rejectsMalformedPem() throws Exception {
    Path noEnd = Files.writeString(dir.resolve("noend.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
    assertTrue(rejected(noEnd).contains("malformed PEM block"));
    Path mismatched = Files.writeString(dir.resolve("mismatch.pem"),
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END PUBLIC KEY-----\n");
    assertTrue(rejected(mismatched).contains("ended by \"PUBLIC KEY\""));
    Path badBase64 = Files.writeString(dir.resolve("b64.pem"),
        "-----BEGIN CERTIFICATE-----\nM!IB\n-----END CERTIFICATE-----\n");
    assertTrue(rejected(badBase64).contains("not a valid PEM or DER certificate"));
    Path notCert = Files.writeString(dir.resolve("notcert.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertTrue(rejected(notCert).contains("PEM certificate 1 is not a valid X.509 certificate"));
  }

  @Test
  void rejectsEmptyMissingAndGarbageFiles() throws Exception {
    assertTrue(rejected(Files.write(dir.resolve("empty.pem"), new byte[0])).endsWith("is empty"));
    assertTrue(rejected(dir.resolve("missing.pem")).startsWith("cannot read certificate file"));
    assertTrue(rejected(Files.writeString(dir.resolve("hello.txt"), "hello")).contains("not a valid PEM or DER"));
    assertTrue(rejected(Files.write(dir.resolve("junk.der"), new byte[] {0x30, 0x03, 1, 2})).contains("not a valid"));
    assertThrows(CertificateRuleException.class, () -> Certificates.parse(new byte[0]));
  }

  @Test
  void thumbprintsAreLowerCaseSha256OfTheDerAsOpensslComputes() throws Exception {
    assertEquals("cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b",
        Certificates.sha256Thumbprint(Certificates.readPem(CORE.resolve("pem.crt")).get(0)));
    assertEquals("d2f6e46ded7422ccd1d440576841366f828ada559aae3316af4d1a9ad40c7828",
        Certificates.sha256Thumbprint(Certificates.readPem(CORE.resolve("timestamp_leaf.crt")).get(0)));
    assertEquals("e38aea13f2b051f7183cca64a51ee676f4d4456f41d9fecf15eb367efc7343b9", Certificates.sha256Thumbprint(
        Certificates.readPem(VECTORS.resolve("notation-cli/certs/localkeys/e2e.crt")).get(0)));
  }
}
