package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Blob uploads, {@code /v2/<name>/blobs/uploads/[<uuid>]}: session start (POST), cross-repository mount (from
 * {@code from}, or without it from any repository the caller may pull), single request monolithic POST,
 * chunks (PATCH, in order only: an out-of-order {@code Content-Range} gets 416), status (GET), completion
 * with digest check (PUT; a wrong digest leaves the session usable) and cancel (DELETE). Bytes stream into
 * the blob store's upload space while a SHA-256 runs over them.
 */
final class UploadHandler {
  private final Services services;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  private static final class Session {
    final String id;
    final String name;
    final BlobStore.Upload upload;
    final MessageDigest sha256 = Digest.Algorithm.SHA256.newMessageDigest();
    /** Requests on this session in progress (a sweep leaves it alone then) and when the last one ended. */
    final AtomicInteger active = new AtomicInteger();
    volatile long idleSince = System.nanoTime();

    Session(String id, String name, BlobStore.Upload upload) {
      this.id = id;
      this.name = name;
      this.upload = upload;
    }
  }

  UploadHandler(Services services) {
    this.services = services;
  }

  void handle(Call call, String name, String id) throws IOException, RegistryError {
    if (id.isEmpty()) {
      if (!call.method().equals("POST")) {
        throw RegistryError.unsupported(call.method() + " on the uploads endpoint");
      }
      post(call, name);
      return;
    }
    Session s = sessions.get(id);
    if (s == null || !s.name.equals(name)) {
      throw RegistryError.uploadUnknown(id);
    }
    s.active.incrementAndGet();
    try {
      synchronized (s) {
        if (sessions.get(id) != s) {
          throw RegistryError.uploadUnknown(id);
        }
        switch (call.method()) {
          case "GET" -> status(call, s, 204);
          case "PATCH" -> patch(call, s);
          case "PUT" -> put(call, s);
          case "DELETE" -> {
            sessions.remove(id);
            s.upload.discard();
            call.empty(204);
          }
          default -> throw RegistryError.unsupported(call.method() + " on an upload session");
        }
      }
    } finally {
      s.idleSince = System.nanoTime();
      s.active.decrementAndGet();
    }
  }

  /**
   * Drops the sessions idle for longer than the expiry, with their bytes. A session with a request in progress is
   * skipped (never waited for); one whose request arrives while it is being dropped finds it gone (404).
   */
  private void sweep() {
    long limit = services.uploadExpiry().toNanos();
    long now = System.nanoTime();
    for (Session s : sessions.values()) {
      if (s.active.get() == 0 && now - s.idleSince > limit) {
        synchronized (s) {
          if (s.active.get() == 0 && now - s.idleSince > limit && sessions.remove(s.id, s)) {
            try {
              s.upload.discard();
            } catch (IOException e) {
              // the session is gone either way; a file store clears leftovers at its next start
            }
          }
        }
      }
    }
  }

  private void post(Call call, String name) throws IOException, RegistryError {
    Digest mount = Digest.tryParse(call.param("mount"));
    if (mount != null) {
      String from = call.param("from");
      for (String source : from == null ? services.repos().holders(mount) : java.util.List.of(from)) {
        if (Names.isName(source) && services.repos().hasBlob(source, mount)
            && services.auth().allows(call, source, "pull")) {
          services.repos().linkBlob(name, mount);
          created(call, name, mount);
          return;
        }
      }
    }
    String digestParam = call.param("digest");
    if (digestParam != null && (call.hasBody() || emptyBlob(call, digestParam))) {
      Digest expected = Names.digest(digestParam);
      Session s = new Session(UUID.randomUUID().toString(), name, services.store().newUpload(newId()));
      try {
        s.upload.append(call.body(), s.sha256);
        finish(call, s, expected);
      } finally {
        s.upload.discard();
      }
      return;
    }
    sweep();
    String id = newId();
    Session s = new Session(id, name, services.store().newUpload(id));
    sessions.put(id, s);
    status(call, s, 202);
  }

  private static boolean emptyBlob(Call call, String digest) {
    return call.contentLength() == 0 && digest.equals(Digest.sha256(new byte[0]).toString());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private void patch(Call call, Session s) throws IOException, RegistryError {
    checkContentRange(call, s);
    s.upload.append(call.body(), s.sha256);
    status(call, s, 202);
  }

  /** A chunk's {@code Content-Range} must start where the bytes received so far end: else 416. */
  private static void checkContentRange(Call call, Session s) throws RegistryError {
    String range = call.header("Content-Range");
    if (range != null) {
      long[] r = parseContentRange(range);
      if (r == null || r[0] != s.upload.size() || r[1] < r[0]
          || (call.contentLength() >= 0 && call.contentLength() != r[1] - r[0] + 1)) {
        uploadHeaders(call, s);
        throw new RegistryError(416, "BLOB_UPLOAD_INVALID", "chunk out of order or malformed Content-Range",
            range + " (received so far: " + s.upload.size() + " bytes)");
      }
    }
  }

  private void put(Call call, Session s) throws IOException, RegistryError {
    String digestParam = call.param("digest");
    if (digestParam == null) {
      throw RegistryError.digestInvalid("the digest query parameter is missing");
    }
    Digest expected = Names.digest(digestParam);
    if (call.hasBody()) {
      checkContentRange(call, s);
      s.upload.append(call.body(), s.sha256);
    }
    finish(call, s, expected);
    sessions.remove(s.id);
  }

  /** Checks the received bytes against {@code expected}, then commits, links and answers 201. */
  private void finish(Call call, Session s, Digest expected) throws IOException, RegistryError {
    Digest actual;
    if (expected.algorithm() == Digest.Algorithm.SHA256) {
      try {
        actual = Digest.of(Digest.Algorithm.SHA256, (MessageDigest) s.sha256.clone());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digester cannot be cloned", e);
      }
    } else {
      MessageDigest md = expected.algorithm().newMessageDigest();
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = s.upload.read()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          md.update(buf, 0, n);
        }
      }
      actual = Digest.of(expected.algorithm(), md);
    }
    if (!actual.equals(expected)) {
      throw new RegistryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content",
          expected.toString());
    }
    if (services.store().size(expected) < 0) {
      s.upload.commit(expected);
    } else {
      s.upload.discard();
    }
    services.repos().linkBlob(s.name, expected);
    created(call, s.name, expected);
  }

  private static void created(Call call, String name, Digest digest) throws IOException {
    call.setHeader("Location", "/v2/" + name + "/blobs/" + digest);
    call.setHeader("Docker-Content-Digest", digest.toString());
    call.empty(201);
  }

  private static void uploadHeaders(Call call, Session s) {
    long size = s.upload.size();
    call.setHeader("Location", "/v2/" + s.name + "/blobs/uploads/" + s.id);
    call.setHeader("Range", size == 0 ? "0-0" : "0-" + (size - 1));
    call.setHeader("Docker-Upload-UUID", s.id);
  }

  private static void status(Call call, Session s, int status) throws IOException {
    uploadHeaders(call, s);
    call.empty(status);
  }

  /** {@code start-end}, also accepting a {@code bytes } prefix and a {@code /total} suffix. */
  private static long[] parseContentRange(String header) {
    String h = header.trim();
    if (h.startsWith("bytes")) {
      h = h.substring(5).trim();
      if (h.startsWith("=")) {
        h = h.substring(1).trim();
      }
    }
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    int dash = h.indexOf('-');
    if (dash <= 0) {
      return null;
    }
    try {
      long start = Long.parseLong(h.substring(0, dash).trim());
      long end = Long.parseLong(h.substring(dash + 1).trim());
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
