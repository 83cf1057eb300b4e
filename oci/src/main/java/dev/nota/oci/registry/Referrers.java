package dev.nota.oci.registry;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.Index;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Referrers of a subject: the OCI 1.1 Referrers API (paginated, filtered client side when the registry did not), the
 * {@code <alg>-<hex>} tag schema index, and the read-modify-write of that index. Registries ignore {@code If-Match},
 * so every write is confirmed by reading the tag again after a pause (twice the writer's own read-to-write time
 * plus 100-150 ms, the time in which a competitor that read before our write writes too) and repeated until the
 * entry is (or is no longer) there: two concurrent writers both end up listed. Writers in one process also take a
 * lock.
 */
final class Referrers {
  private static final int MAX_PAGES = 1000;
  private static final int MAX_ATTEMPTS = 10;
  private static final long MIN_SETTLE_MS = 100;
  private static final long SETTLE_JITTER_MS = 50;
  private static final long MAX_SETTLE_MS = 5_000;
  private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

  private final RegistryTarget target;
  private final Transport transport;
  private final Repo repo;
  private final RegistryClient client;

  Referrers(RegistryTarget target, Transport transport, Repo repo, RegistryClient client) {
    this.target = target;
    this.transport = transport;
    this.repo = repo;
    this.client = client;
  }

  /** The tag index of a subject as read: the index and the digest of its bytes. */
  record TagIndex(Index index, Digest digest) {}

  List<Descriptor> list(Descriptor subject, String artifactType) throws OciException {
    Map<Digest, Descriptor> out = new LinkedHashMap<>();
    List<Descriptor> api = fromApi(subject.digest(), artifactType);
    if (api != null) {
      api.forEach(d -> out.putIfAbsent(d.digest(), d));
    }
    TagIndex tagged = target.readTagIndex(subject.digest(), "listing referrers of " + subject.digest(), false);
    if (tagged != null) {
      for (Descriptor d : tagged.index().manifests()) {
        if (matches(d, artifactType)) {
          out.putIfAbsent(d.digest(), d);
        }
      }
    }
    return List.copyOf(out.values());
  }

  private static boolean matches(Descriptor d, String artifactType) {
    return artifactType == null || artifactType.equals(d.artifactType());
  }

  private record Page(List<Descriptor> manifests, boolean filtered, HttpUrl next) {}

  /** The Referrers API answer, or null when the registry has no such API. */
  private List<Descriptor> fromApi(Digest subject, String artifactType) throws OciException {
    String what = "listing referrers of " + subject + " in " + repo.name();
    HttpUrl url = repo.url("referrers", subject.toString());
    if (artifactType != null) {
      url = Links.withQuery(url, "artifactType", artifactType);
    }
    List<Descriptor> out = new ArrayList<>();
    for (int pages = 0; url != null; pages++) {
      if (pages == MAX_PAGES) {
        throw new RegistryException(what + ": more than " + MAX_PAGES + " pages of referrers", 200, null);
      }
      Request get = repo.request(url, repo.pull()).get().header("Accept", MediaTypes.OCI_INDEX).build();
      Page page = transport.run(repo.endpoint(what, get).accepting(200, 404), r -> {
        if (r.code() != 200 || !MediaTypes.OCI_INDEX.equals(RegistryTarget.mediaType(r))) {
          return null;
        }
        Index index = OciJson.parseIndex(RegistryTarget.readCapped(r, Target.MAX_MANIFEST_SIZE, what));
        String filters = r.header("OCI-Filters-Applied");
        boolean filtered = filters != null && List.of(filters.replace(" ", "").split(",")).contains("artifactType");
        return new Page(index.manifests(), filtered, Links.next(r.request().url(), r.headers("Link")));
      });
      if (page == null) {
        if (pages == 0) {
          client.referrersSupport.put(repo.registry(), ReferrersSupport.TAG_SCHEMA);
          return null;
        }
        break;
      }
      client.referrersSupport.put(repo.registry(), ReferrersSupport.API);
      for (Descriptor d : page.manifests()) {
        if (page.filtered() || matches(d, artifactType)) {
          out.add(d);
        }
      }
      url = page.next();
    }
    return out;
  }

