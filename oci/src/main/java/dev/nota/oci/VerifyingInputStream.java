package dev.nota.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Passes bytes through while counting and hashing them, so that content is checked against its descriptor as it
 * streams instead of after it has been stored or used. It throws {@link ContentMismatchException} as soon as more
 * bytes than expected arrive, and at end of stream when there were too few or the digest differs. Once it has thrown,
 * every further read throws the same exception.
 *
 * <p>Only a stream read to its end has been verified: a caller that stops early must not trust what it read.
 * {@link #skip} reads and hashes what it skips; mark and reset are not supported.
 *
 * <p>A consumer that would hash the bytes only to compare them with the same descriptor (an upload, a layout write)
 * asks {@link #verifies} first and, when it answers true, relies on this stream instead: each byte is hashed once on
 * its way from source to destination, provided the consumer reads to the end before it commits anything.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private static final int SKIP_BUFFER = 8192;

  private final Digest expected;
  private final long expectedSize;
  private final MessageDigest digester;
  private long count;
  private boolean verified;
  private ContentMismatchException failure;

  /**
   * @param in the stream to read; closed by {@link #close}
   * @param expected the digest the bytes must have
   * @param expectedSize the exact number of bytes, not negative
   */
  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
    super(Objects.requireNonNull(in, "in"));
    this.expected = Objects.requireNonNull(expected, "expected");
    if (expectedSize < 0) {
      throw new IllegalArgumentException("expected size must not be negative: " + expectedSize);
    }
    this.expectedSize = expectedSize;
    this.digester = expected.algorithm().newMessageDigest();
  }

  /**
   * A filter stream that passes every byte and every exception of {@link #inner()} through unchanged (a progress
   * counter, say), so that {@link #verifies} may look through it.
   */
  public interface Transparent {
    InputStream inner();
  }

  /**
   * Whether {@code in}, read from here to its end, fails unless its bytes have exactly {@code blob}'s digest and
   * size: it is (through {@link Transparent} filters) a verifying stream for that blob of which nothing was read yet.
   */
  public static boolean verifies(InputStream in, Descriptor blob) {
    InputStream s = in;
    for (int depth = 0; s instanceof Transparent t && depth < 8; depth++) {
      s = t.inner();
    }
    return s instanceof VerifyingInputStream v && v.count == 0 && v.failure == null
        && v.expected.equals(blob.digest()) && v.expectedSize == blob.size();
  }

  /** {@code in} itself when it {@link #verifies} {@code blob}, else {@code in} wrapped to verify it. */
  public static InputStream verifying(InputStream in, Descriptor blob) {
    return verifies(in, blob) ? in : new VerifyingInputStream(in, blob.digest(), blob.size());
  }

  /** How many bytes have passed through so far. */
  public long bytesRead() {
    return count;
  }

  /** Whether the end of the stream was reached and the size and digest matched. */
  public boolean verified() {
    return verified;
  }

  @Override
  public int read() throws IOException {
    checkFailed();
    int b = in.read();
    if (b < 0) {
      atEnd();
      return -1;
    }
    counted(1);
    digester.update((byte) b);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkFailed();
    int n = in.read(b, off, len);
    if (n < 0) {
      atEnd();
      return -1;
    }
    counted(n);
    digester.update(b, off, n);
    return n;
  }

  /** Reads and hashes up to {@code n} bytes rather than skipping them unseen. */
  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    byte[] buffer = new byte[(int) Math.min(SKIP_BUFFER, n)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // not supported: a reset would hash bytes twice
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset is not supported while verifying " + expected);
  }

  private void counted(int n) throws ContentMismatchException {
    count += n;
    if (count > expectedSize) {
      fail("expected " + expectedSize + " bytes, got at least " + count);
    }
  }

  private void atEnd() throws ContentMismatchException {
    if (verified) {
      return;
    }
    if (count != expectedSize) {
      fail("expected " + expectedSize + " bytes, got " + count);
    }
    Digest actual = Digest.of(expected.algorithm(), digester);
    if (!actual.equals(expected)) {
      fail("digest is " + actual);
    }
    verified = true;
  }

  private void checkFailed() throws ContentMismatchException {
    if (failure != null) {
      throw failure;
    }
  }

  private void fail(String problem) throws ContentMismatchException {
    failure = new ContentMismatchException(expected, problem);
    throw failure;
  }
}
