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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading and writing certificate files (PEM with one or more certificates, or DER) and thumbprints. */
public final class Certificates {
  private static final long MAX_FILE = 4L * 1024 * 1024;
  private static final String BEGIN = "-----BEGIN ";
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([^-\\r\\n]+)-----([^-]*)-----END ([^-\\r\\n]+)-----");

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
    if (bytes == null || bytes.length == 0) {
      throw new CertificateRuleException(what + " is empty");
    }
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      if (text.contains(BEGIN)) {
        Matcher m = PEM_BLOCK.matcher(text);
        int blocks = 0;
        while (m.find()) {
          blocks++;
          if (!m.group(1).equals(m.group(3))) {
            throw new CertificateRuleException(what + " has a PEM block \"" + m.group(1) + "\" ended by \""
                + m.group(3) + "\"");
          }
          if (!m.group(1).equals("CERTIFICATE")) {
            throw new CertificateRuleException(what + " holds a PEM \"" + m.group(1)
                + "\" block; only CERTIFICATE blocks are allowed in a certificate file");
          }
          byte[] der = Base64.getDecoder().decode(m.group(2).replaceAll("\\s", ""));
          if (der.length == 0) {
            throw new CertificateRuleException(what + " has an empty PEM CERTIFICATE block (certificate " + blocks
                + ")");
          }
          out.add(one(cf, der, what, blocks));
        }
        if (blocks != count(text, BEGIN)) {
          throw new CertificateRuleException(what + " has a malformed PEM block (a BEGIN line without a matching "
              + "END line, or PEM headers)");
        }
      } else {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        while (in.available() > 0) {
          out.add((X509Certificate) cf.generateCertificate(in));
        }
      }
    } catch (CertificateException | IllegalArgumentException | ClassCastException e) {
      throw new CertificateRuleException(what + " is not a valid PEM or DER certificate: " + oneLine(e), e);
    }
    return out;
  }

  private static X509Certificate one(CertificateFactory cf, byte[] der, String what, int index)
      throws CertificateRuleException {
    try {
      return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw new CertificateRuleException(what + ": PEM certificate " + index + " is not a valid X.509 certificate: "
          + oneLine(e), e);
    }
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

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
