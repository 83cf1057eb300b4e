package dev.nota.testregistry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The single HTTP handler: records the request, applies the request-level faults, checks access, and hands
 * the request to the handler of its route. Unknown routes get distribution's router answer, a text/plain 404.
 */
final class Router implements HttpHandler {
  private static final Pattern ROUTE = Pattern.compile(
      "^/v2/(?<name>.+)/(?<kind>blobs/uploads|blobs|manifests|tags/list|referrers)(?:/(?<rest>[^/]*))?$");

  private final Services services;
  private final BlobHandler blobs;
  private final UploadHandler uploads;
  private final ManifestHandler manifests;
  private final ListingHandler listings;
  /** Requests remembered for the logs: the newest ones, so that a long-running serve stays small. */
  static final int LOG_LIMIT = 100_000;

  private final ArrayDeque<String> log = new ArrayDeque<>();
  private final ArrayDeque<Logged> exchanges = new ArrayDeque<>();

  /** A request as it arrived, and the status its answer carries once sent. */
  private record Logged(String method, String target, AtomicInteger status) {}

  Router(Services services) {
    this.services = services;
    this.blobs = new BlobHandler(services);
    this.uploads = new UploadHandler(services);
    this.manifests = new ManifestHandler(services);
    this.listings = new ListingHandler(services);
  }

  List<String> requestLog() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  List<TestRegistry.Exchange> exchanges() {
    synchronized (log) {
      return exchanges.stream()
          .map(e -> new TestRegistry.Exchange(e.method(), e.target(), e.status().get())).toList();
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
    Call call = new Call(exchange);
    String query = exchange.getRequestURI().getRawQuery();
    String target = call.path() + (query == null ? "" : "?" + query);
    try {
      synchronized (log) {
        log.add(call.method() + " " + target);
        exchanges.add(new Logged(call.method(), target, call.status()));
        if (log.size() > LOG_LIMIT) {
          log.removeFirst();
          exchanges.removeFirst();
        }
      }
      int fault = services.faults().decide();
      if (fault == Faults.DROP) {
        return; // closing the exchange before any response closes the connection
      }
      Duration delay = services.faults().delay();
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      call.setHeader("Docker-Distribution-Api-Version", "registry/2.0");
      if (fault != Faults.NONE) {
        if (fault == 429) {
          call.setHeader("Retry-After", "0");
        }
        call.error(fault, "UNKNOWN", "injected fault", null);
        return;
      }
      route(call);
    } catch (RegistryError e) {
      try {
        if (!call.answered()) {
          call.error(e.status(), e.code(), e.getMessage(), e.detail());
        }
      } catch (IOException ignored) {
        // the client went away
      }
    } catch (IOException e) {
      // the client went away, or a truncation fault cut the response short
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      try {
        if (!call.answered()) {
          call.error(500, "UNKNOWN", "internal error", String.valueOf(e));
        }
      } catch (IOException ignored) {
        // the client went away
      }
    } finally {
      exchange.close();
    }
  }

  private void route(Call call) throws IOException, RegistryError {
    String path = call.path();
    if (path.equals("/token") && services.auth().servesTokens()) {
      services.auth().token(call);
      return;
    }
    if (path.equals("/v2/") || path.equals("/v2")) {
      if (services.auth().check(call, null, null)) {
        call.json(200, Call.JSON.createObjectNode());
      }
      return;
    }
    if (path.equals("/v2/_catalog")) {
      if (!call.method().equals("GET")) {
        throw RegistryError.unsupported(call.method() + " on the catalog");
      }
      if (services.auth().check(call, "registry:catalog", "*")) {
        listings.catalog(call);
      }
      return;
    }
    Matcher m = ROUTE.matcher(path);
    if (!m.matches()) {
      call.plainNotFound();
      return;
    }
    String name = m.group("name");
    String kind = m.group("kind");
    String rest = m.group("rest");
    boolean needsRest = !kind.equals("tags/list") && !kind.equals("blobs/uploads");
    if ((kind.equals("tags/list") && rest != null) || (needsRest && (rest == null || rest.isEmpty()))) {
      call.plainNotFound();
      return;
    }
    if (kind.equals("referrers") && !services.referrersApi()) {
      call.plainNotFound();
      return;
    }
    Names.checkName(name);
    if (!services.auth().check(call, "repository:" + name, actions(call, kind))) {
      return;
    }
    switch (kind) {
      case "blobs/uploads" -> uploads.handle(call, name, rest == null ? "" : rest);
      case "blobs" -> blobs.handle(call, name, rest);
      case "manifests" -> manifests.handle(call, name, rest);
      case "tags/list" -> listings.tags(call, name);
      default -> listings.referrers(call, name, rest);
    }
  }

  private static String actions(Call call, String kind) {
    switch (call.method()) {
      case "GET":
      case "HEAD":
        return "pull";
      case "DELETE":
        return kind.equals("blobs/uploads") ? "pull,push" : "delete";
      default:
        return "pull,push";
    }
  }
}
