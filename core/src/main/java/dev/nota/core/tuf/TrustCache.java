package dev.nota.core.tuf;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata a previous verification accepted, in docker's layout ({@code <dir>/<role>.json}). It is the trust
 * anchor (its root) and the rollback floor (no role's version may go below the cached one). Every file is replaced
 * atomically (written beside, then moved), and only after the whole chain verified.
 */
public final class TrustCache {
  private final Path dir;

  public TrustCache(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  Optional<byte[]> read(String role) throws TufException {
    try {
      return Optional.of(Files.readAllBytes(dir.resolve(role + ".json")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TufException(TufException.Kind.NETWORK, role, "cannot read the cache " + dir + ": " + e, e);
    }
  }

  /** The version of the cached {@code role}, or null when there is none. */
  Integer version(String role) throws TufException {
    Optional<byte[]> b = read(role);
    if (b.isEmpty()) {
      return null;
    }
    var node = CanonicalJson.parse(b.get(), role + " (cached)").path("signed").path("version");
    if (!node.canConvertToInt()) {
      throw TufException.verification(role, "the cached file in " + dir + " has no version");
    }
    return node.intValue();
  }

  /** Replaces each file atomically; roles are written in the given order. */
  void write(Map<String, byte[]> files) throws TufException {
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path target = dir.resolve(e.getKey() + ".json");
      try {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
        try {
          Files.write(tmp, e.getValue());
          try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException x) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException x) {
        throw new TufException(TufException.Kind.NETWORK, e.getKey(), "cannot write the cache " + dir + ": " + x, x);
      }
    }
  }
}
