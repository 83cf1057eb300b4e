package dev.nota.policy;

import java.util.ArrayList;
import java.util.List;

/** Just enough DER reading to walk names and certificate envelopes without trusting a lenient parser. */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;
  static final int OID = 0x06;

  /** One TLV element inside {@code buf}: header at {@code start}, content from {@code contentStart} to {@code end}. */
  record Element(int tag, byte[] buf, int start, int contentStart, int end) {
    int length() {
      return end - start;
    }

    byte[] content() {
      byte[] out = new byte[end - contentStart];
      System.arraycopy(buf, contentStart, out, 0, out.length);
      return out;
    }

    byte[] encoded() {
      byte[] out = new byte[end - start];
      System.arraycopy(buf, start, out, 0, out.length);
      return out;
    }

    /** The elements directly inside this constructed element. */
    List<Element> children() {
      List<Element> out = new ArrayList<>();
      int pos = contentStart;
      while (pos < end) {
        Element child = read(buf, pos, end);
        out.add(child);
        pos = child.end;
      }
      return out;
    }
  }

  private Der() {}

  /** Reads one element starting at {@code pos}, which must end by {@code limit}. Only definite, short tags. */
  static Element read(byte[] buf, int pos, int limit) {
    if (limit - pos < 2) {
      throw new IllegalArgumentException("truncated DER element");
    }
    int tag = buf[pos] & 0xff;
    if ((tag & 0x1f) == 0x1f) {
      throw new IllegalArgumentException("high-tag-number DER form is not supported");
    }
    int first = buf[pos + 1] & 0xff;
    int header = 2;
    long length;
    if (first < 0x80) {
      length = first;
    } else {
      int count = first & 0x7f;
      if (count == 0 || count > 4) {
        throw new IllegalArgumentException("unsupported DER length");
      }
      if (limit - pos < 2 + count) {
        throw new IllegalArgumentException("truncated DER length");
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (buf[pos + 2 + i] & 0xff);
      }
      if (length < 0x80 || (count > 1 && (buf[pos + 2] & 0xff) == 0)) {
        throw new IllegalArgumentException("non-minimal DER length");
      }
      header += count;
    }
    long end = (long) pos + header + length;
    if (end > limit) {
      throw new IllegalArgumentException("DER element longer than its container");
    }
    return new Element(tag, buf, pos, pos + header, (int) end);
  }

  /** Dotted-decimal text of an OBJECT IDENTIFIER's content. */
  static String oid(byte[] content) {
    StringBuilder b = new StringBuilder();
    long value = 0;
    boolean first = true;
    for (byte octet : content) {
      value = (value << 7) | (octet & 0x7f);
      if ((octet & 0x80) == 0) {
        if (first) {
          long arc1 = Math.min(value / 40, 2);
          b.append(arc1).append('.').append(value - arc1 * 40);
          first = false;
        } else {
          b.append('.').append(value);
        }
        value = 0;
      }
    }
    return b.toString();
  }

  /** The DER header (tag and definite length) for content of {@code length} bytes. */
  static byte[] header(int tag, int length) {
    if (length < 0x80) {
      return new byte[] {(byte) tag, (byte) length};
    }
    int count = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
    byte[] out = new byte[2 + count];
    out[0] = (byte) tag;
    out[1] = (byte) (0x80 | count);
    for (int i = 0; i < count; i++) {
      out[2 + i] = (byte) (length >>> (8 * (count - 1 - i)));
    }
    return out;
  }
}