  /** Whether the registry has the Referrers API; probed once per registry and client. */
  ReferrersSupport support() throws OciException {
    ReferrersSupport known = client.referrersSupport.get(repo.registry());
    if (known != null) {
      return known;
    }
    String what = "probing the Referrers API of " + repo.registry();
    Request get = repo.request(repo.url("referrers", ZERO_DIGEST), repo.pull()).get()
        .header("Accept", MediaTypes.OCI_INDEX).build();
    ReferrersSupport found = transport.run(repo.endpoint(what, get).accepting(200, 404),
        r -> r.code() == 200 && MediaTypes.OCI_INDEX.equals(RegistryTarget.mediaType(r))
            ? ReferrersSupport.API : ReferrersSupport.TAG_SCHEMA);
    client.referrersSupport.put(repo.registry(), found);
    return found;
  }

  /** Adds {@code entry} to the tag index of {@code subject}. */
  void add(Digest subject, Descriptor entry) throws OciException {
    update(subject, "adding " + entry.digest() + " to the referrers tag index " + subject.referrersTag() + " of "
        + repo.name(), list -> list.stream().anyMatch(d -> d.digest().equals(entry.digest())), list -> {
          List<Descriptor> next = new ArrayList<>(list);
          next.add(entry);
          return next;
        });
  }

  /** Removes {@code entry} from the tag index of {@code subject}, when it exists and lists it. */
  void remove(Digest subject, Digest entry) throws OciException {
    update(subject, "removing " + entry + " from the referrers tag index " + subject.referrersTag() + " of "
        + repo.name(), list -> list.stream().noneMatch(d -> d.digest().equals(entry)),
        list -> list.stream().filter(d -> !d.digest().equals(entry)).toList());
  }

  private void update(Digest subject, String what, Predicate<List<Descriptor>> done,
      UnaryOperator<List<Descriptor>> change) throws OciException {
    // Load and warm the index codec before the first read, so that the time between our read and our write (the
    // window in which another writer's update can be lost) is network time, not class loading.
    OciJson.parseIndex(OciJson.write(Index.of(change.apply(List.of()))));
    Object lock = client.indexLocks.computeIfAbsent(repo.name() + "@" + subject, k -> new Object());
    RegistryException racing = null;
    synchronized (lock) {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        try {
          if (updateOnce(subject, what, done, change)) {
            return;
          }
        } catch (RegistryException e) {
          // distribution rewrites its tag link files in place: a read or write racing another writer's can fail
          // with 500 UNKNOWN. Within this loop that is one more lost round, not the registry being down.
          if (e.status() != 500) {
            throw e;
          }
          racing = e;
        }
        Transport.sleep(Transport.backoff(attempt, null));
      }
    }
    if (racing != null) {
      throw racing;
    }
    throw new RegistryException(what + ": still not done after " + MAX_ATTEMPTS
        + " attempts; other clients keep rewriting the index", 0, null);
  }

  /** One read-modify-write-check round; true when the index is as wanted. */
  private boolean updateOnce(Digest subject, String what, Predicate<List<Descriptor>> done,
      UnaryOperator<List<Descriptor>> change) throws OciException {
    long started = System.nanoTime();
    TagIndex current = target.readTagIndex(subject, what, true);
    List<Descriptor> entries = current == null ? List.of() : current.index().manifests();
    if (done.test(entries)) {
      return true;
    }
    byte[] bytes = OciJson.write(Index.of(change.apply(entries)));
    if (bytes.length > Target.MAX_MANIFEST_SIZE) {
      throw new RegistryException(what + ": the index would exceed " + Target.MAX_MANIFEST_SIZE + " bytes", 0,
          null);
    }
    target.putManifest(what, MediaTypes.OCI_INDEX, bytes, subject.referrersTag());
    // Another writer that read the old index before our PUT writes within about its own read-to-write time, which
    // is close to ours: wait twice ours (and a little more), then look. If our entry was overwritten, the caller
    // writes again on top of theirs.
    Transport.sleep(settle(Duration.ofNanos(System.nanoTime() - started)));
    TagIndex check = target.readTagIndex(subject, what, true);
    if (check == null || !done.test(check.index().manifests())) {
      return false;
    }
    if (current != null && !current.digest().equals(check.digest())) {
      target.deleteQuietly(current.digest());
    }
    return true;
  }

  /** How long to wait after a write of the tag index before checking it: 2 x the read-to-write time + 100..150 ms. */
  static Duration settle(Duration readToWrite) {
    long ms = Math.min(MAX_SETTLE_MS, 2 * readToWrite.toMillis() + MIN_SETTLE_MS
        + ThreadLocalRandom.current().nextLong(SETTLE_JITTER_MS + 1));
    return Duration.ofMillis(ms);
  }
}
