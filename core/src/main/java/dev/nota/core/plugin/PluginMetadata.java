package dev.nota.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A plugin's answer to {@code get-plugin-metadata}. All fields are required by the protocol; {@code version} must be
 * SemVer for minimum-version checks to pass, which is checked only where such a check is asked for.
 */
public record PluginMetadata(
    String name,
    String description,
    String version,
    String url,
    List<String> supportedContractVersions,
    List<String> capabilities) {

  /** The one contract version of the plugin protocol. */
  public static final String CONTRACT_VERSION = "1.0";
  public static final String SIGNATURE_GENERATOR_RAW = "SIGNATURE_GENERATOR.RAW";
  public static final String SIGNATURE_GENERATOR_ENVELOPE = "SIGNATURE_GENERATOR.ENVELOPE";
  public static final String SIGNATURE_VERIFIER_TRUSTED_IDENTITY = "SIGNATURE_VERIFIER.TRUSTED_IDENTITY";
  public static final String SIGNATURE_VERIFIER_REVOCATION_CHECK = "SIGNATURE_VERIFIER.REVOCATION_CHECK";

  public PluginMetadata {
    Objects.requireNonNull(name, "name");
    supportedContractVersions = List.copyOf(supportedContractVersions);
    capabilities = List.copyOf(capabilities);
  }

  /** Whether the plugin declares {@code capability}. */
  public boolean has(String capability) {
    return capabilities.contains(capability);
  }

  /**
   * Reads and checks a {@code get-plugin-metadata} response of the plugin installed as {@code expectedName}.
   *
   * @throws PluginException for a missing or empty field, a name other than the directory's, or no support for
   *     contract version 1.0
   */
  static PluginMetadata parse(String expectedName, JsonNode json) throws PluginException {
    String name = text(expectedName, json, "name");
    if (!name.equals(expectedName)) {
      throw new PluginException("plugin \"" + expectedName + "\" calls itself \"" + abbreviate(name)
          + "\" in its metadata; the name must match its directory and executable");
    }
    PluginMetadata m = new PluginMetadata(name, text(expectedName, json, "description"),
        text(expectedName, json, "version"), text(expectedName, json, "url"),
        strings(expectedName, json, "supportedContractVersions"), strings(expectedName, json, "capabilities"));
    if (!m.supportedContractVersions.contains(CONTRACT_VERSION)) {
      throw new PluginException("plugin \"" + expectedName + "\" supports contract versions "
          + m.supportedContractVersions + ", not " + CONTRACT_VERSION);
    }
    return m;
  }

  private static String text(String plugin, JsonNode json, String field) throws PluginException {
    JsonNode v = json.get(field);
    if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
      throw new PluginException("plugin \"" + plugin + "\" returned metadata without \"" + field + "\"");
    }
    return v.textValue();
  }

  private static List<String> strings(String plugin, JsonNode json, String field) throws PluginException {
    JsonNode v = json.get(field);
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw new PluginException("plugin \"" + plugin + "\" returned metadata without \"" + field + "\"");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new PluginException("plugin \"" + plugin + "\" returned metadata whose \"" + field
            + "\" holds a non-string");
      }
      out.add(e.textValue());
    }
    return out;
  }

  static String abbreviate(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", " ").strip();
    return clean.length() <= 160 ? clean : clean.substring(0, 157) + "...";
  }
}
