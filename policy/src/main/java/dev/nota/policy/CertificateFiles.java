package dev.nota.policy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads a trust store file like notation: if the file contains a PEM block, every PEM block must be a
 * certificate (text around the blocks is ignored); otherwise the whole file must be one or more concatenated DER
 * certificates. An empty file yields no certificates.
 */
final class CertificateFiles {
  private static final byte[] BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n-----END ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);

  private CertificateFiles() {}

  /** A decoded PEM block and the offset just after it. */
  private record Block(String type, byte[] der, int next) {}

  static List<X509Certificate> parse(byte[] data) throws CertificateException {
    List<X509Certificate> certs = new ArrayList<>();
    Block block = nextBlock(data, 0);
    if (block == null) {
      int pos = 0;
      while (pos < data.length) {
        Der.Element element;
        try {
          element = Der.read(data, pos, data.length);
        } catch (IllegalArgumentException e) {
          throw new CertificateException("neither PEM nor DER certificate data: " + e.getMessage());
        }
        if (element.tag() != Der.SEQUENCE) {
          throw new CertificateException("neither PEM nor DER certificate data");
        }
        certs.add(certificate(element.encoded()));
        pos = element.end();
      }
      return certs;
    }
    while (block != null) {
      try {
        Der.Element element = Der.read(block.der(), 0, block.der().length);
        if (element.tag() != Der.SEQUENCE || element.end() != block.der().length) {
          throw new IllegalArgumentException("trailing data");
        }
      } catch (IllegalArgumentException e) {
        throw new CertificateException("PEM block \"" + block.type() + "\" is not a certificate: " + e.getMessage());
      }
      certs.add(certificate(block.der()));
      block = nextBlock(data, block.next());
    }
    return certs;
  }

  private static X509Certificate certificate(byte[] der) throws CertificateException {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new CertificateException("malformed certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Finds the next well-formed PEM block at or after {@code from}, following Go's encoding/pem: a BEGIN line at
   * the start of the data or of a line, optional {@code key: value} headers, base64 body, and an END line naming
   * the same type followed only by white space. Malformed candidates are skipped.
   */
  private static Block nextBlock(byte[] data, int from) {
    int rest = from;
    while (true) {
      int begin;
      if (startsWith(data, rest, BEGIN)) {
        begin = rest;
      } else {
        int nl = indexOf(data, rest, "\n-----BEGIN ".getBytes(StandardCharsets.US_ASCII));
        if (nl < 0) {
          return null;
        }
        begin = nl + 1;
      }
      rest = begin + BEGIN.length;
      int[] line = line(data, rest);
      int typeEnd = line[1];
      rest = line[2];
      if (typeEnd - line[0] < DASHES.length || !startsWith(data, typeEnd - DASHES.length, DASHES)) {
        continue;
      }
      String type = new String(data, line[0], typeEnd - DASHES.length - line[0], StandardCharsets.UTF_8);
      boolean headers = false;
      boolean truncated = false;
      while (true) {
        if (rest >= data.length) {
          truncated = true;
          break;
        }
        int[] h = line(data, rest);
        if (indexOf(data, h[0], h[1], (byte) ':') < 0) {
          break;
        }
        headers = true;
        rest = h[2];
      }
      if (truncated) {
        return null;
      }
      int endIndex;
      int trailer;
      if (!headers && startsWith(data, rest, "-----END ".getBytes(StandardCharsets.US_ASCII))) {
        endIndex = rest;
        trailer = rest + END.length - 1;
      } else {
        endIndex = indexOf(data, rest, END);
        if (endIndex < 0) {
          continue;
        }
        trailer = endIndex + END.length;
      }
      byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
      int trailerLen = typeBytes.length + DASHES.length;
      if (data.length - trailer < trailerLen || !startsWith(data, trailer, typeBytes)
          || !startsWith(data, trailer + typeBytes.length, DASHES)) {
        continue;
      }
      int[] after = line(data, trailer + trailerLen);
      if (after[1] != after[0]) {
        continue;
      }
      byte[] der = decodeBase64(data, rest, endIndex);
      if (der == null) {
        continue;
      }
      int[] endLine = line(data, endIndex + END.length - 1);
      return new Block(type, der, endLine[2]);
    }
  }

  /** Base64 with padding, ignoring spaces, tabs and line breaks; null when invalid. */
  private static byte[] decodeBase64(byte[] data, int from, int to) {
    StringBuilder b = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      byte c = data[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        b.append((char) (c & 0xff));
      }
    }
    if (b.length() % 4 != 0) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(b.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {start, end of content without trailing " \t\r", start of next line}. */
  private static int[] line(byte[] data, int from) {
    int nl = indexOf(data, from, data.length, (byte) '\n');
    int next = nl < 0 ? data.length : nl + 1;
    int end = nl < 0 ? data.length : nl;
    while (end > from && (data[end - 1] == ' ' || data[end - 1] == '\t' || data[end - 1] == '\r')) {
      end--;
    }
    return new int[] {from, end, next};
  }

  private static boolean startsWith(byte[] data, int at, byte[] prefix) {
    if (at < 0 || data.length - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, int from, byte[] needle) {
    for (int i = from; i + needle.length <= data.length; i++) {
      if (startsWith(data, i, needle)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] data, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
