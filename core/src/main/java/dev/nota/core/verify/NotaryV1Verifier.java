package dev.nota.core.verify;

import dev.nota.core.tuf.FileMeta;
import dev.nota.core.tuf.Gun;
import dev.nota.core.tuf.TrustedRepository;
import dev.nota.core.tuf.TufException;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.policy.NotaryV1Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an artifact against a Notary v1 trust source of {@code trustpolicy.nota.json}: the source's trust data,
 * fully verified by the {@link Loader}, must have a signed tag that pins exactly the artifact's sha256 digest and
 * size. A tag resolves as Docker resolves it, through the source's roles in order (the first role that signs the
 * tag wins); by tag, that tag's pin must be the artifact; by digest, any tag whose pin is the artifact counts.
 * Every failure, including trust data that does not verify, leaves the check unmet with the role and reason.
 *
 * <p>The trust data of a source and GUN is loaded once per instance, so a bulk run asks the server once.
 */
public final class NotaryV1Verifier {
  /** Fetches and fully verifies the trust data of {@code gun} from {@code source} (cache, pins and clock included). */
  @FunctionalInterface
  public interface Loader {
    TrustedRepository load(NotaryV1Source source, String gun) throws TufException;
  }

  private record Loaded(TrustedRepository repository, TufException failure) {}

  private final Loader loader;
  // One load per source and GUN; the load (network, verification) runs outside the map's locks, later callers wait.
  private final Map<String, CompletableFuture<Loaded>> loaded = new ConcurrentHashMap<>();

  public NotaryV1Verifier(Loader loader) {
    this.loader = loader;
  }

  /**
   * Evaluates {@code source} on {@code artifact}.
   *
   * @param repository the artifact's {@code registry/repository}, for the GUN when the source names none; null when
   *     the artifact has none (an OCI layout)
   * @param tag the tag the artifact was named by, or null when named by digest
   */
  public RequirementOutcome.Check check(NotaryV1Source source, Descriptor artifact, String repository, String tag) {
    String gun = source.gun();
    if (gun == null) {
      if (repository == null) {
        return unmet(source, "the source names no gun and the artifact has no repository to derive it from");
      }
      try {
        gun = Gun.fromImage(repository).name();
      } catch (TufException e) {
        return unmet(source, e.getMessage());
      }
    }
    Digest digest = artifact.digest();
    if (digest.algorithm() != Digest.Algorithm.SHA256) {
      return unmet(source, "Notary v1 pins sha256 digests only, the artifact is " + digest);
    }
    String key = source.name() + "\n" + gun;
    Loaded l = load(key, source, gun);
    if (l.failure() != null) {
      return unmet(source, "the Notary v1 trust data of " + gun + " does not verify: " + l.failure().getMessage());
    }
    TrustedRepository repo = l.repository();
    Map<String, Pin> resolved = resolve(repo, source.roles());
    if (tag != null) {
      Pin pin = resolved.get(tag);
      if (pin == null) {
        return unmet(source, "no trusted signature for tag \"" + tag + "\" in " + gun + " (looked in "
            + String.join(", then ", source.roles()) + ")" + ignored(repo, source.roles(), tag));
      }
      if (!pins(pin.meta(), artifact)) {
        return unmet(source, pin.role() + ": tag \"" + tag + "\" of " + gun + " pins " + pinned(pin.meta())
            + ", the artifact is " + digest + " (" + artifact.size() + " bytes)");
      }
      return met(source, gun, tag, pin);
    }
    for (var e : resolved.entrySet()) {
      if (pins(e.getValue().meta(), artifact)) {
        return met(source, gun, e.getKey(), e.getValue());
      }
    }
    return unmet(source, "no tag of " + gun + " signed in " + String.join(", ", source.roles()) + " pins "
        + digest + " (" + artifact.size() + " bytes)" + ignored(repo, source.roles(), null));
  }

  private record Pin(String role, FileMeta meta, List<String> signers) {}

  /** Tag -> its pin, as Docker resolves tags: the first of {@code roles} that signs the tag wins. Sorted by tag. */
  private static Map<String, Pin> resolve(TrustedRepository repo, List<String> roles) {
    Map<String, Pin> out = new TreeMap<>();
    for (String name : roles) {
      TrustedRepository.VerifiedRole r = repo.role(name);
      if (r == null) {
        continue;
      }
      r.targets().targets().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        if (r.allows(e.getKey())) {
          out.putIfAbsent(e.getKey(), new Pin(name, e.getValue(), r.signerKeyIds()));
        }
      });
    }
    return out;
  }

  private static boolean pins(FileMeta meta, Descriptor artifact) {
    return meta.sha256Hex() != null && meta.sha256Hex().equalsIgnoreCase(artifact.digest().hex())
        && meta.length() == artifact.size();
  }

  private static String pinned(FileMeta meta) {
    return (meta.sha256Hex() == null ? "no sha256 digest" : "sha256:" + meta.sha256Hex()) + " (" + meta.length()
        + " bytes)";
  }

  /** Why a role of {@code roles} was left out or a signature of {@code tag} ignored, as "; ..." or "". */
  private static String ignored(TrustedRepository repo, List<String> roles, String tag) {
    List<String> out = new ArrayList<>();
    for (String w : repo.warnings()) {
      boolean aboutRole = roles.stream().anyMatch(r -> w.startsWith(r + ": "));
      if (aboutRole && (w.endsWith("; role ignored") || (tag != null && w.contains("\"" + tag + "\"")))) {
        out.add(w);
      }
    }
    return out.isEmpty() ? "" : "; " + String.join("; ", out);
  }

  private Loaded load(String key, NotaryV1Source source, String gun) {
    CompletableFuture<Loaded> mine = new CompletableFuture<>();
    CompletableFuture<Loaded> first = loaded.putIfAbsent(key, mine);
    if (first != null) {
      return first.join();
    }
    try {
      mine.complete(new Loaded(loader.load(source, gun), null));
    } catch (TufException e) {
      mine.complete(new Loaded(null, e));
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      loaded.remove(key, mine); // not a verdict on the trust data: a later check tries again
      throw e;
    }
    return mine.join();
  }

  private static RequirementOutcome.Check met(NotaryV1Source source, String gun, String tag, Pin pin) {
    return new RequirementOutcome.Check(RequirementOutcome.Kind.NOTARY_V1, source.name(), true, null, null, null,
        "tag " + tag + ", role " + pin.role() + ", gun " + gun, List.of(),
        new RequirementOutcome.NotaryV1Pin(gun, tag, pin.role(), pin.signers()));
  }

  private static RequirementOutcome.Check unmet(NotaryV1Source source, String why) {
    return new RequirementOutcome.Check(RequirementOutcome.Kind.NOTARY_V1, source.name(), false, null, null, null,
        why, List.of(), null);
  }
}
