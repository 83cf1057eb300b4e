package dev.nota.core.x509;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Reading and writing certificate files (PEM with one or more certificates, or DER) and thumbprints. */
public final class Certificates {
  private static final long MAX_FILE = 4L * 1024 * 1024;

  private Certificates() {}

  /** Reads every certificate of a PEM or DER file. */
  public static List<X509Certificate> readPem(Path file) throws CertificateRuleException {
    try {
      if (Files.size(file) > MAX_FILE) {
        throw new CertificateRuleException("certificate file " + file + " is over " + MAX_FILE + " bytes");
      }
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new CertificateRuleException("cannot read certificate file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses PEM (one or more CERTIFICATE blocks) or DER bytes. */
  public static List<X509Certificate> parse(byte[] pemOrDer) throws CertificateRuleException {
    return parse(pemOrDer, "certificate data");
  }

  private static List<X509Certificate> parse(byte[] bytes, String what) throws CertificateRuleException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      if (text.contains("-----BEGIN")) {
        int from = 0;
        while (true) {
          int begin = text.indexOf("-----BEGIN CERTIFICATE-----", from);
          if (begin < 0) {
            break;
          }
          int end = text.indexOf("-----END CERTIFICATE-----", begin);
          if (end < 0) {
            throw new CertificateRuleException(what + " has a PEM certificate without an END line");
          }
          String body = text.substring(begin + "-----BEGIN CERTIFICATE-----".length(), end).replaceAll("\\s", "");
          byte[] der = Base64.getDecoder().decode(body);
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
          from = end + "-----END CERTIFICATE-----".length();
        }
      } else if (bytes.length > 0) {
        for (var c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
          out.add((X509Certificate) c);
        }
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new CertificateRuleException(what + " is not a valid PEM or DER certificate: " + oneLine(e), e);
    }
    if (out.isEmpty()) {
      throw new CertificateRuleException(what + " contains no certificate");
    }
    return out;
  }

  /** Lower-case hex SHA-256 of the certificate's DER encoding, as notation writes thumbprints. */
  public static String sha256Thumbprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot hash certificate", e);
    }
  }

  /** PEM text of {@code chain}, one CERTIFICATE block per certificate, in order. */
  public static byte[] toPem(List<X509Certificate> chain) {
    StringBuilder sb = new StringBuilder();
    Base64.Encoder enc = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate c : chain) {
      try {
        sb.append("-----BEGIN CERTIFICATE-----\n")
            .append(enc.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode certificate", e);
      }
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
