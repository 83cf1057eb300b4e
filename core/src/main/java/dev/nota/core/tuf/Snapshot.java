package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The snapshot role: the length and hashes of root, targets and every published delegation file. */
public record Snapshot(SignedMetadata file, Map<String, FileMeta> meta) {
  public Snapshot {
    meta = Map.copyOf(meta);
  }

  static Snapshot parse(byte[] raw) throws TufException {
    SignedMetadata f = SignedMetadata.parse("snapshot", "Snapshot", raw);
    JsonNode m = f.body().get("meta");
    if (m == null || !m.isObject()) {
      throw TufException.verification("snapshot", "meta is missing");
    }
    Map<String, FileMeta> meta = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      meta.put(e.getKey(), FileMeta.parse("snapshot", e.getKey(), e.getValue()));
    }
    for (String required : new String[] {"root", "targets"}) {
      if (!meta.containsKey(required) || meta.get(required).sha256Hex() == null) {
        throw TufException.verification("snapshot", "meta has no sha256 for " + required);
      }
    }
    return new Snapshot(f, meta);
  }
}
