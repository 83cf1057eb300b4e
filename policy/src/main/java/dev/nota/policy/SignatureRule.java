package dev.nota.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which trust policy statements must be satisfied by an artifact's signatures: every statement of {@code allOf},
 * and at least {@code atLeast} statements of {@code of}. A statement is satisfied by one signature that passes it
 * with that statement's own level, trust stores and identities, so two statements trusting different signers need
 * two signatures. Either part may be empty (then {@code atLeast} is 0), never both.
 */
public record SignatureRule(List<String> allOf, int atLeast, List<String> of) {

  public SignatureRule {
    allOf = List.copyOf(allOf);
    of = List.copyOf(of);
    if (atLeast < 0 || atLeast > of.size() || (atLeast == 0) != of.isEmpty()) {
      throw new IllegalArgumentException("atLeast " + atLeast + " of " + of);
    }
    if (allOf.isEmpty() && of.isEmpty()) {
      throw new IllegalArgumentException("a signature rule names no statement");
    }
  }

  /** Every statement this rule names, {@code allOf} first, each once. */
  public List<String> statements() {
    Set<String> all = new LinkedHashSet<>(allOf);
    all.addAll(of);
    return List.copyOf(all);
  }
}
