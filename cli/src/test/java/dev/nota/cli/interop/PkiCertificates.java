package dev.nota.cli.interop;

import dev.nota.core.revocation.OpensslPki;
import dev.nota.core.x509.Openssl;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Certificates an {@link OpensslPki} CA issues with {@code openssl ca} (so that its OCSP responder knows them and
 * {@link OpensslPki#revoke} can revoke them), but with extensions and a validity of the test's choosing: a TSA
 * certificate that names the CA's OCSP responder and CRL, or a code-signing certificate that expires seconds from now.
 * It drives the CA configuration {@link OpensslPki#start} writes to {@code <dir>/<ca>/ca.cnf}.
 */
final class PkiCertificates {
  private static final DateTimeFormatter OPENSSL_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private PkiCertificates() {}

  /** The extensions of a timestamping certificate that names {@code ca}'s OCSP responder and CRL. */
  static String timestamping(OpensslPki pki, String ca) {
    return "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        + "extendedKeyUsage=critical,timeStamping\nauthorityInfoAccess=OCSP;URI:" + pki.ocspUrl(ca) + "\n"
        + "crlDistributionPoints=URI:" + pki.crlUrl(ca) + "\n";
  }

  /** The extensions of a code-signing certificate that names no revocation location. */
  static String codeSigning() {
    return "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n";
  }

  /** The extensions of a code-signing certificate that names {@code ca}'s OCSP responder and CRL. */
  static String codeSigning(OpensslPki pki, String ca) {
    return codeSigning() + "authorityInfoAccess=OCSP;URI:" + pki.ocspUrl(ca) + "\n"
        + "crlDistributionPoints=URI:" + pki.crlUrl(ca) + "\n";
  }

  /**
   * Issues {@code name} (an EC P-256 key) from {@code ca} of the PKI in {@code pkiDir}, valid from a minute ago (so
   * that a timestamp taken at once, give or take its accuracy, falls inside the validity) until {@code notAfter}, with
   * {@code extensions}.
   */
  static OpensslPki.Issued issue(Path pkiDir, String ca, String name, String extensions, Instant notAfter)
      throws Exception {
    Path ext = pkiDir.resolve(name + ".ext");
    Files.writeString(ext, extensions);
    Path key = pkiDir.resolve(name + ".key");
    Path csr = pkiDir.resolve(name + ".csr");
    Path pem = pkiDir.resolve(name + ".pem");
    Openssl.run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/C=US/ST=WA/O=nota tests/CN=" + name);
    Openssl.run("ca", "-config", pkiDir.resolve(ca).resolve("ca.cnf").toString(), "-batch", "-notext",
        "-startdate", OPENSSL_TIME.format(Instant.now().minusSeconds(60)),
        "-enddate", OPENSSL_TIME.format(notAfter), "-in", csr.toString(), "-out", pem.toString(),
        "-extfile", ext.toString());
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    return new OpensslPki.Issued(cert, pem, key);
  }

  /** {@code files} concatenated into {@code out}. */
  static Path concat(Path out, Path... files) throws Exception {
    StringBuilder s = new StringBuilder();
    for (Path f : files) {
      s.append(Files.readString(f));
    }
    return Files.writeString(out, s.toString());
  }
}
