package dev.nota.core.tuf;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies the Notary v1 trust data of one GUN the way the notary client does ({@code client/tufclient.go}):
 * trusted root (the cache's, else trust on first use or a pinned certificate), root rotation walk, timestamp,
 * snapshot by hash, root against the snapshot, targets, delegations in pre-order; every role's expiry against the
 * clock, every version against the cache. Nothing is written to the cache unless the whole chain verified.
 */
public final class TufClient {
  /** Size caps per file, checked before a file is read in full. */
  public record Limits(long root, long timestamp, long snapshot, long targets, int maxRoles) {
    public static final Limits DEFAULT = new Limits(1 << 20, 1 << 20, 16L << 20, 64L << 20, 1000);
  }

  /**
   * How to verify: the clock for expiry, the cache (null: none, so no rollback floor and the source's root is
   * trusted on first use), a pinned root certificate and a pinned root key ID (null: none; see {@link
   * #withPinnedRoot}), and the size caps.
   */
  public record Options(Clock clock, TrustCache cache, X509Certificate pinnedRoot, String pinnedRootKeyId,
      Limits limits) {
    public static Options of(Clock clock) {
      return new Options(clock, null, null, null, Limits.DEFAULT);
    }

    public Options withCache(TrustCache c) {
      return new Options(clock, c, pinnedRoot, pinnedRootKeyId, limits);
    }

    /**
     * Pins the root to a certificate: a root key must be that certificate or hold its public key. The pin anchors
     * the chain: when the newest root no longer has the pinned key (a root rotation), the older root that has it is
     * looked up as {@code <version>.root.json} and every root after it must be signed by its predecessor's and its
     * own root keys, as in any rotation.
     */
    public Options withPinnedRoot(X509Certificate pin) {
      return new Options(clock, cache, pin, pinnedRootKeyId, limits);
    }

    /**
     * Pins the root to a key ID: the metadata ID of a root key or notary's canonical ID of its bare key (what {@code
     * notary key list} prints). The pin anchors the chain like {@link #withPinnedRoot}.
     */
    public Options withPinnedRootKeyId(String keyId) {
      return new Options(clock, cache, pinnedRoot, keyId, limits);
    }

    public Options withLimits(Limits l) {
      return new Options(clock, cache, pinnedRoot, pinnedRootKeyId, l);
    }
  }

  private final String gun;
  private final MetadataSource source;
  private final Options options;
  private final Instant now;
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, byte[]> accepted = new LinkedHashMap<>();

  private TufClient(String gun, MetadataSource source, Options options) {
    this.gun = gun;
    this.source = source;
    this.options = options;
    this.now = options.clock().instant();
  }

  /** Fetches and verifies the trust data of {@code gun} from {@code source}. */
  public static TrustedRepository load(String gun, MetadataSource source, Options options) throws TufException {
    return new TufClient(gun, source, options).run();
  }

  private TrustedRepository run() throws TufException {
    Root root = trustedRoot();
    root.file().checkExpiry(now);
    accepted.put("root", root.file().raw());

    byte[] tsBytes = fetch(MetadataSource.Request.current("timestamp"), options.limits().timestamp());
    Timestamp ts = Timestamp.parse(tsBytes);
    Signatures.verify(ts.file(), root.keys(), root.roles().get("timestamp"));
    ts.file().checkNotRolledBack(cachedVersion("timestamp"));
    ts.file().checkExpiry(now);
    accepted.put("timestamp", tsBytes);

    byte[] snapBytes = fetchListed("snapshot", ts.snapshot(), "timestamp", options.limits().snapshot());
    Snapshot snap = Snapshot.parse(snapBytes);
    Signatures.verify(snap.file(), root.keys(), root.roles().get("snapshot"));
    snap.file().checkNotRolledBack(cachedVersion("snapshot"));
    snap.file().checkExpiry(now);
    accepted.put("snapshot", snapBytes);

    snap.meta().get("root").check("root", "snapshot", root.file().raw());

    byte[] tBytes = fetchListed("targets", snap.meta().get("targets"), "snapshot", options.limits().targets());
    Targets targets = Targets.parse("targets", tBytes);
    List<String> signers = Signatures.verify(targets.file(), root.keys(), root.roles().get("targets"));
    targets.file().checkNotRolledBack(cachedVersion("targets"));
    targets.file().checkExpiry(now);
    accepted.put("targets", tBytes);

    List<TrustedRepository.VerifiedRole> roles = new ArrayList<>();
    TrustedRepository.VerifiedRole top = new TrustedRepository.VerifiedRole("targets", targets, signers, null);
    roles.add(top);
    delegations(top, snap, roles);

    if (options.cache() != null) {
      options.cache().write(accepted);
    }
    return new TrustedRepository(gun, root, ts, snap, roles, warnings);
  }

  // ------------------------------------------------------------------ root

  private Root trustedRoot() throws TufException {
    Optional<byte[]> cached = options.cache() == null ? Optional.empty() : options.cache().read("root");
    Root trusted;
    if (cached.isPresent()) {
      trusted = Root.parse(cached.get(), "root");
      trusted.verifyWith(trusted);
    } else {
      byte[] b = fetch(MetadataSource.Request.current("root"), options.limits().root());
      trusted = Root.parse(b, "root");
      trusted.verifyWith(trusted);
      trusted.checkCertificates(gun, now);
    }
    if (!matchesPin(trusted)) {
      trusted = rootFromPin(trusted);
    }
    if (cached.isEmpty()) {
      return trusted;
    }
    Optional<byte[]> newest = source.fetch(MetadataSource.Request.current("root"), options.limits().root());
    if (newest.isEmpty() || Arrays.equals(newest.get(), trusted.file().raw())) {
      return trusted;
    }
    return rotate(trusted, Root.parse(newest.get(), "root"));
  }

  /** Follows a root rotation from {@code trusted} to {@code newest}, version by version when needed. */
  private Root rotate(Root trusted, Root newest) throws TufException {
    newest.file().checkNotRolledBack(trusted.version());
    if (newest.version() == trusted.version()) {
      throw TufException.verification("root", "version " + newest.version()
          + " differs from the trusted root of the same version");
    }
    try {
      newest.verifyWith(trusted);
      newest.verifyWith(newest);
      newest.checkCertificates(gun, now);
      return newest;
    } catch (TufException direct) {
      // not cross-signed by the trusted root: walk <v>.root.json one version at a time
    }
    Root prev = trusted;
    for (int v = trusted.version() + 1; v <= newest.version(); v++) {
      Root next;
      if (v == newest.version()) {
        next = newest;
      } else {
        final int wanted = v;
        byte[] b = source.fetch(new MetadataSource.Request("root", null, v), options.limits().root())
            .orElseThrow(() -> TufException.verification("root", "version " + wanted
                + " is not available at " + source + " to follow the root rotation"));
        next = Root.parse(b, "root");
      }
      if (next.version() != v) {
        throw TufException.verification("root", v + ".root.json has version " + next.version());
      }
      try {
        next.verifyWith(prev);
      } catch (TufException e) {
        throw TufException.verification("root", "version " + v + " is not signed by the root keys of version "
            + prev.version() + " (" + reason(e) + ")");
      }
      try {
        next.verifyWith(next);
      } catch (TufException e) {
        throw TufException.verification("root", "version " + v + " is not signed by its own root keys ("
            + reason(e) + ")");
      }
      next.checkCertificates(gun, now);
      prev = next;
    }
    return prev;
  }

  /** Whether {@code root} has the pinned root key (true when nothing is pinned). */
  private boolean matchesPin(Root root) throws TufException {
    X509Certificate pin = options.pinnedRoot();
    String pinId = options.pinnedRootKeyId();
    if (pin == null && pinId == null) {
      return true;
    }
    for (String id : root.roles().get("root").keyIds()) {
      TufKey k = root.keys().get(id);
      if (pinId != null && (pinId.equalsIgnoreCase(id) || pinId.equalsIgnoreCase(k.canonicalId()))) {
        return true;
      }
      if (pin == null) {
        continue;
      }
      try {
        if (k.isX509() && Arrays.equals(k.certificates("root").get(0).getEncoded(), pin.getEncoded())) {
          return true;
        }
      } catch (CertificateEncodingException e) {
        continue;
      }
      if (Arrays.equals(k.publicKey("root").getEncoded(), pin.getPublicKey().getEncoded())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The pin does not match {@code current}: finds the newest older root version that has the pinned key and walks
   * the rotation from it up to {@code current}, each version signed by the previous root's keys and its own.
   */
  private Root rootFromPin(Root current) throws TufException {
    int lowest = Math.max(1, current.version() - options.limits().maxRoles());
    for (int v = current.version() - 1; v >= lowest; v--) {
      Optional<byte[]> b = source.fetch(new MetadataSource.Request("root", null, v), options.limits().root());
      if (b.isEmpty()) {
        continue;
      }
      Root candidate = Root.parse(b.get(), "root");
      if (candidate.version() != v) {
        throw TufException.verification("root", v + ".root.json has version " + candidate.version());
      }
      if (matchesPin(candidate)) {
        candidate.verifyWith(candidate);
        return rotate(candidate, current);
      }
    }
    String what = options.pinnedRoot() != null
        ? "the pinned root certificate " + options.pinnedRoot().getSubjectX500Principal().getName()
        : "the pinned root key ID " + options.pinnedRootKeyId();
    throw TufException.verification("root", "no root key matches " + what + " (root versions " + lowest + " to "
        + current.version() + " at " + source + ")");
  }

  // ------------------------------------------------------------------ delegations

  private void delegations(TrustedRepository.VerifiedRole parent, Snapshot snap,
      List<TrustedRepository.VerifiedRole> out) throws TufException {
    for (Targets.Delegation d : parent.targets().delegations()) {
      if (out.size() >= options.limits().maxRoles()) {
        throw TufException.verification(d.name(), "more than " + options.limits().maxRoles() + " roles");
      }
      List<String> paths = new ArrayList<>();
      for (String p : d.paths()) {
        if (parent.paths() == null || parent.paths().stream().anyMatch(p::startsWith)) {
          paths.add(p);
        }
      }
      FileMeta meta = snap.meta().get(d.name());
      if (meta == null) {
        continue; // not published: notary skips it
      }
      byte[] bytes = fetchListed(d.name(), meta, "snapshot", options.limits().targets());
      Targets t = Targets.parse(d.name(), bytes);
      // keys whose certificate is not valid now do not count toward the threshold (fail closed)
      Map<String, TufKey> usable = new LinkedHashMap<>(parent.targets().delegationKeys());
      List<String> refusedKeys = new ArrayList<>();
      List<String> signers;
      try {
        for (String id : d.keys().keyIds()) {
          String problem = usable.get(id).certificateProblem(d.name(), now);
          if (problem != null) {
            usable.remove(id);
            refusedKeys.add("key " + id + " not counted: " + problem);
          }
        }
        signers = Signatures.verify(t.file(), usable, d.keys());
        t.file().checkExpiry(now);
      } catch (TufException e) {
        warnings.add(e.getMessage() + (refusedKeys.isEmpty() ? "" : " (" + String.join("; ", refusedKeys) + ")")
            + "; role ignored");
        continue;
      }
      for (String r : refusedKeys) {
        warnings.add(d.name() + ": " + r);
      }
      t.file().checkNotRolledBack(cachedVersion(d.name()));
      accepted.put(d.name(), bytes);
      TrustedRepository.VerifiedRole role = new TrustedRepository.VerifiedRole(d.name(), t, signers, paths);
      for (String name : t.targets().keySet()) {
        if (!role.allows(name)) {
          warnings.add(d.name() + ": signs \"" + name + "\" outside its delegated paths " + paths + "; ignored");
        }
      }
      out.add(role);
      delegations(role, snap, out);
    }
  }

  // ------------------------------------------------------------------ fetching

  private byte[] fetch(MetadataSource.Request r, long cap) throws TufException {
    return source.fetch(r, cap).orElseThrow(() -> new TufException(TufException.Kind.NETWORK, r.role(),
        r.fileName() + " not found at " + source));
  }

  private byte[] fetchListed(String role, FileMeta meta, String listedBy, long limit) throws TufException {
    if (meta.length() > limit) {
      throw TufException.verification(role, "the " + listedBy + " metadata declares " + meta.length()
          + " bytes, above the limit of " + limit);
    }
    byte[] b = fetch(new MetadataSource.Request(role, meta.sha256Hex(), null), meta.length());
    meta.check(role, listedBy, b);
    return b;
  }

  private Integer cachedVersion(String role) throws TufException {
    return options.cache() == null ? null : options.cache().version(role);
  }

  private static String reason(TufException e) {
    String m = e.getMessage();
    return e.role() != null && m.startsWith(e.role() + ": ") ? m.substring(e.role().length() + 2) : m;
  }
}
