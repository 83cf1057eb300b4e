package dev.nota.testregistry;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Which blobs, manifests and tags each repository has, and the referrers of every subject. Held in memory;
 * with a root directory every change is also written as small link files
 * ({@code repositories/<name>/_layers/<alg>/<hex>}, {@code _manifests/<alg>/<hex>} holding the media type,
 * {@code _tags/<tag>} holding the digest) and read back on start. One lock guards all of it: these are tiny
 * operations, blob bytes never pass through here.
 */
final class Repositories {
  private static final String LAYERS = "_layers";
  private static final String MANIFESTS = "_manifests";
  private static final String TAGS = "_tags";

  private final BlobStore store;
  private final Path root;
  private final boolean sparse;
  private final TreeMap<String, Repo> repos = new TreeMap<>();

  private static final class Repo {
    final Set<Digest> blobs = new HashSet<>();
    final Map<Digest, String> manifests = new HashMap<>();
    final TreeMap<String, Digest> tags = new TreeMap<>();
    final Map<Digest, Map<Digest, Descriptor>> referrers = new HashMap<>();
    final Map<Digest, Digest> subjectOf = new HashMap<>();
  }

  /**
   * Metadata in memory only ({@code root == null}) or persisted under {@code root/repositories}; with
   * {@code sparse} a manifest may reference blobs and manifests this repository does not have.
   */
  Repositories(BlobStore store, Path root, boolean sparse) throws IOException {
    this.store = store;
    this.sparse = sparse;
    this.root = root == null ? null : root.resolve("repositories");
    if (this.root != null) {
      Files.createDirectories(this.root);
      load();
    }
  }

  synchronized boolean exists(String name) {
    return repos.containsKey(name);
  }

  synchronized List<String> catalog() {
    return new ArrayList<>(repos.keySet());
  }

  synchronized boolean hasBlob(String name, Digest digest) {
    Repo r = repos.get(name);
    return r != null && r.blobs.contains(digest);
  }

  /** The repositories that link blob {@code digest}. */
  synchronized List<String> holders(Digest digest) {
    List<String> out = new ArrayList<>();
    repos.forEach((name, r) -> {
      if (r.blobs.contains(digest)) {
        out.add(name);
      }
    });
    return out;
  }

  synchronized void linkBlob(String name, Digest digest) throws IOException {
    if (repo(name).blobs.add(digest)) {
      write(name, LAYERS, digest, "");
    }
  }

  synchronized boolean unlinkBlob(String name, Digest digest) throws IOException {
    Repo r = repos.get(name);
    if (r == null || !r.blobs.remove(digest)) {
      return false;
    }
    remove(name, LAYERS, digest);
    return true;
  }

  /** The media type of the manifest {@code digest} in {@code name}, or null when it is not there. */
  synchronized String manifestType(String name, Digest digest) {
    Repo r = repos.get(name);
    return r == null ? null : r.manifests.get(digest);
  }

  synchronized Digest tag(String name, String tag) {
    Repo r = repos.get(name);
    return r == null ? null : r.tags.get(tag);
  }

  /**
   * Records a manifest whose bytes are already in the blob store, after checking (unless sparse manifests are
   * allowed) that everything it references is in this repository (its subject excepted), and points
   * {@code tags} at it.
   */
  synchronized void putManifest(
      String name, Digest digest, String mediaType, long size, ManifestInfo info, List<String> tags, boolean index)
      throws RegistryError, IOException {
    Repo existing = repos.get(name);
    for (Digest d : sparse ? List.<Digest>of() : info.blobs()) {
      if (existing == null || !existing.blobs.contains(d)) {
        throw new RegistryError(400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", d.toString());
      }
    }
    for (Digest d : sparse ? List.<Digest>of() : info.manifests()) {
      if (existing == null || !existing.manifests.containsKey(d)) {
        throw new RegistryError(400, "MANIFEST_BLOB_UNKNOWN", "manifest unknown to registry", d.toString());
      }
    }
    Repo r = repo(name);
    if (!mediaType.equals(r.manifests.put(digest, mediaType))) {
      write(name, MANIFESTS, digest, mediaType);
    }
    if (info.subject() != null && index) {
      r.referrers.computeIfAbsent(info.subject(), s -> new HashMap<>())
          .put(digest, info.referrer(mediaType, digest, size));
      r.subjectOf.put(digest, info.subject());
    }
    for (String tag : tags) {
      r.tags.put(tag, digest);
      writeTag(name, tag, digest);
    }
  }

  /** Removes a manifest, every tag naming it and its referrers entry; false when it was not there. */
  synchronized boolean deleteManifest(String name, Digest digest) throws IOException {
    Repo r = repos.get(name);
    if (r == null || r.manifests.remove(digest) == null) {
      return false;
    }
    remove(name, MANIFESTS, digest);
    for (var it = r.tags.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().equals(digest)) {
        it.remove();
        if (root != null) {
          Files.deleteIfExists(tagFile(name, e.getKey()));
        }
      }
    }
    Digest subject = r.subjectOf.remove(digest);
    if (subject != null) {
      Map<Digest, Descriptor> list = r.referrers.get(subject);
      list.remove(digest);
      if (list.isEmpty()) {
        r.referrers.remove(subject);
      }
    }
    return true;
  }

