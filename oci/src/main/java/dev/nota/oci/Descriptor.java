package dev.nota.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a piece of content is ({@code mediaType}), how to address it ({@code digest}) and
 * how big it is ({@code size}), plus the optional fields of image-spec 1.1. Serialized in the field order Go's
 * image-spec types use, annotations sorted by key, so that what nota writes matches what notation writes.
 *
 * <p>{@code data} is copied in and out; equality compares its bytes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType"})
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    byte[] data,
    Platform platform,
    String artifactType) {

  /** The OCI empty descriptor ({@code {}}, with the empty media type). */
  public static final Descriptor EMPTY_JSON =
      Descriptor.of(MediaTypes.OCI_EMPTY, Digest.sha256(MediaTypes.EMPTY_JSON), MediaTypes.EMPTY_JSON.length);

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must not be negative: " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = annotations == null || annotations.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(annotations));
    data = data == null ? null : data.clone();
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null, null);
  }

  /** The descriptor of {@code bytes} (SHA-256). */
  public static Descriptor of(String mediaType, byte[] bytes) {
    return of(mediaType, Digest.sha256(bytes), bytes.length);
  }

  @Override
  public byte[] data() {
    return data == null ? null : data.clone();
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, urls, newAnnotations, data, platform, artifactType);
  }

  public Descriptor withArtifactType(String newArtifactType) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, newArtifactType);
  }

  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, newPlatform, artifactType);
  }

  public Descriptor withData(byte[] newData) {
    return new Descriptor(mediaType, digest, size, urls, annotations, newData, platform, artifactType);
  }

  /** Only mediaType, digest and size: the parts the Notary payload and content equality use. */
  public Descriptor plain() {
    return of(mediaType, digest, size);
  }

  /** Whether {@code other} names the same content: equal mediaType, digest and size. */
  public boolean sameContent(Descriptor other) {
    return mediaType.equals(other.mediaType) && digest.equals(other.digest) && size == other.size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Descriptor d
        && size == d.size
        && mediaType.equals(d.mediaType)
        && digest.equals(d.digest)
        && urls.equals(d.urls)
        && annotations.equals(d.annotations)
        && Arrays.equals(data, d.data)
        && Objects.equals(platform, d.platform)
        && Objects.equals(artifactType, d.artifactType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mediaType, digest, size, urls, annotations, Arrays.hashCode(data), platform, artifactType);
  }

  @Override
  public String toString() {
    return mediaType + " " + digest + " (" + size + " bytes)";
  }
}
