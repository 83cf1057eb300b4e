package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A targets role, top-level ({@code targets}) or delegated ({@code targets/...}): the signed names with their length
 * and hashes, and the roles it delegates to, in priority order.
 */
public record Targets(SignedMetadata file, Map<String, FileMeta> targets, Map<String, TufKey> delegationKeys,
    List<Delegation> delegations) {
  private static final Pattern ROLE_NAME = Pattern.compile("[-a-z0-9_/]+");

  /** A delegated role: its keys and threshold, and the target name prefixes it may sign ({@code ""} = all). */
  public record Delegation(String name, RoleKeys keys, List<String> paths) {
    public Delegation {
      paths = List.copyOf(paths);
    }
  }

  public Targets {
    targets = Map.copyOf(targets);
    delegationKeys = Map.copyOf(delegationKeys);
    delegations = List.copyOf(delegations);
  }

  static Targets parse(String role, byte[] raw) throws TufException {
    SignedMetadata f = SignedMetadata.parse(role, "Targets", raw);
    Map<String, FileMeta> targets = new LinkedHashMap<>();
    JsonNode t = f.body().get("targets");
    if (t == null || !t.isObject()) {
      throw TufException.verification(role, "targets is missing");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      targets.put(e.getKey(), FileMeta.parse(role, "target " + e.getKey(), e.getValue()));
    }
    Map<String, TufKey> keys = Map.of();
    List<Delegation> delegations = new ArrayList<>();
    JsonNode d = f.body().get("delegations");
    if (d != null && !d.isNull()) {
      keys = Root.parseKeys(role, d.get("keys"));
      JsonNode roles = d.get("roles");
      if (roles != null && !roles.isNull()) {
        if (!roles.isArray()) {
          throw TufException.verification(role, "delegations.roles is not a list");
        }
        for (JsonNode r : roles) {
          String name = r.path("name").asText();
          checkChildName(role, name);
          RoleKeys rk = Root.parseRoleKeys(role, name, r);
          for (String id : rk.keyIds()) {
            if (!keys.containsKey(id)) {
              throw TufException.verification(role, "delegation " + name + " lists key " + id
                  + " that is not in keys");
            }
          }
          List<String> paths = new ArrayList<>();
          if (r.has("path_hash_prefixes") && r.get("path_hash_prefixes").size() > 0) {
            throw TufException.verification(role, "delegation " + name + " uses path_hash_prefixes (unsupported)");
          }
          for (JsonNode p : r.path("paths")) {
            if (!p.isTextual()) {
              throw TufException.verification(role, "delegation " + name + " has a path that is not a string");
            }
            paths.add(p.textValue());
          }
          delegations.add(new Delegation(name, rk, paths));
        }
      }
    }
    return new Targets(f, targets, keys, delegations);
  }

  /**
   * Notary's rules for a delegated role named by {@code parent}: {@code targets/...}, lowercase letters, digits,
   * {@code - _ /}, shorter than 256 characters, clean (no empty segments), and a direct child of {@code parent}.
   */
  static void checkChildName(String parent, String name) throws TufException {
    boolean ok = name.startsWith("targets/") && name.length() < 256 && ROLE_NAME.matcher(name).matches()
        && !name.contains("//") && !name.endsWith("/");
    if (!ok) {
      throw TufException.verification(parent, "delegation name \"" + name + "\" is not a valid role name");
    }
    String rest = name.substring(parent.length());
    if (!name.startsWith(parent + "/") || rest.lastIndexOf('/') != 0) {
      throw TufException.verification(parent, "may only delegate to its direct children, not " + name);
    }
  }
}
