package dev.nota.core.sign;

import dev.nota.core.x509.Certificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and recognises Notary Project signature manifests: an image manifest with one envelope layer, a
 * {@code subject}, and the certificate thumbprint annotation. Writes the OCI 1.1 {@code artifactType} form by default
 * and the legacy form (config media type = signature type) on request; reads both.
 */
public final class SignatureManifests {
  /** Annotation listing the SHA-256 thumbprints of the envelope's certificate chain, leaf first. */
  public static final String THUMBPRINT_ANNOTATION = "io.cncf.notary.x509chain.thumbprint#S256";
  /** Annotation notation adds with the signing time. */
  public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";

  private SignatureManifests() {}

  /** The form of signature manifest to write. */
  public enum Form {
    /** OCI 1.1: {@code artifactType} = signature, empty config descriptor (what notation-go main writes). */
    ARTIFACT_TYPE,
    /** Spec 1.0/1.1: no {@code artifactType}, config media type = signature (what notation 1.x writes). */
    LEGACY
  }

  /** The signature manifest for {@code envelope} signing {@code subject}. */
  public static Manifest build(
      Form form, Descriptor subject, Descriptor envelope, List<X509Certificate> chain, Instant signingTime) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(THUMBPRINT_ANNOTATION, thumbprintJson(chain));
    annotations.put(CREATED_ANNOTATION,
        DateTimeFormatter.ISO_INSTANT.format(signingTime.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)));
    Descriptor config = form == Form.ARTIFACT_TYPE
        ? Descriptor.EMPTY_JSON.withData(MediaTypes.EMPTY_JSON)
        : Descriptor.of(MediaTypes.NOTARY_SIGNATURE, Descriptor.EMPTY_JSON.digest(), Descriptor.EMPTY_JSON.size());
    String artifactType = form == Form.ARTIFACT_TYPE ? MediaTypes.NOTARY_SIGNATURE : null;
    return Manifest.of(artifactType, config, List.of(envelope), subject.plain(), annotations);
  }

  /** The thumbprint annotation value: a JSON array of lower-case hex SHA-256 thumbprints, as notation writes it. */
  public static String thumbprintJson(List<X509Certificate> chain) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < chain.size(); i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(Certificates.sha256Thumbprint(chain.get(i))).append('"');
    }
    return sb.append(']').toString();
  }

  /**
   * Parses the thumbprint annotation; returns an empty list when it is absent or malformed (the annotation is only a
   * hint for pre-filtering and is never trusted).
   */
  public static List<String> thumbprints(Map<String, String> annotations) {
    String value = annotations.get(THUMBPRINT_ANNOTATION);
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    String s = value.trim();
    if (!s.startsWith("[") || !s.endsWith("]")) {
      return List.of();
    }
    for (String part : s.substring(1, s.length() - 1).split(",")) {
      String t = part.trim();
      if (t.length() < 2 || !t.startsWith("\"") || !t.endsWith("\"")) {
        return List.of();
      }
      out.add(t.substring(1, t.length() - 1).toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  /**
   * Whether {@code manifest} is a Notary signature manifest in either form (notation-go's acceptance rule), with
   * exactly one layer.
   */
  public static boolean isSignatureManifest(Manifest manifest) {
    boolean typed = MediaTypes.NOTARY_SIGNATURE.equals(manifest.artifactType())
        && MediaTypes.OCI_EMPTY.equals(manifest.config().mediaType());
    boolean legacy = (manifest.artifactType() == null || manifest.artifactType().isEmpty())
        && MediaTypes.NOTARY_SIGNATURE.equals(manifest.config().mediaType());
    return typed || legacy;
  }
}
