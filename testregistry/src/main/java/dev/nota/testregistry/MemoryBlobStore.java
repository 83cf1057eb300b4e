package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Blobs held in memory as lists of 1 MiB chunks, so that committing an upload copies nothing. */
final class MemoryBlobStore implements BlobStore {
  private static final int CHUNK = 1 << 20;

  private final Map<Digest, Chunks> blobs = new ConcurrentHashMap<>();

  @Override
  public long size(Digest digest) {
    Chunks c = blobs.get(digest);
    return c == null ? -1 : c.size;
  }

  @Override
  public InputStream open(Digest digest, long offset) throws IOException {
    Chunks c = blobs.get(digest);
    if (c == null) {
      throw new java.nio.file.NoSuchFileException(digest.toString());
    }
    return c.open(offset);
  }

  @Override
  public void put(Digest digest, byte[] bytes) {
    Chunks c = new Chunks();
    c.add(bytes, bytes.length);
    blobs.putIfAbsent(digest, c);
  }

  @Override
  public byte[] read(Digest digest) throws IOException {
    try (InputStream in = open(digest, 0)) {
      return in.readAllBytes();
    }
  }

  @Override
  public Upload newUpload(String id) {
    return new Upload() {
      private Chunks chunks = new Chunks();

      @Override
      public long append(InputStream in, MessageDigest running) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (n > 0) {
            running.update(buf, 0, n);
            chunks.add(buf, n);
            total += n;
          }
        }
        return total;
      }

      @Override
      public long size() {
        return chunks.size;
      }

      @Override
      public InputStream read() {
        return chunks.open(0);
      }

      @Override
      public void commit(Digest digest) {
        blobs.putIfAbsent(digest, chunks);
        chunks = new Chunks();
      }

      @Override
      public void discard() {
        chunks = new Chunks();
      }
    };
  }

  /** Bytes in fixed-size chunks; only ever appended to, so readers of a committed blob need no lock. */
  private static final class Chunks {
    private final List<byte[]> list = new ArrayList<>();
    private volatile long size;

    synchronized void add(byte[] src, int len) {
      int off = 0;
      while (off < len) {
        int used = (int) (size % CHUNK);
        byte[] last;
        if (used == 0) {
          last = new byte[CHUNK];
          list.add(last);
        } else {
          last = list.get(list.size() - 1);
        }
        int n = Math.min(len - off, CHUNK - used);
        System.arraycopy(src, off, last, used, n);
        off += n;
        size += n;
      }
    }

    synchronized InputStream open(long offset) {
      List<InputStream> parts = new ArrayList<>();
      long end = size;
      for (int i = 0; i < list.size(); i++) {
        long start = (long) i * CHUNK;
        long stop = Math.min(start + CHUNK, end);
        if (stop <= offset) {
          continue;
        }
        int from = (int) Math.max(0, offset - start);
        parts.add(new java.io.ByteArrayInputStream(list.get(i), from, (int) (stop - start) - from));
      }
      return new SequenceInputStream(Collections.enumeration(parts));
    }
  }
}
