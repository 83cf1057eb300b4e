package dev.nota.core.revocation;

import java.io.ByteArrayOutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plain-HTTP requests to revocation services with a deadline for the whole exchange and a byte cap enforced while the
 * body arrives (an oversized answer is refused, never buffered). The JDK client is built on first use, so chains
 * without revocation URLs never pay for it.
 */
final class RevocationHttp {
  private final ProxySelector proxy;
  private volatile HttpClient client;

  RevocationHttp(ProxySelector proxy) {
    this.proxy = proxy;
  }

  byte[] get(URI url, Duration timeout, long cap, String what) throws RevocationUnavailable {
    return send(HttpRequest.newBuilder(url).GET(), url, timeout, cap, what);
  }

  byte[] post(URI url, byte[] body, String contentType, Duration timeout, long cap, String what)
      throws RevocationUnavailable {
    return send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", contentType), url, timeout, cap, what);
  }

  /** Only {@code http} URLs are used, as notation does (a revocation answer is signed; TLS adds nothing). */
  static URI httpUrl(String text, String what) throws RevocationUnavailable {
    URI u;
    try {
      u = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new RevocationUnavailable(what + " URL \"" + text + "\" is malformed");
    }
    if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw new RevocationUnavailable(what + " URL \"" + text + "\" is not an http URL, which is all nota fetches");
    }
    return u;
  }

  private byte[] send(HttpRequest.Builder request, URI url, Duration timeout, long cap, String what)
      throws RevocationUnavailable {
    HttpRequest r = request.timeout(timeout).build();
    CompletableFuture<HttpResponse<byte[]>> future = client(timeout).sendAsync(r, info -> capped(info, cap));
    HttpResponse<byte[]> response;
    try {
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RevocationUnavailable(what + " request to " + url + " timed out after " + seconds(timeout));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new RevocationUnavailable(what + " request to " + url + " was interrupted");
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      while (cause.getCause() != null && !(cause instanceof TooLarge)) {
        cause = cause.getCause();
      }
      if (cause instanceof TooLarge) {
        throw new RevocationUnavailable(what + " from " + url + " is larger than the " + cap + "-byte limit");
      }
      if (cause instanceof java.net.http.HttpTimeoutException) {
        throw new RevocationUnavailable(what + " request to " + url + " timed out after " + seconds(timeout));
      }
      String m = cause.getMessage();
      throw new RevocationUnavailable(what + " request to " + url + " failed: " + cause.getClass().getSimpleName()
          + (m == null || m.isBlank() ? "" : " " + m.lines().findFirst().orElse("")));
    }
    if (response.statusCode() != 200) {
      throw new RevocationUnavailable(what + " request to " + url + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  private HttpClient client(Duration connectTimeout) {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          HttpClient.Builder b = HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(connectTimeout);
          if (proxy != null) {
            b.proxy(proxy);
          }
          client = c = b.build();
        }
      }
    }
    return c;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** Refuses by Content-Length first, then counts bytes as they arrive; non-200 bodies are discarded. */
  private static HttpResponse.BodySubscriber<byte[]> capped(HttpResponse.ResponseInfo info, long cap) {
    if (info.statusCode() != 200) {
      return HttpResponse.BodySubscribers.replacing(new byte[0]);
    }
    long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > cap) {
      return new Capped(-1);
    }
    return new Capped(cap);
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("too large", null, false, false);
    }
  }

  private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
    private final long cap;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Capped(long cap) {
      this.cap = cap;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cap < 0) {
        s.cancel();
        result.completeExceptionally(new TooLarge());
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (bytes.size() + (long) b.remaining() > cap) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
