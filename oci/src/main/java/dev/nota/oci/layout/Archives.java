package dev.nota.oci.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Packing a layout directory into a tar, and the small file chores around archives. */
final class Archives {
  private Archives() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Packs the layout in {@code dir} into {@code tar} atomically: a temp file beside the tar is written, fsynced and
   * renamed over it. {@code oci-layout} and {@code index.json} come first, then everything else in name order;
   * lock and temp files are left out. A {@link ArchiveFormat#GZIP} archive is compressed as it is written.
   */
  static void pack(Path dir, Path tar, ArchiveFormat format) throws IOException {
    Path parent = tar.getParent();
    Files.createDirectories(parent);
    Path tmp = LayoutWriter.newTempFile(parent, "." + tar.getFileName() + LayoutWriter.TEMP_PREFIX);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream file = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
        GZIPOutputStream gzip = format == ArchiveFormat.GZIP ? new GZIPOutputStream(file, 64 * 1024) : null;
        OutputStream out = gzip != null ? gzip : file;
        TarWriter writer = new TarWriter(out);
        writeFile(writer, dir, LayoutSetup.LAYOUT_FILE);
        writeFile(writer, dir, LayoutSetup.INDEX_FILE);
        for (Path p : contents(dir)) {
          String name = dir.relativize(p).toString().replace('\\', '/');
          if (name.equals(LayoutSetup.LAYOUT_FILE) || name.equals(LayoutSetup.INDEX_FILE)) {
            continue;
          }
          if (Files.isDirectory(p)) {
            writer.directory(name);
          } else if (Files.isRegularFile(p)) {
            writeFile(writer, dir, name);
          }
        }
        writer.finish();
        if (gzip != null) {
          gzip.finish();
        }
        file.flush();
        ch.force(true);
        out.close();
      }
      Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new IOException("packing the layout into " + tar + " failed: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Every path under {@code dir}, sorted by name, without lock and temp files. */
  private static List<Path> contents(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> !p.equals(dir))
          .filter(p -> {
            String n = p.getFileName().toString();
            return !n.equals(LayoutWriter.LOCK_FILE) && !n.startsWith(LayoutWriter.TEMP_PREFIX);
          })
          .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
          .forEach(out::add);
    }
    return out;
  }

  private static void writeFile(TarWriter writer, Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = Files.newInputStream(p)) {
      writer.file(name, Files.size(p), in);
    }
  }

  /** Deletes a directory tree, best effort (used for temporary working directories). */
  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      // a leftover temporary directory is harmless
    }
  }

  /** The {@code imageLayoutVersion} of an {@code oci-layout} file, or null when the file is not such JSON. */
  static String layoutVersion(byte[] bytes) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node != null && node.isObject() && node.path("imageLayoutVersion").isTextual()) {
        return node.get("imageLayoutVersion").asText();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
