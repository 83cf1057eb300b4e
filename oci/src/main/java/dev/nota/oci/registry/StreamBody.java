package dev.nota.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body of exactly {@code length} bytes taken from a stream, hashed on the way out (unless the digest is
 * null: the stream verifies itself). It fails (aborting the request, so that nothing is committed) when the stream
 * ends early or, for the last part of a blob, has more bytes or fails its own check at its end: the end is read
 * before the last bytes go out.
 */
final class StreamBody extends RequestBody {
  static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

  /** The source stream, not the network, failed or did not match the promised size. */
  static final class SourceException extends IOException {
    SourceException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final InputStream in;
  private final long length;
  private final MessageDigest digest;
  private final boolean last;
  private long written;

  StreamBody(InputStream in, long length, MessageDigest digest, boolean last) {
    this.in = in;
    this.length = length;
    this.digest = digest;
    this.last = last;
  }

  @Override
  public MediaType contentType() {
    return OCTET_STREAM;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  /** How many bytes were taken from the source. */
  long written() {
    return written;
  }

  private int readOne() throws SourceException {
    try {
      return in.read();
    } catch (IOException e) {
      throw new SourceException("reading the blob source failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long remaining = length;
    while (remaining > 0) {
      int n;
      try {
        n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      } catch (IOException e) {
        throw new SourceException("reading the blob source failed: " + e.getMessage(), e);
      }
      if (n < 0) {
        throw new SourceException("the blob source ended after " + written + " bytes, expected more", null);
      }
      remaining -= n;
      written += n;
      if (digest != null) {
        digest.update(buf, 0, n);
      }
      if (remaining == 0 && last && readOne() >= 0) {
        // checked before the final bytes go out, so the registry never sees a complete body
        throw new SourceException("the blob source has more bytes than the descriptor's size", null);
      }
      sink.write(buf, 0, n);
    }
  }
}
