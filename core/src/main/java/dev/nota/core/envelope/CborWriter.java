package dev.nota.core.envelope;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes CBOR in the core deterministic encoding (RFC 8949 section 4.2.1) that go-cose uses for COSE headers:
 * shortest-form heads, definite lengths only, map entries sorted by the bytes of their encoded keys (so integer
 * labels come first, then text keys shorter first).
 *
 * <p>Jackson's {@code CBORGenerator} is not used because it writes text longer than 3996 characters as an
 * indefinite-length chunked string, which deterministic encoding and go-cose forbid, and it leaves map order to the
 * caller anyway.
 */
final class CborWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  byte[] toByteArray() {
    return out.toByteArray();
  }

  /** Encodes one value (see {@link #value}) to bytes. */
  static byte[] encode(Object value) throws EnvelopeException {
    CborWriter w = new CborWriter();
    w.value(value);
    return w.toByteArray();
  }

  CborWriter head(int major, long argument) {
    int m = major << 5;
    if (argument >= 0 && argument < 24) {
      out.write(m | (int) argument);
    } else if (argument >= 0 && argument <= 0xff) {
      out.write(m | 24);
      out.write((int) argument);
    } else if (argument >= 0 && argument <= 0xffff) {
      out.write(m | 25);
      writeBig(argument, 2);
    } else if (argument >= 0 && argument <= 0xffffffffL) {
      out.write(m | 26);
      writeBig(argument, 4);
    } else {
      out.write(m | 27);
      writeBig(argument, 8);
    }
    return this;
  }

  private void writeBig(long v, int n) {
    for (int i = n - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
  }

  CborWriter integer(long v) {
    return v >= 0 ? head(0, v) : head(1, -1 - v);
  }

  CborWriter bytes(byte[] b) {
    head(2, b.length);
    out.writeBytes(b);
    return this;
  }

  CborWriter text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    head(3, b.length);
    out.writeBytes(b);
    return this;
  }

  CborWriter array(int size) {
    return head(4, size);
  }

  CborWriter tag(long tag) {
    return head(6, tag);
  }

  /**
   * Encodes a value: Integer/Long/Short/Byte, BigInteger within 64 bits, String, byte[], Boolean, null, Double/Float,
   * Instant (tag 1 with integer seconds), {@link CborReader.Tagged}, List, and Map with Integer/Long/String keys
   * (sorted deterministically).
   */
  CborWriter value(Object v) throws EnvelopeException {
    if (v == null || v == CborReader.NULL) {
      out.write(0xf6);
    } else if (v instanceof Boolean b) {
      out.write(b ? 0xf5 : 0xf4);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      integer(((Number) v).longValue());
    } else if (v instanceof BigInteger big) {
      if (big.bitLength() > 64) {
        throw new EnvelopeException("integer " + big + " does not fit in CBOR");
      }
      head(big.signum() < 0 ? 1 : 0, (big.signum() < 0 ? big.negate().subtract(BigInteger.ONE) : big).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if ((double) (float) d == d || Double.isNaN(d)) {
        out.write(0xfa);
        writeBig(Float.floatToIntBits((float) d) & 0xffffffffL, 4);
      } else {
        out.write(0xfb);
        writeBig(Double.doubleToLongBits(d), 8);
      }
    } else if (v instanceof java.math.BigDecimal d) {
      value(d.doubleValue());
    } else if (v instanceof String s) {
      text(s);
    } else if (v instanceof byte[] b) {
      bytes(b);
    } else if (v instanceof Instant t) {
      tag(1).integer(HeaderRules.seconds(t).getEpochSecond());
    } else if (v instanceof CborReader.Tagged t) {
      tag(t.tag()).value(t.content());
    } else if (v instanceof Collection<?> list) {
      array(list.size());
      for (Object item : list) {
        value(item);
      }
    } else if (v instanceof Map<?, ?> map) {
      map(map);
    } else {
      throw new EnvelopeException("cannot write a " + v.getClass().getSimpleName() + " as a CBOR header value");
    }
    return this;
  }

  private void map(Map<?, ?> map) throws EnvelopeException {
    List<byte[][]> entries = new ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      if (!(key instanceof Integer || key instanceof Long || key instanceof String)) {
        throw new EnvelopeException("CBOR map keys must be integers or strings, got " + key);
      }
      entries.add(new byte[][] {encode(key), encode(e.getValue())});
    }
    entries.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    for (int i = 1; i < entries.size(); i++) {
      if (Arrays.equals(entries.get(i - 1)[0], entries.get(i)[0])) {
        throw new EnvelopeException("duplicate CBOR map key");
      }
    }
    head(5, entries.size());
    for (byte[][] e : entries) {
      out.writeBytes(e[0]);
      out.writeBytes(e[1]);
    }
  }
}
