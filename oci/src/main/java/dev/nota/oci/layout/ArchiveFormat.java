package dev.nota.oci.layout;

import dev.nota.oci.InvalidContentException;
import dev.nota.oci.OciException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * How a layout archive is stored: a plain tar or a gzip-compressed one. The format of existing content is read
 * from its first bytes, never trusted from a file name, so a gzip stream on standard input or a {@code .tar} that is
 * really gzipped still opens; only a file that does not exist yet takes its format from its name. Other
 * compressions are named in the error rather than reported as a broken tar.
 */
enum ArchiveFormat {
  TAR,
  GZIP;

  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
  private static final byte[] BZIP2_MAGIC = {'B', 'Z', 'h'};
  private static final int SNIFF = 6;

  /** The format a new archive at {@code file} is written in: gzip for {@code .tar.gz} and {@code .tgz}. */
  static ArchiveFormat forName(Path file) {
    Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".tar.gz") || n.endsWith(".tgz") ? GZIP : TAR;
  }

  /** Whether {@code file} names an archive rather than a layout directory, going by its name only. */
  static boolean isArchiveName(Path file) {
    Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz");
  }

  /** The format of the existing file {@code file}, from its first bytes. */
  static ArchiveFormat of(Path file, String shown) throws OciException {
    try (InputStream in = Files.newInputStream(file)) {
      return sniff(in.readNBytes(SNIFF), shown);
    } catch (IOException e) {
      throw new OciException("cannot read oci-archive " + shown + ": " + e.getMessage(), e);
    }
  }

  private static ArchiveFormat sniff(byte[] head, String shown) throws InvalidContentException {
    if (head.length == 0) {
      throw new InvalidContentException("invalid oci-archive " + shown + ": it is empty; expected a tar or a"
          + " gzip-compressed tar of an OCI image layout");
    }
    if (startsWith(head, GZIP_MAGIC)) {
      return GZIP;
    }
    String other = startsWith(head, ZSTD_MAGIC) ? "zstd" : startsWith(head, XZ_MAGIC) ? "xz"
        : startsWith(head, BZIP2_MAGIC) ? "bzip2" : null;
    if (other != null) {
      throw new InvalidContentException("invalid oci-archive " + shown + ": it is " + other + "-compressed; nota"
          + " reads a tar or a gzip-compressed tar (decompress it first)");
    }
    return TAR;
  }

  private static boolean startsWith(byte[] head, byte[] magic) {
    return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
  }

  /**
   * Copies the archive read from {@code raw} to {@code tar} as a plain tar, decompressing it if it is gzipped, in
   * fixed-size chunks (never a whole blob in memory). The caller closes {@code raw}.
   *
   * @return the format {@code raw} was in
   * @throws InvalidContentException when the gzip data is truncated or corrupt, or the input is empty or in another
   *     compression
   */
  static ArchiveFormat spool(InputStream raw, Path tar, String shown) throws OciException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    ArchiveFormat format;
    try {
      in.mark(SNIFF);
      byte[] head = in.readNBytes(SNIFF);
      in.reset();
      format = sniff(head, shown);
    } catch (IOException e) {
      throw new OciException("cannot read oci-archive " + shown + ": " + e.getMessage(), e);
    }
    try (OutputStream out = Files.newOutputStream(tar)) {
      InputStream source = format == GZIP ? new GZIPInputStream(in, 64 * 1024) : in;
      source.transferTo(out);
    } catch (EOFException e) {
      throw new InvalidContentException("invalid oci-archive " + shown + ": the gzip data is truncated");
    } catch (ZipException e) {
      throw new InvalidContentException("invalid oci-archive " + shown + ": the gzip data is corrupt ("
          + e.getMessage() + ")");
    } catch (IOException e) {
      throw new OciException("cannot read oci-archive " + shown + ": " + e.getMessage(), e);
    }
    return format;
  }
}
