package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@code GET}, {@code HEAD} and {@code DELETE /v2/<name>/blobs/<digest>}: streams a blob linked in the
 * repository, whole or one byte range, applying the truncate and corrupt faults on the way out.
 */
final class BlobHandler {
  private static final int BUFFER = 64 * 1024;

  private final Services services;

  BlobHandler(Services services) {
    this.services = services;
  }

  void handle(Call call, String name, String reference) throws IOException, RegistryError {
    Digest digest = Names.digest(reference);
    switch (call.method()) {
      case "GET", "HEAD" -> get(call, name, digest);
      case "DELETE" -> delete(call, name, digest);
      default -> throw RegistryError.unsupported(call.method() + " on a blob");
    }
  }

  private void get(Call call, String name, Digest digest) throws IOException, RegistryError {
    long size = services.repos().hasBlob(name, digest) ? services.store().size(digest) : -1;
    if (size < 0) {
      throw RegistryError.blobUnknown(digest);
    }
    call.setHeader("Docker-Content-Digest", digest.toString());
    call.setHeader("Etag", "\"" + digest + "\"");
    call.setHeader("Accept-Ranges", "bytes");
    call.setHeader("Content-Type", "application/octet-stream");
    call.setHeader("Cache-Control", "max-age=31536000");
    long start = 0;
    long end = size - 1;
    int status = 200;
    String range = call.header("Range");
    if (range != null && !call.isHead()) {
      long[] r = parseRange(range, size);
      if (r == null) {
        call.setHeader("Content-Range", "bytes */" + size);
        throw new RegistryError(416, "RANGE_INVALID", "requested range not satisfiable", range);
      }
      start = r[0];
      end = r[1];
      status = 206;
      call.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    long length = Math.max(0, end - start + 1);
    OutputStream out = call.stream(status, length);
    if (out == null) {
      return;
    }
    boolean truncate = services.faults().truncates(digest);
    long toSend = truncate ? length / 2 : length;
    long flipAt = services.faults().corrupts(digest) ? size / 2 - start : -1;
    try (InputStream in = services.store().open(digest, start)) {
      copy(in, out, toSend, flipAt);
    }
    if (truncate) {
      // Left open and short: closing the exchange then finds the fixed-length body incomplete and drops the
      // connection, as a broken server or proxy would.
      out.flush();
      return;
    }
    out.close();
  }

  private static void copy(InputStream in, OutputStream out, long count, long flipAt) throws IOException {
    byte[] buf = new byte[BUFFER];
    long sent = 0;
    while (sent < count) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, count - sent));
      if (n < 0) {
        throw new IOException("blob ended early");
      }
      if (flipAt >= sent && flipAt < sent + n) {
        buf[(int) (flipAt - sent)] ^= (byte) 0xff;
      }
      out.write(buf, 0, n);
      sent += n;
    }
  }

  /** {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} within {@code size}; null when unsatisfiable. */
  static long[] parseRange(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      long start;
      long end;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return null;
        }
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(a);
        end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      }
      if (start < 0 || start >= size || end < start) {
        return null;
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void delete(Call call, String name, Digest digest) throws IOException, RegistryError {
    if (!services.deleteEnabled()) {
      throw RegistryError.unsupported("deletes are disabled");
    }
    if (!services.repos().unlinkBlob(name, digest)) {
      throw RegistryError.blobUnknown(digest);
    }
    call.empty(202);
  }
}
