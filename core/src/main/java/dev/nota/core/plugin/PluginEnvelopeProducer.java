package dev.nota.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.Payload;
import dev.nota.core.sign.Signer;
import dev.nota.core.x509.CertificateRules;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A key whose {@code SIGNATURE_GENERATOR.ENVELOPE} plugin builds the whole envelope ({@code generate-envelope}).
 * nota trusts none of it unchecked: the envelope must be of the requested type, verify with its own signing
 * certificate, carry a code signing chain, the Notary payload content type, and a payload naming exactly the
 * requested artifact with every requested annotation unchanged (a plugin may add annotations, nothing else).
 */
public final class PluginEnvelopeProducer implements Signer.EnvelopeProducer {
  private static final Set<String> DESCRIPTOR_FIELDS = Set.of("mediaType", "digest", "size", "annotations",
      "artifactType");

  private final Plugin plugin;
  private final String keyId;
  private final Map<String, String> pluginConfig;

  PluginEnvelopeProducer(Plugin plugin, String keyId, Map<String, String> pluginConfig) {
    this.plugin = plugin;
    this.keyId = keyId;
    this.pluginConfig = Map.copyOf(pluginConfig);
  }

  @Override
  public Signer.Produced produce(Signer.EnvelopeRequest request) throws NotaException {
    String command = "generate-envelope";
    ObjectNode json = Plugin.request(pluginConfig);
    json.put("keyId", keyId);
    json.put("payloadType", MediaTypes.NOTARY_PAYLOAD);
    json.put("signatureEnvelopeType", request.envelopeMediaType());
    json.put("payload", Base64.getEncoder().encodeToString(request.payload()));
    if (request.expiry() != null) {
      json.put("expiryDurationInSeconds", request.expiry().toSeconds());
    }
    JsonNode response = plugin.run(command, json);
    String type = response.path("signatureEnvelopeType").asText("");
    if (!request.envelopeMediaType().equals(type)) {
      throw plugin.invalid(command, "envelope type \"" + PluginMetadata.abbreviate(type) + "\", but "
          + request.envelopeMediaType() + " was requested");
    }
    JsonNode encoded = response.get("signatureEnvelope");
    if (encoded == null || !encoded.isTextual() || encoded.textValue().isEmpty()) {
      throw plugin.invalid(command, "\"signatureEnvelope\" is missing");
    }
    byte[] envelope;
    try {
      envelope = Base64.getDecoder().decode(encoded.textValue());
    } catch (IllegalArgumentException e) {
      throw plugin.invalid(command, "\"signatureEnvelope\" is not base64");
    }
    EnvelopeContent content;
    try {
      content = Envelopes.parse(type, envelope).verify();
      CertificateRules.checkCodeSigningChain(content.certificateChain(), null);
    } catch (NotaException e) {
      throw plugin.invalid(command, "the envelope is not valid: " + e.getMessage());
    }
    if (!MediaTypes.NOTARY_PAYLOAD.equals(content.payloadContentType())) {
      throw plugin.invalid(command, "the envelope's payload type is \""
          + PluginMetadata.abbreviate(String.valueOf(content.payloadContentType())) + "\", not "
          + MediaTypes.NOTARY_PAYLOAD);
    }
    checkPayload(command, content.payload(), request.target());
    return new Signer.Produced(envelope, content.certificateChain(), annotations(command, response));
  }

  private void checkPayload(String command, byte[] payloadJson, Descriptor expected) throws PluginException {
    Descriptor signed;
    try {
      signed = Payload.parse(payloadJson).targetArtifact();
      JsonNode target = PluginProcess.JSON.readTree(payloadJson).get("targetArtifact");
      for (Iterator<String> names = target.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!DESCRIPTOR_FIELDS.contains(name)) {
          throw plugin.invalid(command, "the signed payload's targetArtifact has the unexpected field \""
              + PluginMetadata.abbreviate(name) + "\"");
        }
      }
    } catch (PluginException e) {
      throw e;
    } catch (NotaException | java.io.IOException e) {
      throw plugin.invalid(command, "the signed payload is not valid: " + e.getMessage());
    }
    if (!signed.sameContent(expected) || !java.util.Objects.equals(signed.artifactType(), expected.artifactType())) {
      throw plugin.invalid(command, "the envelope signs " + signed.digest() + " (" + signed.mediaType() + ", "
          + signed.size() + " bytes), not the requested " + expected.digest() + " (" + expected.mediaType() + ", "
          + expected.size() + " bytes)");
    }
    for (Map.Entry<String, String> e : expected.annotations().entrySet()) {
      if (!e.getValue().equals(signed.annotations().get(e.getKey()))) {
        throw plugin.invalid(command, "the signed payload changed or dropped the annotation \"" + e.getKey() + "\"");
      }
    }
  }

  private Map<String, String> annotations(String command, JsonNode response) throws PluginException {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode a = response.get("annotations");
    if (a == null || a.isNull()) {
      return out;
    }
    if (!a.isObject()) {
      throw plugin.invalid(command, "\"annotations\" is not an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw plugin.invalid(command, "annotation \"" + PluginMetadata.abbreviate(e.getKey()) + "\" is not a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }
}
