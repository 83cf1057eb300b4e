package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Pushes a small, distinct image (config, one layer, manifest) to a target, as a test artifact. */
final class SampleImage {
  private SampleImage() {}

  static Descriptor push(Target target, String tag, String content) throws Exception {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nota\":\"" + content + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer of " + content).getBytes(StandardCharsets.UTF_8);
    Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    Descriptor layerDescriptor = Descriptor.of(MediaTypes.OCI_LAYER, layer);
    target.pushBlob(configDescriptor, new ByteArrayInputStream(config));
    target.pushBlob(layerDescriptor, new ByteArrayInputStream(layer));
    byte[] manifest = OciJson.write(Manifest.of(null, configDescriptor, List.of(layerDescriptor), null, null));
    return target.pushManifest(MediaTypes.OCI_MANIFEST, manifest, tag);
  }
}
