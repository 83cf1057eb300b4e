package dev.nota.oci.registry;

import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.OciException;
import dev.nota.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The blob upload protocol: {@code POST} a session, then one streamed {@code PUT ?digest=} for blobs up to 16 MiB, or
 * 8 MiB {@code PATCH} chunks with {@code Content-Range} (always to the newest {@code Location}, since registries
 * encode the offset in it) and a final empty {@code PUT}. A failed upload restarts from a fresh session when the
 * source can be reopened. Also the cross-repository mount.
 */
final class BlobUpload {
  static final long MONOLITHIC_MAX = 16L * 1024 * 1024;
  static final long CHUNK_SIZE = 8L * 1024 * 1024;

  private final Transport transport;
  private final Repo repo;

  BlobUpload(Transport transport, Repo repo) {
    this.transport = transport;
    this.repo = repo;
  }

  void push(Descriptor blob, BlobSource source) throws OciException {
    int attempt = 0;
    while (true) {
      try {
        pushOnce(blob, source);
        return;
      } catch (RegistryException e) {
        if (!source.reopenable() || !e.isTransient() || attempt >= transport.maxRetries()) {
          throw e;
        }
        Transport.sleep(Transport.backoff(attempt++, null));
      }
    }
  }

  /** Mounts {@code blob} from {@code fromRepository}; false (session cancelled) when the registry wants an upload. */
  boolean mount(Descriptor blob, String fromRepository) throws OciException {
    String what = "mounting blob " + blob.digest() + " from " + fromRepository + " into " + repo.name();
    HttpUrl url = repo.url("blobs", "uploads", "").newBuilder()
        .addQueryParameter("mount", blob.digest().toString())
        .addQueryParameter("from", fromRepository)
        .build();
    AuthScope scope = new AuthScope(repo.registry(), List.of(
        "repository:" + repo.repository() + ":pull,push", "repository:" + fromRepository + ":pull"));
    Request request = repo.request(url, scope).post(RequestBody.EMPTY).build();
    HttpUrl session = transport.run(repo.endpoint(what, request).accepting(201, 202),
        r -> r.code() == 201 ? null : location(r, what));
    if (session == null) {
      return true;
    }
    cancel(session);
    return false;
  }

  private void pushOnce(Descriptor blob, BlobSource source) throws OciException {
    String what = "pushing blob " + blob.digest() + " to " + repo.name();
    HttpUrl location = start(what);
    InputStream in;
    try {
      in = source.open();
    } catch (IOException e) {
      cancel(location);
      throw new OciException(what + ": cannot read the blob: " + e.getMessage(), e);
    }
    // A stream that verifies itself (a blob fetched from a source, being copied) is not hashed a second time: it
    // fails at its end, which StreamBody reads before the last bytes go out.
    MessageDigest md = VerifyingInputStream.verifies(in, blob) ? null
        : blob.digest().algorithm().newMessageDigest();
    try (in) {
      if (blob.size() > MONOLITHIC_MAX) {
        location = patchChunks(what, blob, in, md, location);
        checkDigest(what, blob, md, location);
        commit(what, blob, location, RequestBody.EMPTY, md);
      } else {
        commit(what, blob, location, new StreamBody(in, blob.size(), md, true), md);
      }
    } catch (IOException e) {
      // closing the caller's stream failed after a successful upload: nothing to undo
    }
  }

  private HttpUrl start(String what) throws OciException {
    Request post = repo.request(repo.url("blobs", "uploads", ""), repo.push()).post(RequestBody.EMPTY).build();
    return transport.run(repo.endpoint(what, post).accepting(202), r -> location(r, what));
  }

  private HttpUrl patchChunks(String what, Descriptor blob, InputStream in, MessageDigest md, HttpUrl location)
      throws OciException {
    long offset = 0;
    while (offset < blob.size()) {
      long length = Math.min(CHUNK_SIZE, blob.size() - offset);
      boolean last = offset + length == blob.size();
      Request patch = repo.request(location, repo.push())
          .patch(new StreamBody(in, length, md, last))
          .header("Content-Range", offset + "-" + (offset + length - 1))
          .build();
      HttpUrl current = location;
      location = transport.run(repo.endpoint(what, patch).once().accepting(202), r -> {
        HttpUrl next = Links.resolve(r.request().url(), r.header("Location"));
        return next != null ? next : current;
      });
      offset += length;
    }
    return location;
  }

  private void checkDigest(String what, Descriptor blob, MessageDigest md, HttpUrl location) throws OciException {
    if (md == null) {
      return; // the source stream checked itself at its end
    }
    Digest got = Digest.of(blob.digest().algorithm(), md);
    if (!got.equals(blob.digest())) {
      cancel(location);
      throw new InvalidContentException(what + ": the content's digest is " + got + ", not " + blob.digest()
          + "; nothing was committed");
    }
  }

  private void commit(String what, Descriptor blob, HttpUrl location, RequestBody body, MessageDigest md)
      throws OciException {
    HttpUrl url = Links.withDigest(location, blob.digest());
    Request put = repo.request(url, repo.push()).put(body).build();
    Endpoint endpoint = repo.endpoint(what, put).once().accepting(201, 204, 400);
    transport.run(endpoint, r -> {
      if (r.code() == 400) {
        if (body instanceof StreamBody s && s.written() == blob.size()) {
          checkDigest(what, blob, md, location);
        }
        throw transport.failure(endpoint, r);
      }
      Digest stored = Digest.tryParse(r.header("Docker-Content-Digest"));
      if (stored != null && stored.algorithm() == blob.digest().algorithm() && !stored.equals(blob.digest())) {
        throw new RegistryException(what + ": " + repo.registry() + " stored it as " + stored, r.code(), null);
      }
      return null;
    });
  }

  /** Abandons an upload session; failures do not matter (sessions expire). */
  void cancel(HttpUrl location) {
    try {
      Request delete = repo.request(location, repo.push()).delete().build();
      transport.run(repo.endpoint("cancelling upload", delete).once().accepting(200, 202, 204, 404), r -> null);
    } catch (OciException e) {
      // ignored
    }
  }

  private static HttpUrl location(Response r, String what) throws RegistryException {
    HttpUrl location = Links.resolve(r.request().url(), r.header("Location"));
    if (location == null) {
      throw new RegistryException(what + ": the registry answered " + r.code() + " without a usable Location",
          r.code(), null);
    }
    return location;
  }
}
