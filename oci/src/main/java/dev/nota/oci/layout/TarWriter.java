package dev.nota.oci.layout;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX tar stream: ustar headers, and a pax extended header in front of an entry whose name or size does
 * not fit ustar. Entries are deterministic (mode 0644/0755, owner 0, time 0) so packing the same layout twice gives
 * the same bytes. File contents are streamed.
 */
final class TarWriter {
  private final OutputStream out;
  private final byte[] buffer = new byte[64 * 1024];

  TarWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes a directory entry; {@code name} without the trailing slash. */
  void directory(String name) throws IOException {
    header(name + "/", 0, TarHeader.DIRECTORY);
  }

  /** Writes a regular file of exactly {@code size} bytes read from {@code content}. */
  void file(String name, long size, InputStream content) throws IOException {
    header(name, size, TarHeader.FILE);
    long left = size;
    while (left > 0) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException(name + " ended " + left + " bytes early while it was being archived");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** Writes the end-of-archive marker (two zero blocks) and flushes; the caller closes the stream. */
  void finish() throws IOException {
    out.write(new byte[2 * TarHeader.BLOCK]);
    out.flush();
  }

  private void header(String name, long size, char type) throws IOException {
    if (!TarHeader.fitsUstar(name, size)) {
      StringBuilder records = new StringBuilder();
      if (TarHeader.splitName(name) == null) {
        records.append(paxRecord("path", name));
      }
      if (size > TarHeader.MAX_OCTAL_SIZE) {
        records.append(paxRecord("size", Long.toString(size)));
      }
      byte[] pax = records.toString().getBytes(StandardCharsets.UTF_8);
      out.write(new TarHeader("PaxHeaders/" + shortName(name), pax.length, TarHeader.PAX).encode());
      out.write(pax);
      pad(pax.length);
      name = shortName(name);
      if (size > TarHeader.MAX_OCTAL_SIZE) {
        size = 0;
      }
    }
    out.write(new TarHeader(name, size, type).encode());
  }

  /** A pax record {@code "<length> key=value\n"}, where the length counts its own digits. */
  static String paxRecord(String key, String value) {
    int body = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 3;
    int length = body + Integer.toString(body).length();
    if (Integer.toString(length).length() != Integer.toString(body).length()) {
      length++;
    }
    return length + " " + key + "=" + value + "\n";
  }

  /** The last 100 ASCII-safe characters of a name, for the ustar fields of an entry that carries a pax path. */
  private static String shortName(String name) {
    String ascii = name.replaceAll("[^\\x20-\\x7e]", "_");
    return ascii.length() <= 100 ? ascii : ascii.substring(ascii.length() - 100);
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % TarHeader.BLOCK);
    if (rest != 0) {
      out.write(new byte[TarHeader.BLOCK - rest]);
    }
  }
}
