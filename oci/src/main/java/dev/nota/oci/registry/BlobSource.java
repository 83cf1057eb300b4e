package dev.nota.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a blob to upload. An upload that fails half-way is retried from a fresh session only when the source
 * can be opened again (a file); a caller's stream is used once.
 */
interface BlobSource {
  InputStream open() throws IOException;

  boolean reopenable();

  static BlobSource of(Path file) {
    return new BlobSource() {
      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public boolean reopenable() {
        return true;
      }
    };
  }

  static BlobSource once(InputStream in) {
    return new BlobSource() {
      private boolean used;

      @Override
      public synchronized InputStream open() throws IOException {
        if (used) {
          throw new IOException("the blob stream was already consumed");
        }
        used = true;
        return in;
      }

      @Override
      public boolean reopenable() {
        return false;
      }
    };
  }
}
