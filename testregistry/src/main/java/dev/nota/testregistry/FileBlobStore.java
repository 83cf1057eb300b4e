package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Blobs as files {@code <root>/blobs/<alg>/<hex>}; uploads stream into {@code <root>/uploads/<id>} and are
 * moved into place on commit, so a blob file is always complete.
 */
final class FileBlobStore implements BlobStore {
  private final Path blobs;
  private final Path uploads;

  FileBlobStore(Path root) throws IOException {
    this.blobs = root.resolve("blobs");
    this.uploads = root.resolve("uploads");
    Files.createDirectories(blobs);
    Files.createDirectories(uploads);
    try (var stale = Files.list(uploads)) {
      for (Path p : (Iterable<Path>) stale::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Path file(Digest digest) {
    return blobs.resolve(digest.algorithm().label()).resolve(digest.hex());
  }

  @Override
  public long size(Digest digest) throws IOException {
    try {
      return Files.size(file(digest));
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  @Override
  public InputStream open(Digest digest, long offset) throws IOException {
    FileChannel ch = FileChannel.open(file(digest), StandardOpenOption.READ);
    ch.position(offset);
    return Channels.newInputStream(ch);
  }

  @Override
  public void put(Digest digest, byte[] bytes) throws IOException {
    Path target = file(digest);
    if (Files.exists(target)) {
      return;
    }
    Path tmp = Files.createTempFile(uploads, "put-", ".tmp");
    Files.write(tmp, bytes);
    moveInto(tmp, target);
  }

  @Override
  public byte[] read(Digest digest) throws IOException {
    return Files.readAllBytes(file(digest));
  }

  private static void moveInto(Path tmp, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
    }
    if (Files.exists(tmp)) {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public Upload newUpload(String id) throws IOException {
    Path tmp = uploads.resolve(id);
    Files.createFile(tmp);
    return new Upload() {
      private long size;

      @Override
      public long append(InputStream in, MessageDigest running) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.APPEND)) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            if (n > 0) {
              out.write(buf, 0, n);
              running.update(buf, 0, n);
              total += n;
              size += n;
            }
          }
        }
        return total;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream read() throws IOException {
        return Files.newInputStream(tmp);
      }

      @Override
      public void commit(Digest digest) throws IOException {
        moveInto(tmp, file(digest));
      }

      @Override
      public void discard() throws IOException {
        Files.deleteIfExists(tmp);
      }
    };
  }
}
