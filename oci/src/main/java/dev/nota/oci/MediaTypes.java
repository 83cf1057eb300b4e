package dev.nota.oci;

import java.util.List;

/** Media types of the OCI image spec, Docker's v2 schema and the Notary Project, as constants. */
public final class MediaTypes {
  private MediaTypes() {}

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  /** The withdrawn OCI artifact manifest; read only (notation-go still reads it). */
  public static final String OCI_ARTIFACT_MANIFEST = "application/vnd.oci.artifact.manifest.v1+json";
  public static final String OCI_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";

  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  public static final String NOTARY_SIGNATURE = "application/vnd.cncf.notary.signature";
  public static final String NOTARY_PAYLOAD = "application/vnd.cncf.notary.payload.v1+json";
  public static final String JWS = "application/jose+json";
  public static final String COSE = "application/cose";

  /** The two bytes {@code {}} of the OCI empty descriptor. */
  public static final byte[] EMPTY_JSON = {'{', '}'};

  /** Every manifest media type nota reads, in the order sent in {@code Accept}. */
  public static final List<String> MANIFEST_TYPES =
      List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_ARTIFACT_MANIFEST);

  /** Whether {@code mediaType} names an index (OCI index or Docker manifest list). */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /** Whether {@code mediaType} names any manifest or index type nota knows. */
  public static boolean isManifest(String mediaType) {
    return MANIFEST_TYPES.contains(mediaType);
  }
}