  synchronized boolean deleteTag(String name, String tag) throws IOException {
    Repo r = repos.get(name);
    if (r == null || r.tags.remove(tag) == null) {
      return false;
    }
    if (root != null) {
      Files.deleteIfExists(tagFile(name, tag));
    }
    return true;
  }

  /** The tags of {@code name} in lexical order, or null when the repository is unknown. */
  synchronized List<String> tags(String name) {
    Repo r = repos.get(name);
    return r == null ? null : new ArrayList<>(r.tags.keySet());
  }

  /**
   * The referrers of {@code subject} in {@code name}, ordered by digest (stable across pages and restarts).
   */
  synchronized List<Descriptor> referrers(String name, Digest subject) {
    Repo r = repos.get(name);
    if (r == null || !r.referrers.containsKey(subject)) {
      return List.of();
    }
    List<Descriptor> out = new ArrayList<>(r.referrers.get(subject).values());
    out.sort(Comparator.comparing(d -> d.digest().toString()));
    return out;
  }

  private Repo repo(String name) {
    return repos.computeIfAbsent(name, n -> new Repo());
  }

  // ---- persistence ----

  private Path linkFile(String name, String kind, Digest digest) {
    return root.resolve(name).resolve(kind).resolve(digest.algorithm().label()).resolve(digest.hex());
  }

  private Path tagFile(String name, String tag) {
    return root.resolve(name).resolve(TAGS).resolve(tag);
  }

  private void write(String name, String kind, Digest digest, String content) throws IOException {
    if (root != null) {
      writeFile(linkFile(name, kind, digest), content);
    }
  }

  private void writeTag(String name, String tag, Digest digest) throws IOException {
    if (root != null) {
      writeFile(tagFile(name, tag), digest.toString());
    }
  }

  private static void writeFile(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private void remove(String name, String kind, Digest digest) throws IOException {
    if (root != null) {
      Files.deleteIfExists(linkFile(name, kind, digest));
    }
  }

  private void load() throws IOException {
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(root)) {
      dirs = walk.filter(Files::isDirectory)
          .filter(p -> p.getFileName().toString().matches(LAYERS + "|" + MANIFESTS + "|" + TAGS))
          .toList();
    }
    for (Path dir : dirs) {
      String name = root.relativize(dir.getParent()).toString().replace('\\', '/');
      if (!Names.isName(name)) {
        continue;
      }
      Repo r = repo(name);
      String kind = dir.getFileName().toString();
      if (kind.equals(TAGS)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Digest d = Digest.tryParse(Files.readString(f, StandardCharsets.UTF_8).trim());
            if (d != null && Names.isTag(f.getFileName().toString())) {
              r.tags.put(f.getFileName().toString(), d);
            }
          }
        }
        continue;
      }
      for (Digest.Algorithm alg : Digest.Algorithm.values()) {
        Path algDir = dir.resolve(alg.label());
        if (!Files.isDirectory(algDir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(algDir)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Digest d = Digest.tryParse(alg.label() + ":" + f.getFileName());
            if (d == null) {
              continue;
            }
            if (kind.equals(LAYERS)) {
              r.blobs.add(d);
            } else {
              loadManifest(r, d, Files.readString(f, StandardCharsets.UTF_8).trim());
            }
          }
        }
      }
    }
  }

  private void loadManifest(Repo r, Digest digest, String mediaType) throws IOException {
    if (store.size(digest) < 0) {
      return;
    }
    byte[] body = store.read(digest);
    r.manifests.put(digest, mediaType);
    try {
      ManifestInfo info = ManifestInfo.parse(mediaType, body);
      if (info.subject() != null) {
        r.referrers.computeIfAbsent(info.subject(), s -> new HashMap<>())
            .put(digest, info.referrer(mediaType, digest, body.length));
        r.subjectOf.put(digest, info.subject());
      }
    } catch (RegistryError e) {
      // stored before validation rules changed: keep it retrievable, without a referrers entry
    }
  }
}
