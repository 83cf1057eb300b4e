package dev.nota.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.ExtendedAttribute;
import dev.nota.core.envelope.SignedAttributes;
import dev.nota.core.envelope.SigningScheme;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verification plugin an envelope names in its critical {@code io.cncf.notary.verificationPlugin} attribute.
 * {@link #locate} applies the specification's preconditions (installed, version at least
 * {@code io.cncf.notary.verificationPluginMinVersion} by SemVer precedence, at least one
 * {@code SIGNATURE_VERIFIER} capability); {@link #verify} runs {@code verify-signature} for the capabilities the
 * policy leaves to it and checks that the plugin answered each one and processed every critical extended attribute.
 * Failing any of these makes the signature's verification inconclusive, which fails it at every level.
 */
public final class VerificationPlugin {
  /** One capability's verdict. */
  public record Result(boolean success, String reason) {}

  private final Plugin plugin;
  private final PluginMetadata metadata;
  private final Map<String, String> pluginConfig;

  private VerificationPlugin(Plugin plugin, PluginMetadata metadata, Map<String, String> pluginConfig) {
    this.plugin = plugin;
    this.metadata = metadata;
    this.pluginConfig = Map.copyOf(pluginConfig);
  }

  public String name() {
    return plugin.name();
  }

  public PluginMetadata metadata() {
    return metadata;
  }

  /**
   * The installed plugin {@code name}, checked against the envelope's minimum version ({@code minVersion}, may be
   * null) and for a verification capability.
   */
  public static VerificationPlugin locate(
      PluginHost host, String name, String minVersion, Map<String, String> pluginConfig) throws PluginException {
    Map<String, String> config = pluginConfig == null ? Map.of() : pluginConfig;
    Plugin plugin;
    try {
      plugin = host.get(name);
    } catch (PluginException e) {
      throw new PluginException("the signature needs verification plugin \"" + name + "\", which cannot be used: "
          + e.getMessage(), e.errorCode(), e);
    }
    PluginMetadata metadata = plugin.metadata(config);
    if (minVersion != null) {
      if (!SemVer.isValid(minVersion)) {
        throw new PluginException("the signature's verificationPluginMinVersion \""
            + PluginMetadata.abbreviate(minVersion) + "\" is not a semantic version");
      }
      if (!SemVer.isValid(metadata.version())) {
        throw new PluginException("verification plugin \"" + name + "\" has version \""
            + PluginMetadata.abbreviate(metadata.version()) + "\", which is not a semantic version, and the signature"
            + " needs version " + minVersion + " or higher");
      }
      if (SemVer.compare(metadata.version(), minVersion) < 0) {
        throw new PluginException("found verification plugin \"" + name + "\" with version " + metadata.version()
            + ", but the signature needs plugin version greater than or equal to " + minVersion);
      }
    }
    if (!metadata.has(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)
        && !metadata.has(PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK)) {
      throw new PluginException("the signature needs plugin \"" + name + "\" with signature verification "
          + "capabilities (" + PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY + " and/or "
          + PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK + "), and it has " + metadata.capabilities());
    }
    return new VerificationPlugin(plugin, metadata, config);
  }

  /** Whether the plugin takes over the check {@code capability}. */
  public boolean handles(String capability) {
    return metadata.has(capability);
  }

  /**
   * Runs {@code verify-signature} for {@code capabilities} on an envelope whose integrity was verified.
   *
   * @param trustedIdentities the policy's trusted identities, as the policy writes them
   * @return one verdict per requested capability
   * @throws PluginException when the plugin fails, omits a verdict, or leaves a critical attribute unprocessed
   */
  public Map<String, Result> verify(
      EnvelopeContent content, List<String> trustedIdentities, List<String> capabilities) throws PluginException {
    String command = "verify-signature";
    SignedAttributes signed = content.signedAttributes();
    ObjectNode request = Plugin.request(pluginConfig);
    ObjectNode signature = request.putObject("signature");
    ObjectNode critical = signature.putObject("criticalAttributes");
    critical.put("contentType", content.payloadContentType());
    critical.put("signingScheme", signed.signingScheme().value());
    if (signed.expiry() != null) {
      critical.put("expiry", signed.expiry().toString());
    }
    if (signed.signingScheme() == SigningScheme.X509_SIGNING_AUTHORITY) {
      critical.put("authenticSigningTime", signed.authenticSigningTime().toString());
    }
    critical.put("verificationPlugin", signed.verificationPlugin());
    if (signed.verificationPluginMinVersion() != null) {
      critical.put("verificationPluginMinVersion", signed.verificationPluginMinVersion());
    }
    ObjectNode extended = critical.putObject("extendedAttributes");
    ArrayNode unprocessed = signature.putArray("unprocessedAttributes");
    Set<String> criticalKeys = new HashSet<>();
    for (ExtendedAttribute a : signed.extendedAttributes()) {
      if (a.critical()) {
        extended.set(a.key(), PluginProcess.JSON.valueToTree(plain(a.value())));
        unprocessed.add(a.key());
        criticalKeys.add(a.key());
      }
    }
    ArrayNode chain = signature.putArray("certificateChain");
    for (X509Certificate c : content.certificateChain()) {
      try {
        chain.add(Base64.getEncoder().encodeToString(c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new PluginException("cannot encode certificate " + c.getSubjectX500Principal() + " for the plugin");
      }
    }
    ObjectNode policy = request.putObject("trustPolicy");
    ArrayNode identities = policy.putArray("trustedIdentities");
    trustedIdentities.forEach(identities::add);
    ArrayNode verification = policy.putArray("signatureVerification");
    capabilities.forEach(verification::add);

    JsonNode response = plugin.run(command, request);
    JsonNode results = response.get("verificationResults");
    if (results == null || !results.isObject()) {
      throw plugin.invalid(command, "\"verificationResults\" is missing");
    }
    Map<String, Result> out = new LinkedHashMap<>();
    for (String capability : capabilities) {
      JsonNode r = results.get(capability);
      if (r == null || !r.isObject() || !r.path("success").isBoolean()) {
        throw new PluginException("verification plugin \"" + plugin.name() + "\" gave no result for " + capability);
      }
      out.put(capability, new Result(r.get("success").booleanValue(), r.path("reason").asText("")));
    }
    Set<String> processed = new HashSet<>();
    response.path("processedAttributes").forEach(p -> processed.add(p.asText()));
    for (String key : criticalKeys) {
      if (!processed.contains(key)) {
        throw new PluginException("the critical attribute \"" + PluginMetadata.abbreviate(key) + "\" was not "
            + "processed by verification plugin \"" + plugin.name() + "\" (every critical extended attribute must be)");
      }
    }
    return out;
  }

  /** Extended attribute values as JSON: COSE times as RFC 3339 text (byte strings become base64 by themselves). */
  private static Object plain(Object value) {
    if (value instanceof Instant t) {
      return t.toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(VerificationPlugin::plain).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    return value;
  }
}
