package dev.nota.oci.layout;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An OCI image layout (a directory, or a tar or gzip-compressed tar of one, also read from a stream) as a
 * {@link Target}, so that signing and verifying work offline exactly as against a registry. Layout facts: blobs live
 * at {@code blobs/<alg>/<hex>}; {@code index.json} lists the manifests, a tag being an entry's
 * {@code org.opencontainers.image.ref.name} annotation; untagged manifests (such as signatures) are listed too, which
 * is how notation and oras-go find referrers in a layout. There is no Referrers API: {@link #referrers} scans what
 * {@code index.json} reaches and merges a referrers tag index when one exists.
 *
 * <p>Writes are crash-safe (temp file, fsync, atomic rename) and {@code index.json} updates are serialized within
 * the JVM and across processes. A writable archive is worked on in a temporary directory and packed back into the
 * archive, in its format, atomically by {@link #close()}.
 *
 * <p>Obligations: close it (that is when a writable archive is written); a target is safe for use by several
 * threads.
 */
public final class LayoutTarget implements Target {

  private final String name;
  private final Path root;
  private final LayoutFiles files;
  private final LayoutWriter writer;
  private final Path archive;
  private final ArchiveFormat format;
  private final Path scratch;
  private final ReferrerScan scan;
  private volatile boolean dirty;
  private volatile boolean closed;

  /**
   * @param root the layout directory or archive file the user named
   * @param archive the archive to pack {@code scratch} into on close, or null (a directory, or a read-only archive)
   * @param format the format {@code archive} is written in; null when {@code archive} is
   * @param scratch a temporary directory deleted on close (for a writable archive, the layout worked on), or null
   */
  LayoutTarget(String name, Path root, LayoutFiles files, LayoutWriter writer, Path archive, ArchiveFormat format,
      Path scratch) {
    this.name = name;
    this.root = root;
    this.files = files;
    this.writer = writer;
    this.archive = archive;
    this.format = format;
    this.scratch = scratch;
    this.scan = new ReferrerScan(this);
  }

  /**
   * Opens the layout in {@code dir}, creating it ({@code oci-layout}, {@code index.json}, {@code blobs/}) when the
   * directory is missing or empty.
   *
   * @throws InvalidContentException when {@code dir} has files but is not a valid layout
   */
  public static LayoutTarget open(Path dir) throws OciException {
    Path root = dir.toAbsolutePath().normalize();
    String name = "oci-layout:" + root;
    LayoutSetup.initialize(root, name);
    return new LayoutTarget(name, root, LayoutFiles.of(root), new LayoutWriter(root), null, null, null);
  }

  /**
   * Opens a layout packed in a single archive file (an "oci-archive"): a tar, or a gzip-compressed tar, told apart by
   * the file's first bytes. Read-only, a plain tar is indexed and read in place and a gzipped one is first
   * decompressed to a temporary tar. Writable, the archive is extracted to a temporary directory (or a new layout is
   * started when the file does not exist; {@code .tar.gz} and {@code .tgz} names are then gzipped) and packed back
   * into {@code tarFile}, in its format, atomically when the target is closed, if anything changed.
   *
   * @throws InvalidContentException when the archive is truncated or corrupt; nothing is written then
   */
  public static LayoutTarget openArchive(Path tarFile, boolean writable) throws OciException {
    return ArchiveOpener.open(tarFile, writable);
  }

  /**
   * Opens whatever {@code path} holds: a layout directory, or an archive (see {@link #openArchive}). A path that does
   * not exist is a new archive when its name ends in {@code .tar}, {@code .tar.gz} or {@code .tgz}, else a new layout
   * directory, and is only created when {@code writable}.
   *
   * @throws dev.nota.oci.NotFoundException when {@code path} does not exist and {@code writable} is false
   */
  public static LayoutTarget openPath(Path path, boolean writable) throws OciException {
    return ArchiveOpener.openPath(path, writable);
  }

  /**
   * Opens, read-only, the archive (a tar or a gzip-compressed tar, told apart by its first bytes) read from
   * {@code in}, such as standard input. The stream is read to its end into a temporary tar, so a truncated or corrupt
   * stream fails here; the temporary file is removed on close. The caller closes {@code in}.
   *
   * @param shown how the stream is named in errors and in {@link #name()}, e.g. {@code "-"} or {@code "stdin"}
   */
  public static LayoutTarget openStream(InputStream in, String shown) throws OciException {
    return ArchiveOpener.openStream(in, shown);
  }

  /** The layout directory, or for an archive the archive file. */
  public Path root() {
    return root;
  }

  /** Marks a new archive as changed, so that closing writes it even when nothing was pushed. */
  void markDirty() {
    dirty = true;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Descriptor resolve(String reference) throws OciException {
    requireOpen();
    if (reference == null || reference.isEmpty()) {
      throw new InvalidContentException("resolving in " + name + ": the reference is empty");
    }
    List<Descriptor> entries = readIndex().manifests();
    if (reference.contains(":")) {
      Digest digest = Digest.parse(reference);
      Descriptor entry = IndexEntries.findDigest(entries, digest);
      if (entry != null) {
        return IndexEntries.untagged(entry);
      }
      String path = LayoutWriter.blobPath(digest);
      if (files.isFile(path)) {
        // a manifest reachable only through an index, e.g. one platform of a multi-platform image
        byte[] bytes = readManifestBytes(digest, -1);
        String mediaType;
        try {
          mediaType = OciJson.mediaTypeOf(bytes);
        } catch (InvalidContentException e) {
          throw new InvalidContentException("resolving " + digest + " in " + name + ": the blob is not a manifest: "
              + e.getMessage(), e);
        }
        if (mediaType == null || !MediaTypes.isManifest(mediaType)) {
          throw new InvalidContentException("resolving " + digest + " in " + name
              + ": the blob is not a manifest or index with a known mediaType");
        }
        return Descriptor.of(mediaType, digest, bytes.length);
      }
      throw new NotFoundException("manifest " + digest + " not found in " + name);
    }
    Descriptor entry = IndexEntries.findTag(entries, reference);
    if (entry == null) {
      throw new NotFoundException("tag \"" + reference + "\" not found in " + name);
    }
    return IndexEntries.untagged(entry);
  }

  @Override
  public ManifestContent fetchManifest(String reference) throws OciException {
    Descriptor descriptor = resolve(reference);
    if (descriptor.size() > MAX_MANIFEST_SIZE) {
      throw new InvalidContentException("manifest " + descriptor.digest() + " in " + name + " is "
          + descriptor.size() + " bytes, over the " + MAX_MANIFEST_SIZE + "-byte limit");
    }
    byte[] bytes = readManifestBytes(descriptor.digest(), descriptor.size());
    scan.parse(descriptor, bytes);
    return new ManifestContent(descriptor, bytes);
  }

  @Override
  public InputStream fetchBlob(Descriptor blob) throws OciException {
    requireOpen();
    String path = LayoutWriter.blobPath(blob.digest());
    try {
      long size = files.size(path);
      if (size != blob.size()) {
        throw new InvalidContentException("blob " + blob.digest() + " in " + name + " has " + size
            + " bytes, but its descriptor says " + blob.size());
      }
      return new VerifyingInputStream(files.open(path), blob.digest(), blob.size());
    } catch (NoSuchFileException e) {
      throw new NotFoundException("blob " + blob.digest() + " not found in " + name);
    } catch (IOException e) {
      throw new OciException("reading blob " + blob.digest() + " from " + name + " failed: " + e, e);
    }
  }

  @Override
  public boolean blobExists(Descriptor blob) throws OciException {
    requireOpen();
    return files.isFile(LayoutWriter.blobPath(blob.digest()));
  }

  @Override
  public void pushBlob(Descriptor blob, InputStream content) throws OciException {
    LayoutWriter w = requireWritable();
    w.writeBlob(blob, content);
    dirty = true;
  }

  @Override
  public Descriptor pushManifest(String mediaType, byte[] bytes, String tag) throws OciException {
    LayoutWriter w = requireWritable();
    Objects.requireNonNull(mediaType, "mediaType");
    if (tag != null && !IndexEntries.isValidTag(tag)) {
      throw new InvalidContentException("invalid tag \"" + tag + "\": a tag is 1 to 128 characters of letters,"
          + " digits, '_', '.' and '-', not starting with '.' or '-'");
    }
    if (bytes.length > MAX_MANIFEST_SIZE) {
      throw new InvalidContentException("pushing a manifest to " + name + ": " + bytes.length
          + " bytes is over the " + MAX_MANIFEST_SIZE + "-byte limit");
    }
    if (!MediaTypes.isManifest(mediaType)) {
      throw new InvalidContentException("pushing a manifest to " + name + ": unsupported media type \""
          + mediaType + "\"");
    }
    String declared;
    try {
      declared = OciJson.mediaTypeOf(bytes);
    } catch (InvalidContentException e) {
      throw new InvalidContentException("pushing a manifest to " + name + ": " + e.getMessage(), e);
    }
    if (declared != null && !declared.equals(mediaType)) {
      throw new InvalidContentException("pushing a manifest to " + name + ": its mediaType \"" + declared
          + "\" differs from \"" + mediaType + "\"");
    }
    Descriptor plain = Descriptor.of(mediaType, bytes);
    ReferrerScan.Parsed parsed = scan.parse(plain, bytes);
    Descriptor entry = parsed.entry(plain);
    w.writeBlob(plain, new ByteArrayInputStream(bytes));
    w.locked("updating index.json", () -> {
      Index index = readIndex();
      List<Descriptor> entries = IndexEntries.add(index.manifests(), entry, tag);
      if (parsed.subject() != null) {
        entries = scan.withTagIndexEntry(w, entries, parsed.subject(), parsed.referrer(plain), null);
      }
      writeIndex(w, index, entries);
      return null;
    });
    dirty = true;
    return parsed.referrer(plain);
  }

  @Override
  public void tag(Descriptor manifest, String tag) throws OciException {
    LayoutWriter w = requireWritable();
    if (!IndexEntries.isValidTag(tag)) {
      throw new InvalidContentException("invalid tag \"" + tag + "\": a tag is 1 to 128 characters of letters,"
          + " digits, '_', '.' and '-', not starting with '.' or '-'");
    }
    byte[] bytes = readManifestBytes(manifest.digest(), manifest.size());
    ReferrerScan.Parsed parsed = scan.parse(manifest, bytes);
    w.locked("tagging " + manifest.digest() + " as " + tag, () -> {
      Index index = readIndex();
      Descriptor existing = IndexEntries.findDigest(index.manifests(), manifest.digest());
      Descriptor entry = existing != null ? IndexEntries.untagged(existing) : parsed.entry(manifest.plain());
      writeIndex(w, index, IndexEntries.add(index.manifests(), entry, tag));
      return null;
    });
    dirty = true;
  }

  @Override
  public List<Descriptor> referrers(Descriptor subject, String artifactType) throws OciException {
    requireOpen();
    return scan.referrers(readIndex(), subject, artifactType);
  }

  @Override
  public void deleteManifest(Descriptor manifest) throws OciException {
    LayoutWriter w = requireWritable();
    Digest digest = manifest.digest();
    String path = LayoutWriter.blobPath(digest);
    w.locked("deleting manifest " + digest, () -> {
      Index index = readIndex();
      boolean listed = IndexEntries.findDigest(index.manifests(), digest) != null;
      if (!listed && !files.isFile(path)) {
        throw new NotFoundException("manifest " + digest + " not found in " + name);
      }
      List<Descriptor> entries = IndexEntries.removeDigest(index.manifests(), digest);
      if (files.isFile(path)) {
        ReferrerScan.Parsed parsed = scan.parse(manifest, readManifestBytes(digest, -1));
        if (parsed.subject() != null) {
          entries = scan.withTagIndexEntry(w, entries, parsed.subject(), null, digest);
        }
      }
      writeIndex(w, index, entries);
      w.delete(path);
      return null;
    });
    dirty = true;
  }

  @Override
  public List<String> tags() throws OciException {
    requireOpen();
    TreeSet<String> tags = new TreeSet<>();
    for (Descriptor d : readIndex().manifests()) {
      String tag = IndexEntries.tagOf(d);
      if (tag != null) {
        tags.add(tag);
      }
    }
    return List.copyOf(tags);
  }

  /**
   * Closes the target. For a writable archive with changes, packs the layout into a temp file beside the tar and
   * renames it over the tar; then removes the working directory.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (scratch == null) {
      return;
    }
    try {
      if (dirty && archive != null) {
        Archives.pack(scratch, archive, format);
      }
    } finally {
      Archives.deleteTree(scratch);
    }
  }

  @Override
  public String toString() {
    return name;
  }

  // ---- package-private reading helpers, shared with ReferrerScan ----

  /** Reads and parses {@code index.json}. */
  Index readIndex() throws OciException {
    requireOpen();
    return LayoutSetup.readIndex(files, name);
  }

  /**
   * Reads the manifest blob {@code digest}, checking the 4 MiB cap, the expected size (when not negative) and the
   * digest.
   */
  byte[] readManifestBytes(Digest digest, long expectedSize) throws OciException {
    String path = LayoutWriter.blobPath(digest);
    try {
      long size = files.size(path);
      if (size > MAX_MANIFEST_SIZE) {
        throw new InvalidContentException("manifest " + digest + " in " + name + " is " + size
            + " bytes, over the " + MAX_MANIFEST_SIZE + "-byte limit");
      }
      if (expectedSize >= 0 && size != expectedSize) {
        throw new InvalidContentException("manifest " + digest + " in " + name + " has " + size
            + " bytes, but its descriptor says " + expectedSize);
      }
      byte[] bytes;
      try (InputStream in = files.open(path)) {
        bytes = in.readNBytes((int) MAX_MANIFEST_SIZE + 1);
      }
      if (bytes.length != size || !digest.matches(bytes)) {
        throw new InvalidContentException("manifest " + digest + " in " + name
            + " is corrupt: the content of " + path + " does not match its digest");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new NotFoundException("manifest " + digest + " not found in " + name);
    } catch (IOException e) {
      throw new OciException("reading manifest " + digest + " from " + name + " failed: " + e, e);
    }
  }

  private void writeIndex(LayoutWriter w, Index old, List<Descriptor> entries) throws IOException {
    Index updated = new Index(old.schemaVersion() == 0 ? 2 : old.schemaVersion(), old.mediaType(),
        old.artifactType(), new ArrayList<>(entries), old.subject(), old.annotations());
    w.writeAtomically(LayoutSetup.INDEX_FILE, OciJson.write(updated));
  }

  private void requireOpen() throws OciException {
    if (closed) {
      throw new OciException(name + " is closed");
    }
  }

  private LayoutWriter requireWritable() throws OciException {
    requireOpen();
    if (writer == null) {
      throw new OciException(name + " was opened read-only");
    }
    return writer;
  }
}
