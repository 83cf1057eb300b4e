package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Certificate files are read like notation-core-go reads them (Go's encoding/pem, then DER). */
class CertificateFilesTest {
  static final Path X509 = Path.of(System.getProperty("nota.shared"), "vectors/notation/notation-core-go/x509");

  static String pem() throws Exception {
    return Files.readString(X509.resolve("pem.crt"));
  }

  static int count(String text) throws CertificateException {
    return CertificateFiles.parse(text.getBytes(StandardCharsets.ISO_8859_1)).size();
  }

  @Test
  void readsPemSurroundedByText() throws Exception {
    assertEquals(1, count("subject: GlobalSign\nissuer: GlobalSign\n" + pem() + "\ntrailing notes\n"));
  }

  @Test
  void readsPemWithCrlfLineEndingsAndHeaders() throws Exception {
    String crlf = pem().replace("\n", "\r\n");
    assertEquals(1, count(crlf));
    String withHeader = pem().replaceFirst("-----\n", "-----\nComment: hello\n\n");
    assertEquals(1, count(withHeader));
  }

  @Test
  void readsPemAndDerCertificateChains() throws Exception {
    assertEquals(2, CertificateFiles.parse(Files.readAllBytes(X509.resolve("multi-pem.crt"))).size());
    assertEquals(2, CertificateFiles.parse(Files.readAllBytes(X509.resolve("multi-der.der"))).size());
    assertEquals(1, CertificateFiles.parse(Files.readAllBytes(X509.resolve("der.der"))).size());
  }

  @Test
  void rejectsAPemBlockThatIsNotACertificate() throws Exception {
    String key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    CertificateException e = assertThrows(CertificateException.class, () -> count(pem() + key));
    assertTrue(e.getMessage().contains("PEM block \"PRIVATE KEY\" is not a certificate"), e.getMessage());
  }

  @Test
  void skipsMalformedPemBlocksLikeGo() throws Exception {
    String brokenEnd = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICAT-----\n";
    assertEquals(1, count(brokenEnd + pem()));
    String badBase64 = "-----BEGIN CERTIFICATE-----\nA!A\n-----END CERTIFICATE-----\n";
    assertEquals(1, count(badBase64 + pem()));
  }

  @Test
  void fallsBackToDerWhenNoPemBlockIsWellFormed() {
    CertificateException e = assertThrows(CertificateException.class,
        () -> count("-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n"));
    assertTrue(e.getMessage().startsWith("neither PEM nor DER certificate data"), e.getMessage());
  }

  @Test
  void rejectsDerWithTrailingBytes() throws Exception {
    byte[] der = Files.readAllBytes(X509.resolve("der.der"));
    byte[] longer = Arrays.copyOf(der, der.length + 2);
    assertThrows(CertificateException.class, () -> CertificateFiles.parse(longer));
  }

  @Test
  void rejectsTruncatedDer() throws Exception {
    byte[] der = Files.readAllBytes(X509.resolve("der.der"));
    assertThrows(CertificateException.class, () -> CertificateFiles.parse(Arrays.copyOf(der, der.length - 1)));
  }

  @Test
  void readsNothingFromAnEmptyFile() throws Exception {
    assertEquals(0, CertificateFiles.parse(new byte[0]).size());
  }

  @Test
  void rejectsTheInvalidVector() {
    assertThrows(CertificateException.class,
        () -> CertificateFiles.parse(Files.readAllBytes(X509.resolve("invalid"))));
  }
}
