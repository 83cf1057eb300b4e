package dev.nota.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The plugin directory, laid out as notation lays it out so that existing installs work:
 * {@code <dir>/<name>/notation-<name>}, a regular executable file (a symbolic link is refused). Lists, finds,
 * installs (atomically: the new directory appears whole or not at all) and uninstalls plugins.
 */
public final class PluginHost {
  /** notation's limit on a plugin file to install. */
  public static final long MAX_PLUGIN_SIZE = 256L * 1024 * 1024;
  private static final String PREFIX = "notation-";

  private final Path directory;
  private final PluginOptions options;

  public PluginHost(Path directory, PluginOptions options) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The plugin directory ({@code <config>/plugins}). */
  public Path directory() {
    return directory;
  }

  public PluginOptions options() {
    return options;
  }

  /** One entry of {@link #list}: the metadata, or why the plugin cannot be used. */
  public record Listed(String name, PluginMetadata metadata, String error) {}

  /**
   * The installed plugin {@code name}.
   *
   * @throws PluginException when it is not installed, its executable is missing, a symbolic link, not a regular
   *     file or not executable
   */
  public Plugin get(String name) throws PluginException {
    checkName(name);
    Path dir = directory.resolve(name);
    Path exe = dir.resolve(PREFIX + name);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new PluginException("plugin \"" + name + "\" is not installed (no directory " + dir + ")");
    }
    if (Files.isSymbolicLink(exe)) {
      throw new PluginException("plugin \"" + name + "\": " + exe + " is a symbolic link; plugins must be regular "
          + "files");
    }
    if (!Files.exists(exe, LinkOption.NOFOLLOW_LINKS)) {
      throw new PluginException("plugin \"" + name + "\" is not installed correctly: " + exe + " does not exist");
    }
    if (!Files.isRegularFile(exe, LinkOption.NOFOLLOW_LINKS)) {
      throw new PluginException("plugin \"" + name + "\": " + exe + " is not a regular file");
    }
    if (!Files.isExecutable(exe)) {
      throw new PluginException("plugin \"" + name + "\": " + exe + " is not executable");
    }
    return new Plugin(name, exe, options);
  }

  /** Every plugin directory, sorted by name, with its metadata or the reason it cannot be used. */
  public List<Listed> list() throws PluginException {
    List<Listed> out = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return out;
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(directory)) {
      for (Path d : dirs) {
        String n = d.getFileName().toString();
        if (!n.startsWith(".") && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw new PluginException("cannot list " + directory + ": " + e.getMessage(), null, e);
    }
    names.sort(null);
    for (String n : names) {
      try {
        out.add(new Listed(n, get(n).metadata(Map.of()), null));
      } catch (PluginException e) {
        out.add(new Listed(n, null, e.getMessage()));
      }
    }
    return out;
  }

  /**
   * Installs the executable {@code file}, whose name must be {@code notation-<name>}: copies it into a staging
   * directory beside the plugins, checks its SHA-256 when {@code sha256} is given, runs its
   * {@code get-plugin-metadata} (the name must match, contract 1.0 must be supported), refuses to replace an
   * installed plugin of the same or a higher version unless {@code force}, and then moves the staged directory into
   * place. Nothing of a failed install remains.
   *
   * @return the installed plugin's metadata
   */
  public PluginMetadata install(Path file, String sha256, boolean force) throws PluginException {
    String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
    if (!fileName.startsWith(PREFIX) || fileName.length() == PREFIX.length()) {
      throw new PluginException("cannot install " + file + ": a plugin executable must be named notation-<name> "
          + "(archives are not supported: extract the executable first)");
    }
    String name = fileName.substring(PREFIX.length());
    checkName(name);
    if (!Files.isRegularFile(file)) {
      throw new PluginException("cannot install " + file + ": not a regular file");
    }
    Path staging = directory.resolve(".install-" + UUID.randomUUID());
    try {
      if (Files.size(file) > MAX_PLUGIN_SIZE) {
        throw new PluginException("cannot install " + file + ": it is over the " + MAX_PLUGIN_SIZE + "-byte limit");
      }
      Files.createDirectories(staging);
      Path staged = staging.resolve(fileName);
      Files.copy(file, staged);
      if (sha256 != null) {
        checkSha256(staged, sha256);
      }
      Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwxr-xr-x"));
      PluginMetadata metadata = new Plugin(name, staged, options).metadata(Map.of());
      Path target = directory.resolve(name);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !force) {
        String installed = installedVersion(name);
        if (installed == null || !SemVer.isValid(metadata.version())
            || SemVer.compare(metadata.version(), installed) <= 0) {
          throw new PluginException("plugin \"" + name + "\" " + (installed == null ? "is already installed"
              : "version " + installed + " is installed, and " + metadata.version() + " is not newer")
              + "; use --force to replace it");
        }
      }
      replace(staging, target);
      return metadata;
    } catch (IOException e) {
      throw new PluginException("cannot install " + file + ": " + e, null, e);
    } finally {
      deleteQuietly(staging);
    }
  }

  /** Removes the plugin {@code name}'s directory. */
  public void uninstall(String name) throws PluginException {
    checkName(name);
    Path dir = directory.resolve(name);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new PluginException("plugin \"" + name + "\" is not installed");
    }
    // Move it aside first, so that a half-deleted plugin is never found under its name.
    Path trash = directory.resolve(".uninstall-" + UUID.randomUUID());
    try {
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      delete(trash);
    } catch (IOException e) {
      throw new PluginException("cannot uninstall plugin \"" + name + "\": " + e, null, e);
    }
  }

  private String installedVersion(String name) {
    try {
      String v = get(name).metadata(Map.of()).version();
      return SemVer.isValid(v) ? v : null;
    } catch (PluginException e) {
      return null;
    }
  }

  private void replace(Path staging, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      old = directory.resolve(".replaced-" + UUID.randomUUID());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (old != null) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e instanceof AtomicMoveNotSupportedException
          ? new IOException("the plugin directory " + directory + " does not support atomic moves", e) : e;
    }
    if (old != null) {
      deleteQuietly(old);
    }
  }

  private static void checkSha256(Path file, String expected) throws PluginException, IOException {
    String want = expected.trim().toLowerCase(java.util.Locale.ROOT);
    if (!want.matches("[0-9a-f]{64}")) {
      throw new PluginException("--sha256 must be 64 hex digits, got \"" + PluginMetadata.abbreviate(expected) + "\"");
    }
    String got = sha256(file);
    if (!got.equals(want)) {
      throw new PluginException("the plugin file's SHA-256 is " + got + ", not the expected " + want);
    }
  }

  /** The lowercase hex SHA-256 of {@code file}. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) != -1; ) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Plugin names become directory and file names: no separators, no dot names, nothing hidden. */
  static void checkName(String name) throws PluginException {
    if (name == null || name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")
        || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new PluginException("invalid plugin name \"" + (name == null ? "" : PluginMetadata.abbreviate(name))
          + "\"");
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      delete(p);
    } catch (IOException ignored) {
      // A leftover hidden staging directory is ignored by list() and get().
    }
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        try {
          Files.delete(dir);
        } catch (NoSuchFileException ignored) {
          // already gone
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
