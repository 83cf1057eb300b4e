package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Content-addressed bytes, stored once whatever the number of repositories that link them, plus the scratch
 * space of upload sessions. Two kinds: in memory (tests) and files under a root (survives a restart, never
 * buffers a whole blob).
 */
interface BlobStore {
  /** The size of the blob, or -1 when it is not stored. */
  long size(Digest digest) throws IOException;

  /** Opens the blob at {@code offset}; the caller closes the stream. */
  InputStream open(Digest digest, long offset) throws IOException;

  /** Stores small content (manifests) in one go. */
  void put(Digest digest, byte[] bytes) throws IOException;

  /** Reads small content (manifests) whole. */
  byte[] read(Digest digest) throws IOException;

  /** Starts the scratch space of a new upload session. */
  Upload newUpload(String id) throws IOException;

  /** Bytes received so far by one upload session, appended in order. */
  interface Upload {
    /** Appends all of {@code in}, feeding {@code running}, and returns how many bytes were appended. */
    long append(InputStream in, java.security.MessageDigest running) throws IOException;

    long size();

    /** Reads back everything received so far. */
    InputStream read() throws IOException;

    /** Moves the bytes into the store as {@code digest}; the upload is gone afterwards. */
    void commit(Digest digest) throws IOException;

    void discard() throws IOException;
  }

  static BlobStore inMemory() {
    return new MemoryBlobStore();
  }

  static BlobStore files(Path root) throws IOException {
    return new FileBlobStore(root);
  }
}
