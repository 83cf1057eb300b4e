package dev.nota.oci.layout;

import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens archives (tar, gzip-compressed tar, or either on a stream) as {@link LayoutTarget}s. A gzipped archive has no
 * random access, so it is decompressed once, streamed, into a temporary tar that is then indexed like any tar; a
 * writable archive is extracted into a temporary layout directory. Either temporary lives in a private directory that
 * the target deletes when closed; on any failure here it is deleted at once and nothing the user named is touched.
 */
final class ArchiveOpener {
  private ArchiveOpener() {}

  private static final String SPOOLED_TAR = "archive.tar";

  static LayoutTarget openPath(Path path, boolean writable) throws OciException {
    if (Files.isDirectory(path)) {
      return LayoutTarget.open(path);
    }
    if (Files.exists(path) || ArchiveFormat.isArchiveName(path)) {
      return open(path, writable);
    }
    if (!writable) {
      throw new NotFoundException("OCI layout " + path + " not found: no such directory or archive");
    }
    return LayoutTarget.open(path);
  }

  static LayoutTarget open(Path file, boolean writable) throws OciException {
    Path tar = file.toAbsolutePath().normalize();
    String name = "oci-archive:" + tar;
    boolean exists = Files.exists(tar);
    if (!exists && !writable) {
      throw new NotFoundException("cannot open oci-archive " + tar + ": no such file");
    }
    if (exists && !Files.isRegularFile(tar)) {
      throw new OciException("cannot open oci-archive " + tar + ": not a regular file");
    }
    ArchiveFormat format = exists ? ArchiveFormat.of(tar, tar.toString()) : ArchiveFormat.forName(tar);
    if (!writable && format == ArchiveFormat.TAR) {
      TarArchive index = TarArchive.index(tar);
      LayoutSetup.validate(index, name);
      return new LayoutTarget(name, tar, index, null, null, null, null);
    }
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("nota-oci-archive-");
      LayoutTarget target;
      if (!writable) {
        target = readOnly(name, tar, spool(tar, scratch), scratch);
      } else {
        Path work = scratch.resolve("layout");
        Files.createDirectory(work);
        if (exists) {
          Path source = format == ArchiveFormat.GZIP ? spool(tar, scratch) : tar;
          TarArchive archive = TarArchive.index(source, tar.toString());
          LayoutSetup.validate(archive, name);
          archive.extractTo(work);
          if (source != tar) {
            Files.delete(source);
          }
        }
        LayoutSetup.initialize(work, name);
        target = new LayoutTarget(name, tar, LayoutFiles.of(work), new LayoutWriter(work), tar, format, work);
        if (!exists) {
          target.markDirty();
        }
      }
      scratch = null;
      return target;
    } catch (IOException e) {
      throw new OciException("cannot open " + name + (writable ? " for writing: " : ": ") + e.getMessage(), e);
    } finally {
      if (scratch != null) {
        Archives.deleteTree(scratch);
      }
    }
  }

  static LayoutTarget openStream(InputStream in, String shown) throws OciException {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("nota-oci-archive-");
      Path tar = scratch.resolve(SPOOLED_TAR);
      ArchiveFormat.spool(in, tar, shown);
      LayoutTarget target = readOnly("oci-archive:" + shown, Path.of(shown), tar, scratch);
      scratch = null;
      return target;
    } catch (IOException e) {
      throw new OciException("cannot read oci-archive " + shown + ": " + e.getMessage(), e);
    } finally {
      if (scratch != null) {
        Archives.deleteTree(scratch);
      }
    }
  }

  /** Decompresses the archive {@code file} into a tar in {@code scratch}. */
  private static Path spool(Path file, Path scratch) throws OciException, IOException {
    Path tar = scratch.resolve(SPOOLED_TAR);
    try (InputStream in = Files.newInputStream(file)) {
      ArchiveFormat.spool(in, tar, file.toString());
    }
    return tar;
  }

  private static LayoutTarget readOnly(String name, Path root, Path tar, Path scratch) throws OciException {
    TarArchive index = TarArchive.index(tar, name.substring("oci-archive:".length()));
    LayoutSetup.validate(index, name);
    return new LayoutTarget(name, root, index, null, null, null, scratch);
  }
}
