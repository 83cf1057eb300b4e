package dev.nota.oci.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Read access to the files of a layout by their slash-separated path inside it ({@code index.json},
 * {@code blobs/sha256/<hex>}), so that a directory and an indexed tar archive are read by the same code.
 */
interface LayoutFiles {

  boolean isFile(String path);

  /** @throws java.nio.file.NoSuchFileException when there is no such file */
  long size(String path) throws IOException;

  /** @throws java.nio.file.NoSuchFileException when there is no such file */
  InputStream open(String path) throws IOException;

  /** The files of a layout directory. */
  static LayoutFiles of(Path root) {
    return new LayoutFiles() {
      @Override
      public boolean isFile(String path) {
        return Files.isRegularFile(root.resolve(path));
      }

      @Override
      public long size(String path) throws IOException {
        return Files.size(root.resolve(path));
      }

      @Override
      public InputStream open(String path) throws IOException {
        return Files.newInputStream(root.resolve(path));
      }
    };
  }
}
