package dev.nota.core.tuf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Metadata from a directory in docker's layout: {@code <dir>/tuf/<gun>/metadata/<role>.json} (docker's {@code
 * ~/.docker/trust}), or a metadata directory itself. Files are stored under plain role names only, so a request by
 * hash reads the plain name and the client's hash check decides.
 */
public final class TrustDirSource implements MetadataSource {
  private final Path metadata;

  private TrustDirSource(Path metadata) {
    this.metadata = metadata;
  }

  /** The metadata directory for {@code gun} in {@code dir} (docker's trust dir, or the metadata dir itself). */
  public static TrustDirSource of(Path dir, String gun) throws TufException {
    Path docker = dir.resolve("tuf").resolve(gun).resolve("metadata");
    if (Files.isRegularFile(docker.resolve("root.json"))) {
      return new TrustDirSource(docker);
    }
    if (Files.isRegularFile(dir.resolve("root.json"))) {
      return new TrustDirSource(dir);
    }
    throw new TufException(TufException.Kind.INPUT, null, "no trust data for " + gun + " in " + dir
        + " (expected tuf/" + gun + "/metadata/root.json or root.json)");
  }

  public Path directory() {
    return metadata;
  }

  @Override
  public Optional<byte[]> fetch(Request request, long maxBytes) throws TufException {
    String name = request.version() == null ? request.role() + ".json" : request.fileName();
    Path file = metadata.resolve(name);
    try {
      if (Files.size(file) > maxBytes) {
        throw TufException.verification(request.role(), "metadata is larger than the limit of " + maxBytes
            + " bytes");
      }
      try (InputStream in = Files.newInputStream(file)) {
        return Optional.of(MetadataSource.readCapped(request.role(), in, maxBytes));
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TufException(TufException.Kind.NETWORK, request.role(), "cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return metadata.toString();
  }
}
