package dev.nota.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
  private static final byte[] CONTENT = "awesome notation\n".getBytes(UTF_8);
  private static final Digest DIGEST = Digest.sha256(CONTENT);

  private static VerifyingInputStream over(byte[] bytes, Digest expected, long size) {
    return new VerifyingInputStream(new ByteArrayInputStream(bytes), expected, size);
  }

  @Test
  void passesMatchingContentThroughUnchanged() throws IOException {
    try (VerifyingInputStream in = over(CONTENT, DIGEST, CONTENT.length)) {
      assertArrayEquals(CONTENT, in.readAllBytes());
      assertTrue(in.verified());
      assertEquals(CONTENT.length, in.bytesRead());
      assertEquals(-1, in.read(), "reading again after the end stays at the end");
    }
    assertEquals("sha256:6de5fe1f75e4b1094c98086f403d5fd8117776ebe5aad1609281403d13dea070", DIGEST.toString());
  }

  /** A pass-through filter, as a progress counter is. */
  private static final class Passing extends java.io.FilterInputStream implements VerifyingInputStream.Transparent {
    Passing(InputStream in) {
      super(in);
    }

    @Override
    public InputStream inner() {
      return in;
    }
  }

  @Test
  void aFreshStreamForTheSameBlobVerifiesItSoAConsumerNeedNotHashAgain() throws IOException {
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, CONTENT);
    VerifyingInputStream fresh = over(CONTENT, DIGEST, CONTENT.length);
    assertTrue(VerifyingInputStream.verifies(fresh, blob));
    assertTrue(VerifyingInputStream.verifies(new Passing(new Passing(fresh)), blob), "seen through filters");
    assertSame(fresh, VerifyingInputStream.verifying(fresh, blob));

    assertFalse(VerifyingInputStream.verifies(new ByteArrayInputStream(CONTENT), blob), "a plain stream");
    assertFalse(VerifyingInputStream.verifies(new java.io.BufferedInputStream(fresh), blob),
        "a filter that is not known to pass bytes through unchanged");
    assertFalse(VerifyingInputStream.verifies(over(CONTENT, DIGEST, CONTENT.length + 1), blob), "another size");
    assertFalse(VerifyingInputStream.verifies(over(CONTENT, Digest.sha256(new byte[1]), CONTENT.length), blob),
        "another digest");
    VerifyingInputStream started = over(CONTENT, DIGEST, CONTENT.length);
    started.read();
    assertFalse(VerifyingInputStream.verifies(started, blob), "bytes already taken are not the consumer's");

    InputStream wrapped = VerifyingInputStream.verifying(new ByteArrayInputStream("other".getBytes(UTF_8)), blob);
    assertThrows(ContentMismatchException.class, wrapped::readAllBytes, "anything else is wrapped and checked");
  }

  @Test
  void verifiesWhenReadOneByteAtATime() throws IOException {
    try (VerifyingInputStream in = over(CONTENT, DIGEST, CONTENT.length)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int b = in.read(); b >= 0; b = in.read()) {
        out.write(b);
      }
      assertArrayEquals(CONTENT, out.toByteArray());
      assertTrue(in.verified());
    }
  }

  @Test
  void failsAsSoonAsMoreBytesThanExpectedArrive() throws IOException {
    byte[] big = new byte[120];
    try (VerifyingInputStream in = over(big, Digest.sha256(new byte[100]), 100)) {
      byte[] buf = new byte[60];
      assertEquals(60, in.read(buf));
      ContentMismatchException e = assertThrows(ContentMismatchException.class, () -> in.read(buf));
      assertEquals("content " + Digest.sha256(new byte[100]) + " is corrupt: expected 100 bytes, got at least 120",
          e.getMessage());
      assertSame(e, assertThrows(ContentMismatchException.class, in::read), "every later read fails the same way");
    }
  }

  @Test
  void failsOnTheFirstExtraByteWhenReadSingly() throws IOException {
    try (VerifyingInputStream in = over(new byte[3], Digest.sha256(new byte[2]), 2)) {
      in.read();
      in.read();
      ContentMismatchException e = assertThrows(ContentMismatchException.class, in::read);
      assertTrue(e.getMessage().endsWith("expected 2 bytes, got at least 3"), e.getMessage());
    }
  }

  @Test
  void failsAtTheEndWhenContentIsShort() throws IOException {
    byte[] expected = new byte[100];
    try (VerifyingInputStream in = over(new byte[99], Digest.sha256(expected), 100)) {
      ContentMismatchException e = assertThrows(ContentMismatchException.class, in::readAllBytes);
      assertEquals("content " + Digest.sha256(expected) + " is corrupt: expected 100 bytes, got 99", e.getMessage());
      assertEquals(Digest.sha256(expected), e.expected());
      assertFalse(in.verified());
    }
  }

  @Test
  void failsAtTheEndWhenTheDigestDiffers() throws IOException {
    byte[] tampered = CONTENT.clone();
    tampered[0] = 'A';
    try (VerifyingInputStream in = over(tampered, DIGEST, CONTENT.length)) {
      byte[] buf = new byte[CONTENT.length];
      assertEquals(CONTENT.length, in.readNBytes(buf, 0, buf.length), "all bytes arrive before the end is seen");
      ContentMismatchException e = assertThrows(ContentMismatchException.class, in::read);
      assertEquals("content " + DIGEST + " is corrupt: digest is " + Digest.sha256(tampered), e.getMessage());
    }
  }

  @Test
  void checksSha512Digests() throws IOException {
    Digest sha512 = Digest.of(Digest.Algorithm.SHA512, CONTENT);
    try (VerifyingInputStream in = over(CONTENT, sha512, CONTENT.length)) {
      in.transferTo(new ByteArrayOutputStream());
      assertTrue(in.verified());
    }
    try (VerifyingInputStream in = over("x".getBytes(UTF_8), sha512, 1)) {
      assertThrows(ContentMismatchException.class, in::readAllBytes);
    }
  }

  @Test
  void hashesTheBytesItSkips() throws IOException {
    try (VerifyingInputStream in = over(CONTENT, DIGEST, CONTENT.length)) {
      assertEquals(8, in.skip(8));
      assertEquals(CONTENT.length - 8, in.skip(1000));
      assertEquals(0, in.skip(10));
      assertEquals(-1, in.read());
      assertTrue(in.verified());
    }
    byte[] tampered = CONTENT.clone();
    tampered[2] = '!';
    try (VerifyingInputStream in = over(tampered, DIGEST, CONTENT.length)) {
      in.skip(5);
      assertThrows(ContentMismatchException.class, in::readAllBytes, "a change inside skipped bytes is caught");
    }
  }

  @Test
  void verifiesEmptyContent() throws IOException {
    try (VerifyingInputStream in = over(new byte[0], Digest.sha256(new byte[0]), 0)) {
      assertEquals(-1, in.read(new byte[4]));
      assertTrue(in.verified());
    }
    try (VerifyingInputStream in = over(new byte[1], Digest.sha256(new byte[0]), 0)) {
      assertThrows(ContentMismatchException.class, in::read);
    }
  }

  @Test
  void verifiesThreeMebibytesReadInOddSizedChunks() throws IOException {
    byte[] blob = new byte[3 * 1024 * 1024];
    new Random(42).nextBytes(blob);
    Digest digest = Digest.sha256(blob);
    int[] chunks = {1, 7, 4093, 65537, 13, 100003, 3};
    try (VerifyingInputStream in = new VerifyingInputStream(new TrickleStream(blob, 5003), digest, blob.length)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(blob.length);
      byte[] buf = new byte[100003];
      int i = 0;
      for (int n = in.read(buf, 0, chunks[0]); n >= 0; n = in.read(buf, 0, chunks[++i % chunks.length])) {
        out.write(buf, 0, n);
      }
      assertArrayEquals(blob, out.toByteArray());
      assertTrue(in.verified());
    }
    blob[blob.length / 2] ^= 1;
    try (VerifyingInputStream in = new VerifyingInputStream(new TrickleStream(blob, 5003), digest, blob.length)) {
      byte[] buf = new byte[65537];
      ContentMismatchException e = assertThrows(ContentMismatchException.class, () -> {
        while (in.read(buf, 0, 4093) >= 0) {
          // drain
        }
      });
      assertTrue(e.getMessage().contains("is corrupt: digest is sha256:"), e.getMessage());
      assertEquals(blob.length, in.bytesRead());
    }
  }

  @Test
  void refusesMarkAndReset() throws IOException {
    try (VerifyingInputStream in = over(CONTENT, DIGEST, CONTENT.length)) {
      assertFalse(in.markSupported());
      in.mark(10);
      assertThrows(IOException.class, in::reset);
    }
  }

  @Test
  void refusesNegativeSizes() {
    assertThrows(IllegalArgumentException.class, () -> over(CONTENT, DIGEST, -1));
  }

  /** A stream that returns at most {@code max} bytes per read, like a network socket. */
  private static final class TrickleStream extends InputStream {
    private final ByteArrayInputStream in;
    private final int max;

    TrickleStream(byte[] bytes, int max) {
      this.in = new ByteArrayInputStream(bytes);
      this.max = max;
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, Math.min(len, max));
    }
  }
}
