package dev.nota.core.tuf;

import java.util.List;

/** The key IDs allowed to sign a role and how many distinct keys must have signed. */
public record RoleKeys(List<String> keyIds, int threshold) {
  public RoleKeys {
    keyIds = List.copyOf(keyIds);
  }
}
