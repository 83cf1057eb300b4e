package dev.nota.oci.registry;

import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * One repository's address: the registry name shown to users, the repository path, and the API root
 * ({@code https://host/v2/}) its URLs are built from.
 */
record Repo(String registry, String repository, HttpUrl v2) {

  /** {@code registry/repository}, for messages. */
  String name() {
    return registry + "/" + repository;
  }

  /** {@code /v2/<repository>/<segments...>}. */
  HttpUrl url(String... segments) {
    HttpUrl.Builder b = v2.newBuilder().addPathSegments(repository);
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  AuthScope pull() {
    return AuthScope.pull(registry, repository);
  }

  AuthScope push() {
    return AuthScope.push(registry, repository);
  }

  /** A request builder for {@code url} tagged with {@code scope}. */
  Request.Builder request(HttpUrl url, AuthScope scope) {
    return new Request.Builder().url(url).tag(AuthScope.class, scope);
  }

  Endpoint endpoint(String description, Request request) {
    return new Endpoint(description, registry, request, true, java.util.Set.of(), false);
  }
}
