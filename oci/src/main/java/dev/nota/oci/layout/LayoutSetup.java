package dev.nota.oci.layout;

import dev.nota.oci.Index;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Creating a layout and checking that one is valid: the {@code oci-layout} file with a 1.x
 * {@code imageLayoutVersion}, and an {@code index.json} that parses as an image index.
 */
final class LayoutSetup {
  private LayoutSetup() {}

  static final String LAYOUT_FILE = "oci-layout";
  static final String INDEX_FILE = "index.json";
  private static final byte[] LAYOUT_JSON = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  static void initialize(Path root, String name) throws OciException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new InvalidContentException(name + " is not an OCI image layout: " + root + " is not a directory");
    }
    try {
      Files.createDirectories(root);
      boolean hasLayout = Files.exists(root.resolve(LAYOUT_FILE));
      if (!hasLayout && !isEmpty(root)) {
        throw new InvalidContentException(name + " is not an OCI image layout: the directory has files but no "
            + LAYOUT_FILE + " file");
      }
      if (!hasLayout || !Files.exists(root.resolve(INDEX_FILE)) || !Files.isDirectory(root.resolve("blobs"))) {
        LayoutWriter w = new LayoutWriter(root);
        w.locked("creating the OCI image layout", () -> {
          if (!Files.exists(root.resolve(LAYOUT_FILE))) {
            w.writeAtomically(LAYOUT_FILE, LAYOUT_JSON);
          }
          Files.createDirectories(root.resolve("blobs"));
          if (!Files.exists(root.resolve(INDEX_FILE))) {
            w.writeAtomically(INDEX_FILE, OciJson.write(new Index(2, MediaTypes.OCI_INDEX, null, null, null, null)));
          }
          return null;
        });
      }
    } catch (IOException e) {
      throw new OciException("cannot create the OCI image layout " + root + ": " + e, e);
    }
    validate(LayoutFiles.of(root), name);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var children = Files.list(dir)) {
      return children.allMatch(p -> p.getFileName().toString().equals(LayoutWriter.LOCK_FILE));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Checks {@code oci-layout} and that {@code index.json} parses. */
  static void validate(LayoutFiles files, String name) throws OciException {
    if (!files.isFile(LAYOUT_FILE)) {
      throw new InvalidContentException(name + " is not an OCI image layout: the " + LAYOUT_FILE
          + " file is missing");
    }
    byte[] bytes = readSmallFile(files, LAYOUT_FILE, name);
    String version = Archives.layoutVersion(bytes);
    if (version == null) {
      throw new InvalidContentException(name + " is not an OCI image layout: " + LAYOUT_FILE
          + " is not a JSON object with a string imageLayoutVersion");
    }
    if (!version.equals("1.0.0") && !version.startsWith("1.")) {
      throw new InvalidContentException(name + ": unsupported imageLayoutVersion \"" + version
          + "\" in " + LAYOUT_FILE + " (1.0.0 is supported)");
    }
    if (!files.isFile(INDEX_FILE)) {
      throw new InvalidContentException(name + " is not an OCI image layout: " + INDEX_FILE + " is missing");
    }
    readIndex(files, name);
  }

  static Index readIndex(LayoutFiles files, String name) throws OciException {
    byte[] bytes = readSmallFile(files, INDEX_FILE, name);
    try {
      return OciJson.parseIndex(bytes);
    } catch (InvalidContentException e) {
      throw new InvalidContentException(name + ": " + INDEX_FILE + " is not a valid image index: "
          + e.getMessage(), e);
    }
  }

  /** Layout metadata files are small; 64 MiB bounds a pathological one. */
  private static byte[] readSmallFile(LayoutFiles files, String path, String name) throws OciException {
    int cap = 64 << 20;
    try (InputStream in = files.open(path)) {
      byte[] bytes = in.readNBytes(cap + 1);
      if (bytes.length > cap) {
        throw new InvalidContentException(name + ": " + path + " is larger than " + cap + " bytes");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new InvalidContentException(name + " is not an OCI image layout: " + path + " is missing");
    } catch (IOException e) {
      throw new OciException("reading " + path + " of " + name + " failed: " + e, e);
    }
  }
}
