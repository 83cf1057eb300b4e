package dev.nota.core.revocation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raw CRLs and OCSP responses on disk, one file per source ({@code crl/<sha256 of URL>},
 * {@code ocsp/<sha256 of URL and CertID>}). Nothing read from here is trusted: callers validate an entry exactly as a
 * fresh answer (signature, issuer, nextUpdate) and refetch when it is stale, unreadable or corrupt. Writes go to a
 * temporary file in the same directory and are moved into place atomically, so a reader never sees half an entry.
 * Cache trouble never fails a verification: an entry that cannot be read or written is treated as absent. Entries
 * are also kept in memory for the life of the checker, so one process asks once even without a cache directory.
 */
final class RevocationCache {
  private final Path root;
  private final Map<String, byte[]> memory = new ConcurrentHashMap<>();

  /** {@code root} may be null: then entries live in memory only. */
  RevocationCache(Path root) {
    this.root = root;
  }

  static String key(String... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        d.update(p.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stored bytes, or null when absent, unreadable or larger than {@code cap}. */
  byte[] read(String kind, String key, long cap) {
    byte[] remembered = memory.get(kind + "/" + key);
    if (remembered != null || root == null) {
      return remembered;
    }
    Path file = root.resolve(kind).resolve(key);
    try {
      if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(file) > cap) {
        return null;
      }
      try (InputStream in = Files.newInputStream(file)) {
        return in.readNBytes((int) Math.min(cap, Integer.MAX_VALUE - 8));
      }
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  void write(String kind, String key, byte[] bytes) {
    memory.put(kind + "/" + key, bytes.clone());
    if (root == null) {
      return;
    }
    Path dir = root.resolve(kind);
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, ".tmp-", "");
      Files.write(temp, bytes);
      Files.move(temp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } catch (IOException | RuntimeException e) {
      // A cache that cannot be written only costs a refetch next time.
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
    }
  }
}
