package dev.nota.oci.layout;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for the {@code manifests} list of a layout's {@code index.json}, as pure functions. A tag is the
 * {@code org.opencontainers.image.ref.name} annotation of an entry and names one manifest; a manifest has one entry
 * per tag, or a single untagged entry when it has no tag (that is how untagged signature manifests stay listed, as
 * notation and oras-go do).
 */
final class IndexEntries {
  private IndexEntries() {}

  static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** The OCI distribution spec's tag grammar. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  static boolean isValidTag(String tag) {
    return tag != null && TAG.matcher(tag).matches();
  }

  static String tagOf(Descriptor entry) {
    return entry.annotations().get(REF_NAME);
  }

  /** The entry without its tag annotation: the descriptor of the manifest itself. */
  static Descriptor untagged(Descriptor entry) {
    if (!entry.annotations().containsKey(REF_NAME)) {
      return entry;
    }
    Map<String, String> annotations = new TreeMap<>(entry.annotations());
    annotations.remove(REF_NAME);
    return entry.withAnnotations(annotations);
  }

  static Descriptor tagged(Descriptor manifest, String tag) {
    Map<String, String> annotations = new TreeMap<>(manifest.annotations());
    annotations.put(REF_NAME, tag);
    return manifest.withAnnotations(annotations);
  }

  /** The first entry tagged {@code tag}, or null. */
  static Descriptor findTag(List<Descriptor> entries, String tag) {
    for (Descriptor d : entries) {
      if (tag.equals(tagOf(d))) {
        return d;
      }
    }
    return null;
  }

  /** The first entry for {@code digest}, or null. */
  static Descriptor findDigest(List<Descriptor> entries, Digest digest) {
    for (Descriptor d : entries) {
      if (d.digest().equals(digest)) {
        return d;
      }
    }
    return null;
  }

  /**
   * Adds {@code manifest} (a descriptor without tag annotation), tagged {@code tag} when it is not null: the tag
   * moves off any other entry, and an untagged entry of the same manifest is dropped. Untagged, it is added only when
   * the manifest is not listed yet.
   */
  static List<Descriptor> add(List<Descriptor> entries, Descriptor manifest, String tag) {
    List<Descriptor> out = new ArrayList<>(entries.size() + 1);
    if (tag == null) {
      out.addAll(entries);
      if (findDigest(entries, manifest.digest()) == null) {
        out.add(manifest);
      }
      return out;
    }
    for (Descriptor d : entries) {
      String t = tagOf(d);
      boolean sameTag = tag.equals(t);
      boolean untaggedSame = t == null && d.digest().equals(manifest.digest());
      if (!sameTag && !untaggedSame) {
        out.add(d);
      }
    }
    out.add(tagged(manifest, tag));
    return out;
  }

  /** Removes the entry tagged {@code tag} (used for referrers tag indexes, which are listed only by their tag). */
  static List<Descriptor> removeTag(List<Descriptor> entries, String tag) {
    List<Descriptor> out = new ArrayList<>(entries.size());
    for (Descriptor d : entries) {
      if (!tag.equals(tagOf(d))) {
        out.add(d);
      }
    }
    return out;
  }

  /** Removes every entry of {@code digest}. */
  static List<Descriptor> removeDigest(List<Descriptor> entries, Digest digest) {
    List<Descriptor> out = new ArrayList<>(entries.size());
    for (Descriptor d : entries) {
      if (!d.digest().equals(digest)) {
        out.add(d);
      }
    }
    return out;
  }
}
