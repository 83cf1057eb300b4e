package dev.nota.oci.layout;

import dev.nota.oci.ContentMismatchException;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.OciException;
import dev.nota.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every write to a layout directory, each crash-safe: content goes to a {@code .tmp-*} file in the directory of its
 * final name, is checked and fsynced, and is renamed into place atomically, so a reader sees the old file or the new
 * one and a crash leaves at most an ignored temp file. Read-modify-write of {@code index.json} runs under a lock that
 * holds within this JVM and across processes (an exclusive lock on {@code .nota.lock} in the layout root).
 */
final class LayoutWriter {

  /** The lock file in the layout root; not part of the layout and never archived. */
  static final String LOCK_FILE = ".nota.lock";
  static final String TEMP_PREFIX = ".tmp-";

  /** An action run while the layout is locked. */
  interface LockedAction<T> {
    T run() throws OciException, IOException;
  }

  private final Path root;
  private final ReentrantLock lock = new ReentrantLock();

  LayoutWriter(Path root) {
    this.root = root;
  }

  /** The path of a blob inside the layout, {@code blobs/<alg>/<hex>}. */
  static String blobPath(Digest digest) {
    return "blobs/" + digest.algorithm().label() + "/" + digest.hex();
  }

  /**
   * Streams {@code content} to the blob's temp file, checking size and digest on the way; commits it only when both
   * match. Skips the write when the blob is already present.
   */
  void writeBlob(Descriptor blob, InputStream content) throws OciException {
    Path target = root.resolve(blobPath(blob.digest()));
    if (Files.isRegularFile(target)) {
      return;
    }
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = newTempFile(target.getParent());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          InputStream in = VerifyingInputStream.verifying(content, blob)) {
        OutputStream out = Channels.newOutputStream(ch);
        in.transferTo(out);
        out.flush();
        ch.force(true);
      }
      commit(tmp, target);
      tmp = null;
    } catch (ContentMismatchException e) {
      throw new InvalidContentException("pushing blob " + blob.digest() + " to " + root + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new OciException("pushing blob " + blob.digest() + " to " + root + " failed: " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Replaces the file at {@code path} with {@code bytes} atomically (temp file, fsync, rename). */
  void writeAtomically(String path, byte[] bytes) throws IOException {
    Path target = root.resolve(path);
    Path tmp = newTempFile(target.getParent());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch);
        out.write(bytes);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory(target.getParent());
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Creates an empty {@code .tmp-<random>} file in {@code dir}. Unlike {@link Files#createTempFile}, which makes the
   * file private (0600), this leaves permissions to the umask, so the committed file is as readable as any other.
   */
  static Path newTempFile(Path dir) throws IOException {
    return newTempFile(dir, TEMP_PREFIX);
  }

  static Path newTempFile(Path dir, String prefix) throws IOException {
    while (true) {
      Path candidate = dir.resolve(prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
      try {
        FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return candidate;
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
  }

  /** Deletes a file of the layout if it exists. */
  void delete(String path) throws IOException {
    Files.deleteIfExists(root.resolve(path));
  }

  /** Runs {@code action} holding this writer's lock and the layout's lock file. */
  <T> T locked(String doing, LockedAction<T> action) throws OciException {
    lock.lock();
    try (FileChannel ch = FileChannel.open(root.resolve(LOCK_FILE),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock fileLock = acquire(ch)) {
      return action.run();
    } catch (IOException e) {
      throw new OciException(doing + " in " + root + " failed: " + e, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Locks the lock file. Another {@code LayoutTarget} of the same layout in this JVM makes the JDK throw
   * {@link OverlappingFileLockException} instead of blocking, so that case waits by polling.
   */
  private static FileLock acquire(FileChannel ch) throws IOException {
    while (true) {
      try {
        return ch.lock();
      } catch (OverlappingFileLockException e) {
        try {
          Thread.sleep(2);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the layout lock");
        }
      }
    }
  }

  private void commit(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // a concurrent writer committed the same verified content first
      return;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename " + tmp + " atomically", e);
    }
    syncDirectory(target.getParent());
  }

  /** Makes a rename durable; some platforms cannot open a directory, which is then left to the OS. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // nothing more can be done; a leftover .tmp-* file is ignored by readers
      }
    }
  }
}
