package dev.nota.oci.layout;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Referrer discovery in a layout, which has no Referrers API: every manifest reachable from {@code index.json}
 * (entries and the children of indexes) whose {@code subject} is the wanted manifest, merged with the referrers tag
 * index {@code <alg>-<hex>} when one is listed. Manifests are content-addressed, so each is parsed at most once per
 * open target and kept by digest.
 */
final class ReferrerScan {

  /** A parsed manifest or index. Exactly one of {@code manifest} and {@code index} is set. */
  record Parsed(Manifest manifest, Index index) {
    Descriptor subject() {
      return manifest != null ? manifest.subject() : index.subject();
    }

    Map<String, String> annotations() {
      return manifest != null ? manifest.annotations() : index.annotations();
    }

    /** The descriptor listed in {@code index.json}: annotations, and artifactType only when the content sets one. */
    Descriptor entry(Descriptor plain) {
      String artifactType = manifest != null ? manifest.artifactType() : index.artifactType();
      return new Descriptor(plain.mediaType(), plain.digest(), plain.size(), null, annotations(), null, null,
          artifactType == null || artifactType.isEmpty() ? null : artifactType);
    }

    /** The descriptor a Referrers API lists: annotations, and artifactType falling back to the config type. */
    Descriptor referrer(Descriptor plain) {
      String artifactType = manifest != null ? manifest.effectiveArtifactType() : index.artifactType();
      return new Descriptor(plain.mediaType(), plain.digest(), plain.size(), null, annotations(), null, null,
          artifactType == null || artifactType.isEmpty() ? null : artifactType);
    }
  }

  private final LayoutTarget target;
  private final Map<Digest, Parsed> cache = new ConcurrentHashMap<>();

  ReferrerScan(LayoutTarget target) {
    this.target = target;
  }

  /** Parses {@code bytes} (already checked against the digest) as the type {@code descriptor} names. */
  Parsed parse(Descriptor descriptor, byte[] bytes) throws InvalidContentException {
    Parsed cached = cache.get(descriptor.digest());
    if (cached != null) {
      return cached;
    }
    String mediaType = descriptor.mediaType();
    Parsed parsed;
    try {
      if (MediaTypes.isIndex(mediaType)) {
        parsed = new Parsed(null, OciJson.parseIndex(bytes));
      } else if (MediaTypes.isManifest(mediaType)) {
        parsed = new Parsed(OciJson.parseManifest(bytes), null);
      } else {
        throw new InvalidContentException("content " + descriptor.digest() + " in " + target.name()
            + " has media type \"" + mediaType + "\", which is not a manifest or index type");
      }
    } catch (InvalidContentException e) {
      if (!MediaTypes.isManifest(mediaType)) {
        throw e;
      }
      throw new InvalidContentException("manifest " + descriptor.digest() + " in " + target.name()
          + " is not a valid " + mediaType + ": " + e.getMessage(), e);
    }
    cache.put(descriptor.digest(), parsed);
    return parsed;
  }

  /** Loads and parses a manifest or index, or returns null when its blob is not in the layout. */
  private Parsed loadOrNull(Descriptor descriptor) throws OciException {
    Parsed cached = cache.get(descriptor.digest());
    if (cached != null) {
      return cached;
    }
    byte[] bytes;
    try {
      bytes = target.readManifestBytes(descriptor.digest(), descriptor.size());
    } catch (NotFoundException e) {
      return null;
    }
    return parse(descriptor, bytes);
  }

  List<Descriptor> referrers(Index index, Descriptor subject, String artifactType) throws OciException {
    Map<Digest, Descriptor> found = new LinkedHashMap<>();
    Set<Digest> visited = new HashSet<>();
    Deque<Descriptor> work = new ArrayDeque<>(index.manifests());
    while (!work.isEmpty()) {
      Descriptor d = IndexEntries.untagged(work.poll());
      if (!visited.add(d.digest()) || !MediaTypes.isManifest(d.mediaType())
          || MediaTypes.OCI_ARTIFACT_MANIFEST.equals(d.mediaType())) {
        continue; // the withdrawn artifact manifest is not parsed; a tag index still lists such referrers
      }
      Parsed p = loadOrNull(d);
      if (p == null) {
        continue;
      }
      Descriptor s = p.subject();
      if (s != null && s.digest().equals(subject.digest())) {
        found.putIfAbsent(d.digest(), p.referrer(d.plain()));
      }
      if (p.index() != null) {
        work.addAll(p.index().manifests());
      }
    }
    Descriptor tagIndex = IndexEntries.findTag(index.manifests(), subject.digest().referrersTag());
    if (tagIndex != null && MediaTypes.isIndex(tagIndex.mediaType())) {
      Parsed p = loadOrNull(tagIndex);
      if (p != null) {
        for (Descriptor r : p.index().manifests()) {
          found.putIfAbsent(r.digest(), r);
        }
      }
    }
    List<Descriptor> out = new ArrayList<>(found.size());
    for (Descriptor r : found.values()) {
      if (artifactType == null || artifactType.equals(r.artifactType())) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Keeps an existing referrers tag index of {@code subject} complete: adds {@code add} and/or drops the entry of
   * {@code remove}, stores the new index blob and points the tag at it (dropping the tag when the index becomes
   * empty). Without a tag index, {@code entries} is returned unchanged. Runs under the layout lock.
   */
  List<Descriptor> withTagIndexEntry(
      LayoutWriter w, List<Descriptor> entries, Descriptor subject, Descriptor add, Digest remove)
      throws OciException {
    String tag = subject.digest().referrersTag();
    Descriptor current = IndexEntries.findTag(entries, tag);
    if (current == null || !MediaTypes.isIndex(current.mediaType())) {
      return entries;
    }
    Parsed p = loadOrNull(IndexEntries.untagged(current));
    if (p == null) {
      return entries;
    }
    List<Descriptor> children = new ArrayList<>(p.index().manifests());
    boolean changed = remove != null && children.removeIf(c -> c.digest().equals(remove));
    if (add != null && children.stream().noneMatch(c -> c.digest().equals(add.digest()))) {
      children.add(add);
      changed = true;
    }
    if (!changed) {
      return entries;
    }
    List<Descriptor> out = IndexEntries.removeTag(entries, tag);
    if (children.isEmpty()) {
      return out;
    }
    byte[] bytes = OciJson.write(Index.of(children));
    Descriptor updated = Descriptor.of(MediaTypes.OCI_INDEX, bytes);
    w.writeBlob(updated, new ByteArrayInputStream(bytes));
    return IndexEntries.add(out, updated, tag);
  }
}
