package dev.nota.oci.registry;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds and pushes small real images and signature manifests for the registry client tests. */
final class Artifacts {
  private Artifacts() {}

  static Descriptor pushBlob(Target target, String mediaType, byte[] bytes) throws Exception {
    Descriptor d = Descriptor.of(mediaType, bytes);
    target.pushBlob(d, new ByteArrayInputStream(bytes));
    return d;
  }

  /** An image with one small layer, pushed and tagged; returns its manifest descriptor. */
  static Descriptor pushImage(Target target, String tag, String layerText) throws Exception {
    Descriptor config = pushBlob(target, MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}"
        .getBytes(StandardCharsets.UTF_8));
    Descriptor layer = pushBlob(target, MediaTypes.OCI_LAYER, layerText.getBytes(StandardCharsets.UTF_8));
    byte[] manifest = OciJson.write(Manifest.of(null, config, List.of(layer), null, null));
    return target.pushManifest(MediaTypes.OCI_MANIFEST, manifest, tag);
  }

  /** A notation-style signature manifest of {@code subject}, pushed by digest. */
  static Descriptor pushSignature(Target target, Descriptor subject, String name) throws Exception {
    byte[] envelope = ("{\"sig\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
    pushBlob(target, MediaTypes.OCI_EMPTY, MediaTypes.EMPTY_JSON);
    Descriptor layer = pushBlob(target, MediaTypes.JWS, envelope);
    byte[] manifest = OciJson.write(Manifest.of(MediaTypes.NOTARY_SIGNATURE, Descriptor.EMPTY_JSON, List.of(layer),
        subject.plain(), Map.of("io.cncf.notary.x509chain.thumbprint#S256", "[\"" + name + "\"]")));
    return target.pushManifest(MediaTypes.OCI_MANIFEST, manifest, null);
  }
}
