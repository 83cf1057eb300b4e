package dev.nota.core.envelope;

import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict CBOR (RFC 8949) decoder for untrusted envelopes. It keeps integer and text map keys apart (key
 * {@code 1} is a {@code Long}, key {@code "1"} a {@code String}), rejects indefinite lengths, duplicate map keys,
 * invalid UTF-8 and trailing bytes, and bounds nesting and lengths by the input size.
 *
 * <p>Items decode to: {@code Long} or {@code BigInteger} (major types 0 and 1), {@code byte[]}, {@code String},
 * {@code List<Object>}, {@code Map<Object, Object>} (keys {@code Long}/{@code BigInteger}/{@code String}, document
 * order), {@link Tagged}, {@code Boolean}, {@link #NULL}, {@link #UNDEFINED} and {@code Double}.
 */
final class CborReader {
  /** A tagged item (major type 6). */
  record Tagged(long tag, Object content) {}

  /** The CBOR {@code null} simple value (so that maps and lists never hold Java nulls). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** The CBOR {@code undefined} simple value. */
  static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "undefined";
    }
  };

  private static final int MAX_DEPTH = 32;
  private final byte[] in;
  private int pos;

  private CborReader(byte[] in) {
    this.in = in;
  }

  /** Decodes exactly one item spanning all of {@code bytes}; {@code what} names the input in errors. */
  static Object decode(byte[] bytes, String what) throws EnvelopeException {
    CborReader r = new CborReader(bytes);
    try {
      Object item = r.item(0);
      if (r.pos != bytes.length) {
        throw r.error("trailing bytes after the first item");
      }
      return item;
    } catch (EnvelopeException e) {
      throw new EnvelopeException("malformed " + what + ": " + e.getMessage());
    }
  }

  private Object item(int depth) throws EnvelopeException {
    if (depth > MAX_DEPTH) {
      throw error("nested more than " + MAX_DEPTH + " levels");
    }
    int start = pos;
    int initial = next();
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (info == 31) {
      throw errorAt(start, major == 7 ? "unexpected break" : "indefinite-length items are not allowed");
    }
    if (major == 7) {
      return simple(info, start);
    }
    long arg = argument(info, start);
    switch (major) {
      case 0:
        return arg >= 0 ? (Object) arg : unsigned(arg);
      case 1:
        return arg >= 0 ? (Object) (-1 - arg) : unsigned(arg).negate().subtract(BigInteger.ONE);
      case 2:
        return bytes(length(arg, 1, start));
      case 3:
        return text(length(arg, 1, start), start);
      case 4: {
        int n = length(arg, 1, start);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(item(depth + 1));
        }
        return Collections.unmodifiableList(list);
      }
      case 5: {
        int n = length(arg, 2, start);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          int keyStart = pos;
          Object key = item(depth + 1);
          if (!(key instanceof Long || key instanceof BigInteger || key instanceof String)) {
            throw errorAt(keyStart, "map keys must be integers or text strings");
          }
          if (map.containsKey(key)) {
            throw errorAt(keyStart, "duplicate map key " + describe(key));
          }
          map.put(key, item(depth + 1));
        }
        return Collections.unmodifiableMap(map);
      }
      default: // 6
        if (arg < 0) {
          throw errorAt(start, "tag number too large");
        }
        return new Tagged(arg, item(depth + 1));
    }
  }

  private Object simple(int info, int start) throws EnvelopeException {
    switch (info) {
      case 20:
        return Boolean.FALSE;
      case 21:
        return Boolean.TRUE;
      case 22:
        return NULL;
      case 23:
        return UNDEFINED;
      case 25: {
        int h = (int) read(2);
        return halfToDouble(h);
      }
      case 26:
        return (double) Float.intBitsToFloat((int) read(4));
      case 27:
        return Double.longBitsToDouble(read(8));
      default:
        throw errorAt(start, "unsupported simple value " + (info == 24 ? "(one-byte)" : String.valueOf(info)));
    }
  }

  private static double halfToDouble(int h) {
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    double value;
    if (exp == 0) {
      value = Math.scalb((double) mant, -24);
    } else if (exp == 31) {
      value = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      value = Math.scalb((double) (mant + 1024), exp - 25);
    }
    return (h & 0x8000) != 0 ? -value : value;
  }

  /** The argument of the head; values above Long.MAX_VALUE come back negative (see {@link #unsigned}). */
  private long argument(int info, int start) throws EnvelopeException {
    if (info < 24) {
      return info;
    }
    switch (info) {
      case 24:
        return read(1);
      case 25:
        return read(2);
      case 26:
        return read(4);
      case 27:
        return read(8);
      default:
        throw errorAt(start, "reserved additional information " + info);
    }
  }

  private static BigInteger unsigned(long value) {
    return new BigInteger(Long.toUnsignedString(value));
  }

  /** A length that must fit in the rest of the input (each element taking at least {@code minBytes}). */
  private int length(long arg, int minBytes, int start) throws EnvelopeException {
    if (arg < 0 || arg > (long) (in.length - pos) / minBytes) {
      throw errorAt(start, "length " + Long.toUnsignedString(arg) + " exceeds the remaining input");
    }
    return (int) arg;
  }

  private byte[] bytes(int n) {
    byte[] out = new byte[n];
    System.arraycopy(in, pos, out, 0, n);
    pos += n;
    return out;
  }

  private String text(int n, int start) throws EnvelopeException {
    byte[] raw = bytes(n);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw errorAt(start, "text string is not valid UTF-8");
    }
  }

  private int next() throws EnvelopeException {
    if (pos >= in.length) {
      throw error("unexpected end of input");
    }
    return in[pos++] & 0xff;
  }

  private long read(int n) throws EnvelopeException {
    if (in.length - pos < n) {
      throw error("unexpected end of input");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (in[pos++] & 0xff);
    }
    return v;
  }

  private EnvelopeException error(String message) {
    return errorAt(pos, message);
  }

  private static EnvelopeException errorAt(int offset, String message) {
    return new EnvelopeException("invalid CBOR at byte " + offset + ": " + message);
  }

  static String describe(Object key) {
    return key instanceof String s ? "\"" + HeaderRules.abbreviate(s) + "\"" : String.valueOf(key);
  }
}
