package dev.nota.core.tuf;

/** The timestamp role: the length and hashes of the current snapshot; re-signed by the server, short-lived. */
public record Timestamp(SignedMetadata file, FileMeta snapshot) {
  static Timestamp parse(byte[] raw) throws TufException {
    SignedMetadata f = SignedMetadata.parse("timestamp", "Timestamp", raw);
    FileMeta s = FileMeta.parse("timestamp", "snapshot", f.body().path("meta").get("snapshot"));
    if (s.sha256Hex() == null) {
      throw TufException.verification("timestamp", "meta has no sha256 for snapshot");
    }
    return new Timestamp(f, s);
  }
}
