package dev.nota.oci.layout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One 512-byte POSIX ustar header block, encoded and decoded. Only what an OCI archive needs: regular files,
 * directories, pax extended headers (for names over the ustar limits and sizes of 8 GiB or more) and, when reading,
 * GNU long names.
 */
record TarHeader(String name, long size, char type) {

  static final int BLOCK = 512;
  static final char FILE = '0';
  static final char DIRECTORY = '5';
  static final char PAX = 'x';
  static final char PAX_GLOBAL = 'g';
  static final char GNU_LONG_NAME = 'L';

  /** The largest size the 11 octal digits of the size field hold. */
  static final long MAX_OCTAL_SIZE = 077777777777L;

  private static final byte[] USTAR_MAGIC = {'u', 's', 't', 'a', 'r', 0};

  /** Whether a block is all zero bytes: the end-of-archive marker. */
  static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes a header block.
   *
   * @throws IllegalArgumentException with a short reason when the block is not a valid header
   */
  static TarHeader decode(byte[] block) {
    long stored = parseNumber(block, 148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : block[i];
      unsigned += b & 0xff;
      signed += (byte) b;
    }
    if (stored != unsigned && stored != signed) {
      throw new IllegalArgumentException("header checksum mismatch");
    }
    String name = text(block, 0, 100);
    if (Arrays.equals(Arrays.copyOfRange(block, 257, 263), USTAR_MAGIC)) {
      String prefix = text(block, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    long size = parseNumber(block, 124, 12, "size");
    char type = (char) (block[156] & 0xff);
    if (type == 0) {
      type = FILE;
    }
    return new TarHeader(name, size, type);
  }

  /** Encodes a ustar header; the caller has checked that {@link #fitsUstar} holds for the name and size. */
  byte[] encode() {
    byte[] block = new byte[BLOCK];
    String[] split = splitName(name);
    if (split == null || size > MAX_OCTAL_SIZE || size < 0) {
      throw new IllegalStateException("name or size does not fit a ustar header: " + name);
    }
    put(block, 0, 100, split[1].getBytes(StandardCharsets.UTF_8));
    putOctal(block, 100, 8, type == DIRECTORY ? 0755 : 0644);
    putOctal(block, 108, 8, 0);
    putOctal(block, 116, 8, 0);
    putOctal(block, 124, 12, size);
    putOctal(block, 136, 12, 0);
    block[156] = (byte) type;
    put(block, 257, 6, USTAR_MAGIC);
    block[263] = '0';
    block[264] = '0';
    put(block, 345, 155, split[0].getBytes(StandardCharsets.UTF_8));
    Arrays.fill(block, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xff;
    }
    byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, block, 148, 6);
    block[154] = 0;
    block[155] = ' ';
    return block;
  }

  /** Whether {@code name} and {@code size} fit a plain ustar header (no pax header needed). */
  static boolean fitsUstar(String name, long size) {
    return size >= 0 && size <= MAX_OCTAL_SIZE && splitName(name) != null;
  }

  /** Splits a name into ustar {prefix, name}, or returns null when it does not fit (or is not ASCII). */
  static String[] splitName(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length != name.length()) {
      return null;
    }
    if (bytes.length <= 100) {
      return new String[] {"", name};
    }
    for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
      if (slash <= 155 && name.length() - slash - 1 <= 100 && slash < name.length() - 1) {
        return new String[] {name.substring(0, slash), name.substring(slash + 1)};
      }
    }
    return null;
  }

  private static String text(byte[] block, int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return new String(block, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long parseNumber(byte[] block, int offset, int length, String field) {
    if ((block[offset] & 0x80) != 0) {
      long value = block[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        if ((value >>> 55) != 0) {
          throw new IllegalArgumentException(field + " field is too large");
        }
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    long value = 0;
    boolean digits = false;
    for (int i = offset; i < offset + length; i++) {
      int c = block[i];
      if (c == 0 || (c == ' ' && digits)) {
        break;
      }
      if (c == ' ') {
        continue;
      }
      if (c < '0' || c > '7') {
        throw new IllegalArgumentException(field + " field is not an octal number");
      }
      value = value * 8 + (c - '0');
      digits = true;
    }
    return value;
  }

  private static void put(byte[] block, int offset, int length, byte[] value) {
    System.arraycopy(value, 0, block, offset, Math.min(length, value.length));
  }

  private static void putOctal(byte[] block, int offset, int length, long value) {
    String digits = String.format("%0" + (length - 1) + "o", value);
    put(block, offset, length - 1, digits.getBytes(StandardCharsets.US_ASCII));
    block[offset + length - 1] = 0;
  }
}
