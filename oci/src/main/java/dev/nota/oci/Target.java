package dev.nota.oci;

import java.io.Closeable;
import java.io.InputStream;
import java.util.List;

/**
 * One repository of OCI content: a repository in a registry, or an OCI image layout on disk (directory or tar).
 * Every workflow in nota is written against this interface, so offline and air-gapped use is never a special case.
 *
 * <p>References passed to {@link #resolve} and {@link #fetchManifest} are a tag or a digest string, relative to this
 * repository. Implementations verify the digest and size of everything they return and refuse manifests over
 * {@link #MAX_MANIFEST_SIZE} bytes.
 */
public interface Target extends Closeable {

  /** The largest manifest or index accepted, 4 MiB, as registries enforce. */
  long MAX_MANIFEST_SIZE = 4L * 1024 * 1024;

  /** A human name for messages, e.g. {@code localhost:5000/app} or {@code oci-layout:/tmp/app}. */
  String name();

  /** Resolves a tag or digest to the descriptor of the manifest or index it names. */
  Descriptor resolve(String reference) throws OciException;

  /** Fetches a manifest or index by tag or digest, checking its digest (when addressed by digest) and size cap. */
  ManifestContent fetchManifest(String reference) throws OciException;

  /**
   * Opens a blob for streaming. The returned stream checks size and digest as it is read and throws an
   * {@link java.io.IOException} at the point the content stops matching {@code blob}; it must be closed.
   */
  InputStream fetchBlob(Descriptor blob) throws OciException;

  /** Whether the blob exists in this repository. */
  boolean blobExists(Descriptor blob) throws OciException;

  /**
   * Pushes a blob from a stream of exactly {@code blob.size()} bytes whose digest is {@code blob.digest()}; content
   * that does not match is never committed.
   */
  void pushBlob(Descriptor blob, InputStream content) throws OciException;

  /**
   * Pushes a manifest or index exactly as {@code bytes}, optionally tagging it. When the manifest has a
   * {@code subject} and the store lacks the Referrers API, the referrers tag schema index of the subject is updated
   * too, safely against concurrent writers.
   *
   * @return the descriptor of the pushed content (with artifactType and annotations copied from the manifest)
   */
  Descriptor pushManifest(String mediaType, byte[] bytes, String tag) throws OciException;

  /** Points {@code tag} at an existing manifest. */
  void tag(Descriptor manifest, String tag) throws OciException;

  /**
   * Lists the referrers of {@code subject}, filtered to {@code artifactType} when it is not null: the Referrers API
   * merged with the referrers tag schema index, de-duplicated by digest.
   */
  List<Descriptor> referrers(Descriptor subject, String artifactType) throws OciException;

  /**
   * Deletes a manifest; when it is a referrer and the store lacks the Referrers API, its entry is then removed from
   * the subject's referrers tag index. A store that refuses the delete is left unchanged.
   */
  void deleteManifest(Descriptor manifest) throws OciException;

  /** Every tag in the repository, sorted. */
  List<String> tags() throws OciException;
}
