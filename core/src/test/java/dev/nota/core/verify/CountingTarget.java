package dev.nota.core.verify;

import dev.nota.oci.Descriptor;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.OciException;
import dev.nota.oci.Target;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A real target (an OCI layout) that counts how often each blob is fetched, to show downloads are shared. */
final class CountingTarget implements Target {
  final Map<String, Integer> blobFetches = new ConcurrentHashMap<>();
  private final Target delegate;

  CountingTarget(Target delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Descriptor resolve(String reference) throws OciException {
    return delegate.resolve(reference);
  }

  @Override
  public ManifestContent fetchManifest(String reference) throws OciException {
    return delegate.fetchManifest(reference);
  }

  @Override
  public InputStream fetchBlob(Descriptor blob) throws OciException {
    blobFetches.merge(blob.digest().toString(), 1, Integer::sum);
    return delegate.fetchBlob(blob);
  }

  @Override
  public boolean blobExists(Descriptor blob) throws OciException {
    return delegate.blobExists(blob);
  }

  @Override
  public void pushBlob(Descriptor blob, InputStream content) throws OciException {
    delegate.pushBlob(blob, content);
  }

  @Override
  public Descriptor pushManifest(String mediaType, byte[] bytes, String tag) throws OciException {
    return delegate.pushManifest(mediaType, bytes, tag);
  }

  @Override
  public void tag(Descriptor manifest, String tag) throws OciException {
    delegate.tag(manifest, tag);
  }

  @Override
  public List<Descriptor> referrers(Descriptor subject, String artifactType) throws OciException {
    return delegate.referrers(subject, artifactType);
  }

  @Override
  public void deleteManifest(Descriptor manifest) throws OciException {
    delegate.deleteManifest(manifest);
  }

  @Override
  public List<String> tags() throws OciException {
    return delegate.tags();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
