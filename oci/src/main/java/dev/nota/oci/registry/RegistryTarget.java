package dev.nota.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.ContentMismatchException;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.JsonTree;
import dev.nota.oci.Manifest;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One repository in a registry as a {@link Target}. Manifests are always requested with the full {@code Accept} list
 * (registries hide OCI types from clients that do not name them), capped at 4 MiB before reading and checked against
 * their digest; blobs stream through a digest check. Obtained from {@link RegistryClient#repository}; closing it does
 * nothing (the client owns the connections).
 */
public final class RegistryTarget implements Target {
  private static final String ACCEPT = String.join(", ", MediaTypes.MANIFEST_TYPES);
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final long MAX_TAG_LIST = 32L * 1024 * 1024;

  private final Transport transport;
  private final Repo repo;
  private final boolean forceReferrersTag;
  private final BlobUpload uploads;
  private final Referrers referrers;

  RegistryTarget(RegistryClient client, Transport transport, Repo repo, boolean forceReferrersTag) {
    this.transport = transport;
    this.repo = repo;
    this.forceReferrersTag = forceReferrersTag;
    this.uploads = new BlobUpload(transport, repo);
    this.referrers = new Referrers(this, transport, repo, client);
  }

  @Override
  public String name() {
    return repo.name();
  }

  @Override
  public Descriptor resolve(String reference) throws OciException {
    String what = "resolving " + reference + " in " + repo.name();
    Digest wanted = checkReference(reference);
    Request head = repo.request(repo.url("manifests", reference), repo.pull()).head().header("Accept", ACCEPT).build();
    Descriptor found = transport.run(repo.endpoint(what, head).notFoundIsMissing(), r -> {
      Digest digest = Digest.tryParse(r.header("Docker-Content-Digest"));
      String type = mediaType(r);
      long size = lengthHeader(r);
      if (digest == null || !MediaTypes.isManifest(type) || size < 0) {
        return null; // not enough in the headers: fetch the manifest itself
      }
      if (size > MAX_MANIFEST_SIZE) {
        throw new InvalidContentException(what + ": the manifest has " + size + " bytes, more than the "
            + MAX_MANIFEST_SIZE + " allowed");
      }
      return Descriptor.of(type, digest, size);
    });
    if (found == null) {
      return fetchManifest(reference).descriptor();
    }
    if (wanted != null && !wanted.equals(found.digest())) {
      throw new InvalidContentException(what + ": " + repo.registry() + " answered digest " + found.digest());
    }
    return found;
  }

  @Override
  public ManifestContent fetchManifest(String reference) throws OciException {
    return fetchManifest(reference, "fetching manifest " + reference + " from " + repo.name());
  }

  private ManifestContent fetchManifest(String reference, String what) throws OciException {
    Digest wanted = checkReference(reference);
    Request get = repo.request(repo.url("manifests", reference), repo.pull()).get().header("Accept", ACCEPT).build();
    return transport.run(repo.endpoint(what, get).notFoundIsMissing(), r -> {
      byte[] bytes = readCapped(r, MAX_MANIFEST_SIZE, what);
      String type = mediaType(r);
      boolean generic = type == null || type.equals("application/json") || type.equals("application/octet-stream");
      if (!generic && !MediaTypes.isManifest(type)) {
        throw new InvalidContentException(what + ": " + repo.registry() + " answered Content-Type " + type
            + ", which is not a manifest type");
      }
      String declared;
      try {
        declared = OciJson.mediaTypeOf(bytes);
      } catch (InvalidContentException e) {
        throw new InvalidContentException(what + ": " + e.getMessage(), e);
      }
      if (generic) {
        type = declared;
      }
      if (type == null || !MediaTypes.isManifest(type)) {
        throw new InvalidContentException(what + ": " + repo.registry() + " answered Content-Type "
            + (type == null ? "(none)" : type) + ", which is not a manifest type");
      }
      if (declared != null && MediaTypes.isIndex(declared) != MediaTypes.isIndex(type)) {
        throw new InvalidContentException(what + ": the manifest declares mediaType " + declared
            + " but was served as " + type);
      }
      Digest announced = Digest.tryParse(r.header("Docker-Content-Digest"));
      Digest.Algorithm alg = wanted != null ? wanted.algorithm()
          : announced != null ? announced.algorithm() : Digest.Algorithm.SHA256;
      Digest actual = Digest.of(alg, bytes);
      if (wanted != null && !wanted.equals(actual)) {
        throw new InvalidContentException(what + ": the content's digest is " + actual + ", not " + wanted);
      }
      if (announced != null && announced.algorithm() == alg && !announced.equals(actual)) {
        throw new InvalidContentException(what + ": " + repo.registry() + " announced digest " + announced
            + " but the content's digest is " + actual);
      }
      validate(type, bytes, what);
      return new ManifestContent(Descriptor.of(type, actual, bytes.length), bytes);
    });
  }

  @Override
  public InputStream fetchBlob(Descriptor blob) throws OciException {
    String what = "fetching blob " + blob.digest() + " from " + repo.name();
    Request get = repo.request(repo.url("blobs", blob.digest().toString()), repo.pull()).get().build();
    Response r = transport.open(repo.endpoint(what, get).notFoundIsMissing());
    long length = r.body().contentLength();
    if (length >= 0 && length != blob.size()) {
      r.close();
      throw new InvalidContentException(what + ": " + repo.registry() + " announces " + length
          + " bytes for a blob of " + blob.size() + " bytes");
    }
    return new VerifyingInputStream(new TransferStream(r.body().byteStream(), blob), blob.digest(), blob.size());
  }

  /** Reports a transfer that breaks off mid-blob as the content mismatch it is for the reader. */
  private static final class TransferStream extends java.io.FilterInputStream {
    private final Descriptor blob;
    private long count;

    TransferStream(InputStream in, Descriptor blob) {
      super(in);
      this.blob = blob;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        count += Math.max(n, 0);
        return n;
      } catch (ContentMismatchException e) {
        throw e;
      } catch (IOException e) {
        throw new ContentMismatchException(blob.digest(), "the transfer broke off after " + count + " of "
            + blob.size() + " bytes (" + e.getMessage() + ")");
      }
    }
  }

  @Override
  public boolean blobExists(Descriptor blob) throws OciException {
    String what = "checking blob " + blob.digest() + " in " + repo.name();
    Request head = repo.request(repo.url("blobs", blob.digest().toString()), repo.pull()).head().build();
    return transport.run(repo.endpoint(what, head).accepting(200, 404), r -> r.code() == 200);
  }

  @Override
  public void pushBlob(Descriptor blob, InputStream content) throws OciException {
    uploads.push(blob, BlobSource.once(content));
  }

  /** Pushes a blob from a file; a failed upload is retried from the start of the file. */
  public void pushBlob(Descriptor blob, Path file) throws OciException {
    uploads.push(blob, BlobSource.of(file));
  }

  void pushBlob(Descriptor blob, BlobSource source) throws OciException {
    uploads.push(blob, source);
  }

  /**
   * Mounts {@code blob} from another repository of the same registry without uploading it.
   *
   * @return false when the registry declined (the blob must then be pushed)
   */
  public boolean mountBlob(Descriptor blob, String fromRepository) throws OciException {
    return uploads.mount(blob, fromRepository);
  }

  /** Whether the registry has the Referrers API (probed once per registry and client). */
  public ReferrersSupport referrersSupport() throws OciException {
    return referrers.support();
  }

  @Override
  public Descriptor pushManifest(String mediaType, byte[] bytes, String tag) throws OciException {
    String what = "pushing manifest to " + repo.name() + (tag == null ? "" : ":" + tag);
    if (!MediaTypes.isManifest(mediaType)) {
      throw new InvalidContentException(what + ": " + mediaType + " is not a manifest media type");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new InvalidContentException(what + ": invalid tag \"" + tag + "\"");
    }
    if (bytes.length > MAX_MANIFEST_SIZE) {
      throw new InvalidContentException(what + ": " + bytes.length + " bytes is more than the "
          + MAX_MANIFEST_SIZE + " a registry accepts");
    }
    Descriptor subject = null;
    String artifactType = null;
    Map<String, String> annotations = null;
    if (MediaTypes.isIndex(mediaType)) {
      Index index = OciJson.parseIndex(bytes);
      subject = index.subject();
      artifactType = index.artifactType();
      annotations = index.annotations();
    } else if (!MediaTypes.OCI_ARTIFACT_MANIFEST.equals(mediaType)) {
      Manifest manifest = OciJson.parseManifest(bytes);
      subject = manifest.subject();
      artifactType = manifest.effectiveArtifactType();
      annotations = manifest.annotations();
    }
    Digest digest = Digest.sha256(bytes);
    boolean ociSubject = putManifest(what, mediaType, bytes, tag != null ? tag : digest.toString());
    Descriptor pushed = new Descriptor(mediaType, digest, bytes.length, null, annotations, null, null, artifactType);
    // The distribution spec: a registry that stored the subject says so with OCI-Subject; without it the client
    // keeps the referrers tag index, whatever the Referrers API probe said (the registry may list only what it
    // indexed since it gained the API).
    if (subject != null && (forceReferrersTag || !ociSubject)) {
      referrers.add(subject.digest(), pushed);
    }
    return pushed;
  }

  /** PUTs manifest bytes; returns whether the registry answered with {@code OCI-Subject}. */
  boolean putManifest(String what, String mediaType, byte[] bytes, String reference) throws OciException {
    Digest digest = Digest.sha256(bytes);
    Request put = repo.request(repo.url("manifests", reference), repo.push())
        .put(RequestBody.create(bytes, MediaType.get(mediaType))).build();
    return transport.run(repo.endpoint(what, put).accepting(200, 201, 202, 204), r -> {
      Digest stored = Digest.tryParse(r.header("Docker-Content-Digest"));
      if (stored != null && stored.algorithm() == digest.algorithm() && !stored.equals(digest)) {
        throw new RegistryException(what + ": " + repo.registry() + " stored it as " + stored + " instead of "
            + digest, r.code(), null);
      }
      return r.header("OCI-Subject") != null;
    });
  }

  @Override
  public void tag(Descriptor manifest, String tag) throws OciException {
    String what = "tagging " + manifest.digest() + " as " + repo.name() + ":" + tag;
    if (!TAG.matcher(tag).matches()) {
      throw new InvalidContentException(what + ": invalid tag \"" + tag + "\"");
    }
    ManifestContent content = fetchManifest(manifest.digest().toString(), what);
    putManifest(what, content.descriptor().mediaType(), content.bytes(), tag);
  }

  @Override
  public List<Descriptor> referrers(Descriptor subject, String artifactType) throws OciException {
    return referrers.list(subject, artifactType);
  }

  @Override
  public void deleteManifest(Descriptor manifest) throws OciException {
    String what = "deleting manifest " + manifest.digest() + " from " + repo.name();
    ManifestContent content = fetchManifest(manifest.digest().toString(), what);
    String type = content.descriptor().mediaType();
    Descriptor subject = null;
    if (MediaTypes.isIndex(type)) {
      subject = OciJson.parseIndex(content.bytes()).subject();
    } else if (!MediaTypes.OCI_ARTIFACT_MANIFEST.equals(type)) {
      subject = OciJson.parseManifest(content.bytes()).subject();
    }
    // The manifest goes first: a registry that refuses deletes (distribution's default) then changes nothing. Should
    // the index update fail afterwards, the index names a missing manifest, which every reader skips.
    Request delete = repo.request(repo.url("manifests", manifest.digest().toString()),
        AuthScope.delete(repo.registry(), repo.repository())).delete().build();
    transport.run(repo.endpoint(what, delete).notFoundIsMissing(), r -> null);
    if (subject != null) {
      referrers.remove(subject.digest(), manifest.digest());
    }
  }

  /** Deletes a manifest by digest, ignoring every failure (garbage collection of superseded indexes). */
  void deleteQuietly(Digest digest) {
    try {
      Request delete = repo.request(repo.url("manifests", digest.toString()),
          AuthScope.delete(repo.registry(), repo.repository())).delete().build();
      transport.run(repo.endpoint("deleting " + digest, delete).once(), r -> null);
    } catch (OciException e) {
      // the registry may not allow deletes; a stray untagged index does no harm
    }
  }

  /**
   * Reads the referrers tag index of {@code subject}; null when the tag does not exist. A tag that is not an index
   * fails when {@code strict} (before a rewrite) and counts as "no referrers" otherwise.
   */
  Referrers.TagIndex readTagIndex(Digest subject, String what, boolean strict) throws OciException {
    ManifestContent content;
    try {
      content = fetchManifest(subject.referrersTag(), what);
    } catch (NotFoundException e) {
      return null;
    } catch (InvalidContentException e) {
      if (strict) {
        throw e;
      }
      return null;
    }
    if (!MediaTypes.OCI_INDEX.equals(content.descriptor().mediaType())) {
      if (strict) {
        throw new InvalidContentException(what + ": the tag " + subject.referrersTag() + " names a "
            + content.descriptor().mediaType() + ", not an image index");
      }
      return null;
    }
    return new Referrers.TagIndex(OciJson.parseIndex(content.bytes()), content.descriptor().digest());
  }

  @Override
  public List<String> tags() throws OciException {
    return tags(1000);
  }

  List<String> tags(int pageSize) throws OciException {
    String what = "listing tags of " + repo.name();
    TreeSet<String> tags = new TreeSet<>();
    HttpUrl url = Links.withQuery(repo.url("tags", "list"), "n", Integer.toString(pageSize));
    for (int pages = 0; url != null; pages++) {
      if (pages == 10_000) {
        throw new RegistryException(what + ": more than 10000 pages", 200, null);
      }
      Request get = repo.request(url, repo.pull()).get().build();
      url = transport.run(repo.endpoint(what, get).notFoundIsMissing(), r -> {
        JsonNode body;
        try {
          body = JsonTree.standard().read(readCapped(r, MAX_TAG_LIST, what));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new InvalidContentException(what + ": the tag list is not JSON");
        }
        for (JsonNode t : body.path("tags")) {
          tags.add(t.asText());
        }
        return Links.next(r.request().url(), r.headers("Link"));
      });
    }
    return new ArrayList<>(tags);
  }

  @Override
  public void close() {
    // connections belong to the RegistryClient
  }

  @Override
  public String toString() {
    return repo.name();
  }

  /** The response's Content-Type without parameters, or null. */
  static String mediaType(Response r) {
    String ct = r.header("Content-Type");
    if (ct == null) {
      return null;
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).strip();
  }

  private static long lengthHeader(Response r) {
    try {
      return Long.parseLong(r.header("Content-Length", "-1").strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The body, refused before reading when announced larger than {@code cap}, and never read beyond it. */
  static byte[] readCapped(Response r, long cap, String what) throws IOException, InvalidContentException {
    long announced = r.body().contentLength();
    if (announced > cap) {
      throw new InvalidContentException(what + ": the response has " + announced + " bytes, more than the " + cap
          + " allowed");
    }
    byte[] bytes = r.body().byteStream().readNBytes((int) cap + 1);
    if (bytes.length > cap) {
      throw new InvalidContentException(what + ": the response is larger than the " + cap + " bytes allowed");
    }
    return bytes;
  }

  private static void validate(String type, byte[] bytes, String what) throws InvalidContentException {
    try {
      if (MediaTypes.isIndex(type)) {
        OciJson.parseIndex(bytes);
      } else if (!MediaTypes.OCI_ARTIFACT_MANIFEST.equals(type)) {
        OciJson.parseManifest(bytes);
      }
    } catch (InvalidContentException e) {
      throw new InvalidContentException(what + ": " + e.getMessage(), e);
    }
  }

  /** The digest in {@code reference} when it is one; checks that a reference is a tag or a digest. */
  private Digest checkReference(String reference) throws InvalidContentException {
    if (reference.indexOf(':') >= 0) {
      return Digest.parse(reference);
    }
    if (!TAG.matcher(reference).matches()) {
      throw new InvalidContentException("invalid tag \"" + reference + "\" for " + repo.name());
    }
    return null;
  }
}
