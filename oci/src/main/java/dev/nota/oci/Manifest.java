package dev.nota.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An OCI image manifest (or a Docker v2 schema 2 manifest, which has the same shape): a config, layers, and in
 * image-spec 1.1 an optional {@code artifactType} and {@code subject}, which make it a referrer of another manifest.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"})
public record Manifest(
    int schemaVersion,
    String mediaType,
    String artifactType,
    Descriptor config,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> layers,
    Descriptor subject,
    Map<String, String> annotations) {

  public Manifest {
    Objects.requireNonNull(config, "config");
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null || annotations.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  /** An OCI image manifest with schemaVersion 2. */
  public static Manifest of(
      String artifactType, Descriptor config, List<Descriptor> layers, Descriptor subject, Map<String, String> annotations) {
    return new Manifest(2, MediaTypes.OCI_MANIFEST, artifactType, config, layers, subject, annotations);
  }

  /**
   * The artifact type as the referrers API reports it: {@code artifactType}, else the config media type (image-spec
   * 1.1 "artifactType guidance").
   */
  public String effectiveArtifactType() {
    if (artifactType != null && !artifactType.isEmpty()) {
      return artifactType;
    }
    return config.mediaType();
  }
}
