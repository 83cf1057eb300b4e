package dev.nota.oci.layout;

import dev.nota.oci.InvalidContentException;
import dev.nota.oci.OciException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A read-only index over a tar file: one scan of the headers records where each regular file's bytes start, and
 * {@link #open} then reads that region straight from the file. Nothing is extracted and no blob is loaded into
 * memory. The scan checks that every entry lies wholly inside the file and that the end-of-archive marker is
 * present, so a truncated archive is reported when it is opened.
 */
final class TarArchive implements LayoutFiles {

  /** Where one regular file's bytes lie in the tar file. */
  record Entry(long offset, long size) {}

  /** pax headers and GNU long names are small; anything larger is not a tar written for a layout. */
  private static final int MAX_EXTENSION_SIZE = 1 << 20;

  private final Path file;
  private final String shown;
  private final Map<String, Entry> entries;

  private TarArchive(Path file, String shown, Map<String, Entry> entries) {
    this.file = file;
    this.shown = shown;
    this.entries = entries;
  }

  /** Scans {@code file} and indexes its regular files by normalized name. */
  static TarArchive index(Path file) throws OciException {
    return index(file, file.toString());
  }

  /**
   * Scans {@code file}, naming it {@code shown} in errors (a decompressed copy is reported under the name the user
   * gave, not the temporary file's).
   */
  static TarArchive index(Path file, String shown) throws OciException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      long pos = 0;
      String pendingName = null;
      Long pendingSize = null;
      while (true) {
        byte[] block = readBlock(ch, pos, length, file);
        if (block == null) {
          throw new InvalidContentException(
              "invalid tar archive " + shown + ": truncated (no end-of-archive marker after " + pos + " bytes)");
        }
        if (TarHeader.isZero(block)) {
          break;
        }
        TarHeader header;
        try {
          header = TarHeader.decode(block);
        } catch (IllegalArgumentException e) {
          throw new InvalidContentException(
              "invalid tar archive " + shown + ": bad header at offset " + pos + ": " + e.getMessage());
        }
        long data = pos + TarHeader.BLOCK;
        long size = header.size();
        if (pendingSize != null && header.type() != TarHeader.PAX && header.type() != TarHeader.GNU_LONG_NAME) {
          size = pendingSize;
        }
        if (data + size > length) {
          throw new InvalidContentException("invalid tar archive " + shown + ": truncated inside \""
              + header.name() + "\" (needs " + size + " bytes at offset " + data + ", file has " + length + ")");
        }
        switch (header.type()) {
          case TarHeader.PAX -> {
            Map<String, String> pax = parsePax(readString(ch, data, size, shown), shown);
            if (pax.containsKey("path")) {
              pendingName = pax.get("path");
            }
            if (pax.containsKey("size")) {
              pendingSize = parseSize(pax.get("size"), shown);
            }
          }
          case TarHeader.GNU_LONG_NAME -> {
            String longName = readString(ch, data, size, shown);
            int nul = longName.indexOf('\0');
            pendingName = nul >= 0 ? longName.substring(0, nul) : longName;
          }
          case TarHeader.PAX_GLOBAL -> { }
          default -> {
            String name = normalize(pendingName != null ? pendingName : header.name());
            if (header.type() == TarHeader.FILE && !name.isEmpty()) {
              entries.put(name, new Entry(data, size));
            }
            pendingName = null;
            pendingSize = null;
          }
        }
        pos = data + roundUp(size);
      }
    } catch (NoSuchFileException e) {
      throw new OciException("cannot open oci-archive " + shown + ": no such file");
    } catch (IOException e) {
      throw new OciException("cannot read oci-archive " + shown + ": " + e.getMessage(), e);
    }
    return new TarArchive(file, shown, Collections.unmodifiableMap(entries));
  }

  /** The indexed regular files by normalized name, in archive order. */
  Map<String, Entry> entries() {
    return entries;
  }

  @Override
  public boolean isFile(String path) {
    return entries.containsKey(path);
  }

  @Override
  public long size(String path) throws IOException {
    return entry(path).size();
  }

  @Override
  public InputStream open(String path) throws IOException {
    Entry entry = entry(path);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    return new RegionInputStream(ch, entry.offset(), entry.size());
  }

  /** Copies every regular file into {@code dir}, creating parent directories; names must stay inside it. */
  void extractTo(Path dir) throws OciException {
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      String name = e.getKey();
      Path target = dir.resolve(name).normalize();
      if (!target.startsWith(dir) || java.util.Arrays.asList(name.split("/")).contains("..")) {
        throw new InvalidContentException("invalid tar archive " + shown + ": entry \"" + name
            + "\" points outside the archive root");
      }
      try {
        Files.createDirectories(target.getParent());
        try (InputStream in = open(name)) {
          Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException ex) {
        throw new OciException("cannot extract \"" + name + "\" from oci-archive " + shown + ": " + ex.getMessage(),
            ex);
      }
    }
  }

  private Entry entry(String path) throws IOException {
    Entry entry = entries.get(path);
    if (entry == null) {
      throw new NoSuchFileException(shown + "!" + path);
    }
    return entry;
  }

  /** Strips leading {@code ./} and {@code /} and a trailing {@code /}; {@code "."} becomes empty. */
  static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.substring(n.startsWith("./") ? 2 : 1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.equals(".") ? "" : n;
  }

  private static long roundUp(long size) {
    return (size + TarHeader.BLOCK - 1) / TarHeader.BLOCK * TarHeader.BLOCK;
  }

  private static byte[] readBlock(FileChannel ch, long pos, long length, Path file) throws IOException {
    if (pos + TarHeader.BLOCK > length) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(TarHeader.BLOCK);
    readFully(ch, buf, pos);
    return buf.array();
  }

  private static String readString(FileChannel ch, long pos, long size, String shown)
      throws IOException, InvalidContentException {
    if (size > MAX_EXTENSION_SIZE) {
      throw new InvalidContentException("invalid tar archive " + shown + ": extended header of " + size
          + " bytes at offset " + pos + " is too large");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    readFully(ch, buf, pos);
    return new String(buf.array(), StandardCharsets.UTF_8);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new EOFException("unexpected end of file");
      }
    }
  }

  /** Parses pax records {@code "<length> key=value\n"}. */
  static Map<String, String> parsePax(String text, Path file) throws InvalidContentException {
    return parsePax(text, file.toString());
  }

  static Map<String, String> parsePax(String text, String shown) throws InvalidContentException {
    Map<String, String> records = new LinkedHashMap<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int pos = 0;
    while (pos < bytes.length) {
      int space = pos;
      while (space < bytes.length && bytes[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(bytes, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new InvalidContentException("invalid tar archive " + shown + ": malformed pax header record");
      }
      if (length <= space - pos + 1 || pos + length > bytes.length || bytes[pos + length - 1] != '\n') {
        throw new InvalidContentException("invalid tar archive " + shown + ": malformed pax header record");
      }
      String record = new String(bytes, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq <= 0) {
        throw new InvalidContentException("invalid tar archive " + shown + ": malformed pax header record");
      }
      records.put(record.substring(0, eq), record.substring(eq + 1));
      pos += length;
    }
    return records;
  }

  private static long parseSize(String value, String shown) throws InvalidContentException {
    try {
      long size = Long.parseLong(value);
      if (size >= 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new InvalidContentException("invalid tar archive " + shown + ": bad pax size \"" + value + "\"");
  }

  /** Reads {@code size} bytes starting at {@code offset} of a channel it owns and closes. */
  private static final class RegionInputStream extends InputStream {
    private final FileChannel ch;
    private long pos;
    private final long end;

    RegionInputStream(FileChannel ch, long offset, long size) {
      this.ch = ch;
      this.pos = offset;
      this.end = offset + size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int want = (int) Math.min(len, end - pos);
      int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
      if (n < 0) {
        throw new EOFException("oci-archive ended inside an entry");
      }
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
