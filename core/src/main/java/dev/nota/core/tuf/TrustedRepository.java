package dev.nota.core.tuf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The verified trust data of one GUN: the root, timestamp and snapshot, and the targets roles in notary's pre-order
 * (targets first, then each delegation before its children, children in priority order). Delegations that were
 * expired or under-signed are left out, as notary does, with a line in {@link #warnings()}.
 */
public record TrustedRepository(String gun, Root root, Timestamp timestamp, Snapshot snapshot,
    List<VerifiedRole> roles, List<String> warnings) {
  /** A targets role that verified, the keys that signed it and the path prefixes it may sign (null = all). */
  public record VerifiedRole(String name, Targets targets, List<String> signerKeyIds, List<String> paths) {
    /** Whether this role may sign {@code target}. */
    public boolean allows(String target) {
      return paths == null || paths.stream().anyMatch(target::startsWith);
    }
  }

  public TrustedRepository {
    roles = List.copyOf(roles);
    warnings = List.copyOf(warnings);
  }

  /** The role {@code name} if it verified, or null. */
  public VerifiedRole role(String name) {
    return roles.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * Every target as {@code notary list} resolves it: walking from {@code start} (null = {@code targets}) in
   * pre-order, the first role that lists a name wins. Sorted by name.
   */
  public List<SignedTarget> list(String start) {
    List<SignedTarget> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (VerifiedRole r : roles) {
      if (start != null && !(r.name().equals(start) || r.name().startsWith(start + "/"))) {
        continue;
      }
      for (var e : r.targets().targets().entrySet()) {
        if (r.allows(e.getKey()) && seen.add(e.getKey())) {
          out.add(new SignedTarget(e.getKey(), e.getValue(), r.name(), r.signerKeyIds()));
        }
      }
    }
    out.sort(Comparator.comparing(SignedTarget::name));
    return out;
  }

  /**
   * {@code tag} as Docker resolves it: signed by {@code targets/releases}, else by {@code targets}; no other role
   * counts, and the entry must carry a sha256 (the manifest digest).
   *
   * @throws TufException when neither role signs the tag (naming the reason when a role signed it outside its paths)
   */
  public SignedTarget docker(String tag) throws TufException {
    for (String name : List.of("targets/releases", "targets")) {
      VerifiedRole r = role(name);
      if (r == null || !r.targets().targets().containsKey(tag) || !r.allows(tag)) {
        continue;
      }
      FileMeta m = r.targets().targets().get(tag);
      if (m.sha256Hex() == null) {
        throw TufException.verification(name, "target " + tag + " has no sha256 digest");
      }
      return new SignedTarget(tag, m, name, r.signerKeyIds());
    }
    for (String w : warnings) {
      if (w.contains("\"" + tag + "\"")) {
        throw TufException.verification(null, w);
      }
    }
    String ignored = warnings.stream().filter(w -> w.startsWith("targets/releases: ") && w.endsWith("; role ignored"))
        .findFirst()
        .map(w -> "; " + w).orElse("");
    throw TufException.verification("targets", "no trusted signature for tag \"" + tag + "\" in " + gun
        + " (looked in targets/releases, then targets)" + ignored);
  }
}
