package dev.nota.testregistry;

import dev.nota.oci.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code /v2/<name>/manifests/<tag|digest>}: PUT validates and stores the exact bytes (answering
 * {@code OCI-Subject} when the referrers API is on), GET/HEAD return them with strict content negotiation
 * like distribution, DELETE by digest cascades to tags and referrers, DELETE by tag removes only the tag.
 */
final class ManifestHandler {
  /** The largest manifest accepted: 4 MiB, as distribution and notation use. */
  static final int MAX_MANIFEST = 4 * 1024 * 1024;

  private final Services services;

  ManifestHandler(Services services) {
    this.services = services;
  }

  void handle(Call call, String name, String reference) throws IOException, RegistryError {
    boolean byDigest = Names.looksLikeDigest(reference);
    if (!byDigest && !Names.isTag(reference)) {
      throw new RegistryError(400, "TAG_INVALID", "manifest tag did not match URI", reference);
    }
    Digest digest = byDigest ? Names.digest(reference) : null;
    switch (call.method()) {
      case "PUT" -> put(call, name, reference, digest);
      case "GET", "HEAD" -> get(call, name, reference, digest);
      case "DELETE" -> delete(call, name, reference, digest);
      default -> throw RegistryError.unsupported(call.method() + " on a manifest");
    }
  }

  private void put(Call call, String name, String reference, Digest urlDigest)
      throws IOException, RegistryError {
    byte[] body = call.readBody(MAX_MANIFEST);
    String mediaType = call.header("Content-Type");
    if (mediaType != null) {
      int semi = mediaType.indexOf(';');
      mediaType = (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
    ManifestInfo info = ManifestInfo.parse(mediaType, body);
    Digest digest = Digest.of(urlDigest == null ? Digest.Algorithm.SHA256 : urlDigest.algorithm(), body);
    if (urlDigest != null && !urlDigest.equals(digest)) {
      throw new RegistryError(400, "DIGEST_INVALID", "manifest digest did not match the URL",
          "URL names " + urlDigest + ", body hashes to " + digest);
    }
    List<String> tags = new ArrayList<>();
    if (urlDigest == null) {
      tags.add(reference);
    }
    for (String t : call.params("tag")) {
      if (!Names.isTag(t)) {
        throw new RegistryError(400, "TAG_INVALID", "invalid tag", t);
      }
      tags.add(t);
    }
    services.store().put(digest, body);
    boolean index = !services.faults().unindexedSubjects();
    services.repos().putManifest(name, digest, mediaType, body.length, info, tags, index);
    if (urlDigest != null) {
      for (String t : call.params("tag")) {
        call.addHeader("OCI-Tag", t);
      }
    }
    call.setHeader("Location", "/v2/" + name + "/manifests/" + digest);
    call.setHeader("Docker-Content-Digest", digest.toString());
    if (info.subject() != null && services.referrersApi() && index) {
      call.setHeader("OCI-Subject", info.subject().toString());
    }
    call.empty(201);
  }

  private void get(Call call, String name, String reference, Digest digest)
      throws IOException, RegistryError {
    if (digest == null) {
      digest = services.repos().tag(name, reference);
      if (digest == null) {
        throw RegistryError.manifestUnknown(reference);
      }
    }
    String mediaType = services.repos().manifestType(name, digest);
    if (mediaType == null || services.store().size(digest) < 0) {
      throw RegistryError.manifestUnknown(reference);
    }
    if (!accepts(call, mediaType)) {
      throw new RegistryError(404, "MANIFEST_UNKNOWN", "manifest unknown",
          mediaType + " found, but the Accept header does not include it");
    }
    byte[] body = services.store().read(digest);
    call.setHeader("Docker-Content-Digest", digest.toString());
    String etag = "\"" + digest + "\"";
    call.setHeader("Etag", etag);
    String ifNoneMatch = call.header("If-None-Match");
    if (ifNoneMatch != null
        && (ifNoneMatch.trim().equals(etag) || ifNoneMatch.trim().equals(digest.toString()))) {
      call.empty(304);
      return;
    }
    call.bytes(200, mediaType, body);
  }

  /** Whether the Accept headers (if any) name {@code mediaType} or {@code *}{@code /*}. */
  private static boolean accepts(Call call, String mediaType) {
    boolean any = false;
    for (String header : call.headers("Accept")) {
      for (String item : header.split(",")) {
        int semi = item.indexOf(';');
        String type = (semi < 0 ? item : item.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
          continue;
        }
        any = true;
        if (type.equals(mediaType) || type.equals("*/*")) {
          return true;
        }
      }
    }
    return !any;
  }

  private void delete(Call call, String name, String reference, Digest digest)
      throws IOException, RegistryError {
    if (!services.deleteEnabled()) {
      throw RegistryError.unsupported("deletes are disabled");
    }
    boolean removed = digest == null
        ? services.repos().deleteTag(name, reference)
        : services.repos().deleteManifest(name, digest);
    if (!removed) {
      throw RegistryError.manifestUnknown(reference);
    }
    call.empty(202);
  }
}
