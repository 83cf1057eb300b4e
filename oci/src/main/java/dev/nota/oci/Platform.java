package dev.nota.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/** The platform a manifest in an index runs on ({@code os/architecture[/variant]}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"architecture", "os", "os.version", "os.features", "variant"})
public record Platform(
    @JsonProperty("architecture") String architecture,
    @JsonProperty("os") String os,
    @JsonProperty("os.version") String osVersion,
    @JsonProperty("os.features") List<String> osFeatures,
    @JsonProperty("variant") String variant) {

  public Platform {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(os, "os");
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
  }

  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, null, null, null);
  }

  /**
   * Parses {@code os/arch[/variant]} as docker and oras write it.
   *
   * @throws IllegalArgumentException when it has fewer than two or more than three parts
   */
  public static Platform parse(String text) {
    String[] p = text.split("/", -1);
    if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() || (p.length == 3 && p[2].isEmpty())) {
      throw new IllegalArgumentException("invalid platform \"" + text + "\": expected os/arch[/variant]");
    }
    return new Platform(p[1], p[0], null, null, p.length == 3 ? p[2] : null);
  }

  /** Whether this platform satisfies {@code wanted}: os and architecture equal, and the variant when one is wanted. */
  public boolean matches(Platform wanted) {
    return os.equals(wanted.os)
        && architecture.equals(wanted.architecture)
        && (wanted.variant == null || wanted.variant.equals(variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
