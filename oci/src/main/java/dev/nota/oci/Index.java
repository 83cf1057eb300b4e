package dev.nota.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI image index (or a Docker manifest list): a list of manifests, used for multi-platform images and for the
 * referrers API and referrers tag schema responses.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"})
public record Index(
    int schemaVersion,
    String mediaType,
    String artifactType,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> manifests,
    Descriptor subject,
    Map<String, String> annotations) {

  public Index {
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null || annotations.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  /** An OCI image index with schemaVersion 2 listing {@code manifests}. */
  public static Index of(List<Descriptor> manifests) {
    return new Index(2, MediaTypes.OCI_INDEX, null, manifests, null, null);
  }
}
