package dev.nota.oci.registry;

import java.util.Set;
import okhttp3.Request;

/**
 * One registry REST call as data: a human description for messages ("pushing manifest to localhost:5000/app"), the
 * request, whether it may be repeated, and which statuses its handler deals with (every other status becomes an
 * exception in {@link Transport}).
 *
 * @param description what is being done, the prefix of every error message
 * @param registry the registry name shown in messages
 * @param request the request, tagged with its {@link AuthScope}
 * @param idempotent whether the call may be retried after a transient failure
 * @param accepted statuses passed to the handler; 2xx when empty
 * @param notFound whether 404 means "this content does not exist" ({@link dev.nota.oci.NotFoundException})
 */
record Endpoint(String description, String registry, Request request, boolean idempotent, Set<Integer> accepted,
    boolean notFound) {

  Endpoint {
    accepted = Set.copyOf(accepted);
  }

  boolean accepts(int status) {
    return accepted.isEmpty() ? status >= 200 && status < 300 : accepted.contains(status);
  }

  Endpoint accepting(Integer... statuses) {
    return new Endpoint(description, registry, request, idempotent, Set.of(statuses), notFound);
  }

  Endpoint notFoundIsMissing() {
    return new Endpoint(description, registry, request, idempotent, accepted, true);
  }

  Endpoint once() {
    return new Endpoint(description, registry, request, false, accepted, notFound);
  }
}
