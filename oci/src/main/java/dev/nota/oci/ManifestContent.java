package dev.nota.oci;

import java.util.Objects;

/**
 * A manifest or index exactly as stored: its descriptor and its raw bytes. Signatures and pushes always use these
 * bytes, never a re-serialization.
 */
public record ManifestContent(Descriptor descriptor, byte[] bytes) {
  public ManifestContent {
    Objects.requireNonNull(descriptor, "descriptor");
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
