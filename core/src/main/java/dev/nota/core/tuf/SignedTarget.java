package dev.nota.core.tuf;

import java.util.List;

/** A target name (for Docker: a tag) as a verified role signs it, with the keys whose signatures verified. */
public record SignedTarget(String name, FileMeta meta, String role, List<String> signerKeyIds) {
  public SignedTarget {
    signerKeyIds = List.copyOf(signerKeyIds);
  }

  /** The pinned manifest digest {@code sha256:<hex>}, or null when the entry has no sha256. */
  public String digest() {
    String hex = meta.sha256Hex();
    return hex == null ? null : "sha256:" + hex;
  }

  public long length() {
    return meta.length();
  }
}
