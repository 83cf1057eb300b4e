package dev.nota.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.Digest;
import dev.nota.oci.JsonTree;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Runs {@link Endpoint}s: picks the (lazily built) OkHttp client for the URL's scheme, retries idempotent calls with
 * exponential backoff, and is the one place where HTTP failures become typed exceptions whose message starts with the
 * endpoint's description.
 *
 * <p>It also decides the scheme of hosts that may be plain HTTP (see {@link RegistryClient}): before the first request
 * to such a host it sends one line that no HTTP/1 server accepts as a request and that is not TLS. A plain HTTP
 * server answers it with an HTTP status line (and never passes it to its handlers); a TLS server closes the
 * connection. Unlike a TLS handshake attempt, this never waits on servers (such as the JDK's) that keep reading a
 * request line while receiving a TLS ClientHello. The answer is remembered for the life of the client.
 */
final class Transport implements Closeable {
  private static final long BACKOFF_BASE_MS = 50;
  private static final long BACKOFF_CAP_MS = 2_000;
  private static final long RETRY_AFTER_CAP_S = 5;
  private static final byte[] PROBE = "nota-scheme-probe\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP_STATUS_LINE = "HTTP/".getBytes(StandardCharsets.US_ASCII);

  private final RegistryOptions options;
  private final RegistryAuth auth;
  private OkHttpClient plainBare;
  private OkHttpClient plain;
  private OkHttpClient tlsBare;
  private OkHttpClient tls;
  /** {@code host:port} of the HTTPS URLs of registries that may be spoken to over plain HTTP. */
  private final Set<String> mayBePlain = ConcurrentHashMap.newKeySet();
  /** For those: true = plain HTTP, false = HTTPS, absent = not probed yet (or the probe got no answer). */
  private final Map<String, Boolean> plainHttp = new ConcurrentHashMap<>();

  /** Reads a successful response. */
  interface Handler<T> {
    T handle(Response response) throws IOException, OciException;
  }

  Transport(RegistryOptions options) {
    this.options = options;
    this.auth = new RegistryAuth(options.credentials(), url -> {
      try {
        return bare(url);
      } catch (OciException e) {
        throw new IOException(e.getMessage(), e);
      }
    });
  }

  static boolean isRetryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  int maxRetries() {
    return options.maxRetries();
  }

  /** Runs {@code endpoint} and hands the accepted response to {@code handler}, closing it afterwards. */
  <T> T run(Endpoint endpoint, Handler<T> handler) throws OciException {
    int attempt = 0;
    while (true) {
      Response response = open(endpoint);
      try (response) {
        return handler.handle(response);
      } catch (IOException e) {
        if (endpoint.idempotent() && attempt < options.maxRetries() && isTransient(e)) {
          sleep(backoff(attempt++, null));
          continue;
        }
        throw unreachable(endpoint, e);
      }
    }
  }

  /** Allows plain HTTP for the registry at {@code v2} (an https URL), if the server turns out to speak it. */
  void allowPlainHttp(HttpUrl v2) {
    mayBePlain.add(key(v2));
  }

  private static String key(HttpUrl url) {
    return url.host() + ":" + url.port();
  }

  /** {@code url}, or its plain-HTTP form when its host may be and is a plain HTTP server. */
  HttpUrl effectiveUrl(HttpUrl url) {
    if (!url.isHttps() || !mayBePlain.contains(key(url))) {
      return url;
    }
    String key = key(url);
    Boolean plain = plainHttp.get(key);
    if (plain == null) {
      plain = speaksPlainHttp(url.newBuilder().scheme("http").build());
      if (plain != null) {
        plainHttp.put(key, plain);
      }
    }
    return Boolean.TRUE.equals(plain) ? url.newBuilder().scheme("http").build() : url;
  }

  /** True: a plain HTTP server; false: something else (TLS); null: no answer (refused, unknown host, timeout). */
  private Boolean speaksPlainHttp(HttpUrl plain) {
    int ms = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
    Boolean result;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(plain.host(), plain.port()), ms);
      socket.setSoTimeout(ms);
      OutputStream out = socket.getOutputStream();
      out.write(PROBE);
      out.flush();
      result = Arrays.equals(socket.getInputStream().readNBytes(HTTP_STATUS_LINE.length), HTTP_STATUS_LINE);
    } catch (ConnectException | UnknownHostException | SocketTimeoutException e) {
      result = null;
    } catch (IOException e) {
      result = false; // reset while probing: not a plain HTTP server
    }
    if (options.debugLog() != null) {
      options.debugLog().accept("probed " + plain.host() + ":" + plain.port() + ": "
          + (result == null ? "no answer, using HTTPS" : result ? "plain HTTP" : "not plain HTTP, using HTTPS"));
    }
    return result;
  }

  /** Runs {@code endpoint} and returns the accepted response, which the caller must close. */
  Response open(Endpoint original) throws OciException {
    HttpUrl url = effectiveUrl(original.request().url());
    Endpoint endpoint = url == original.request().url() ? original
        : new Endpoint(original.description(), original.registry(), original.request().newBuilder().url(url).build(),
            original.idempotent(), original.accepted(), original.notFound());
    int attempt = 0;
    while (true) {
      Response response;
      try {
        response = client(endpoint.request().url()).newCall(endpoint.request()).execute();
      } catch (RegistryAuth.AuthFailure e) {
        throw new AuthenticationException(endpoint.description() + ": " + e.getMessage(), e.status, null);
      } catch (StreamBody.SourceException e) {
        throw new dev.nota.oci.InvalidContentException(endpoint.description() + ": " + e.getMessage()
            + "; nothing was committed", e);
      } catch (RegistryAuth.StoreFailure e) {
        throw new OciException(endpoint.description() + ": " + e.getMessage(), e.getCause());
      } catch (IOException e) {
        if (endpoint.idempotent() && attempt < options.maxRetries() && isTransient(e)) {
          sleep(backoff(attempt++, null));
          continue;
        }
        throw unreachable(endpoint, e);
      }
      if (endpoint.accepts(response.code())) {
        return response;
      }
      if (endpoint.idempotent() && isRetryableStatus(response.code()) && attempt < options.maxRetries()) {
        Duration wait = backoff(attempt++, response.header("Retry-After"));
        response.close();
        sleep(wait);
        continue;
      }
      try (response) {
        throw failure(endpoint, response);
      }
    }
  }

  /** The exception for an unexpected status. */
  OciException failure(Endpoint endpoint, Response response) {
    int status = response.code();
    ErrorBody error = ErrorBody.read(response);
    if (error.code() == null && status == 404 && "HEAD".equals(endpoint.request().method())) {
      error = explainMissingManifest(endpoint.request());
    }
    String code = error.code();
    String message = error.message();
    String registry = endpoint.registry();
    if (status == 401 || status == 403) {
      String shown = code != null ? code : status == 401 ? "UNAUTHORIZED" : "DENIED";
      boolean hasCredential = auth.hasCredential(registry);
      String hint = hasCredential ? "" : " (no credentials for " + registry
          + "; log in or pass --username and --password-stdin)";
      if (status == 401) {
        return new AuthenticationException(endpoint.description() + ": authentication to " + registry + " failed: "
            + "401 " + shown + (hasCredential ? ": the registry refused the credentials" : hint), status, code);
      }
      return new AuthenticationException(endpoint.description() + ": " + registry + " denied access: 403 " + shown
          + (message != null && !message.isEmpty() ? ": " + message : "") + hint, status, code);
    }
    String detail = code == null ? "" : code + (message != null && !message.isEmpty() ? ": " + message : "");
    String answer = endpoint.description() + ": " + registry + " answered " + status + " "
        + (status >= 500 ? reason(response) + (detail.isEmpty() ? "" : " (" + detail + ")")
            : detail.isEmpty() ? reason(response) : detail);
    if (status == 404 && endpoint.notFound()) {
      return new NotFoundException(answer);
    }
    HttpUrl to = response.isRedirect() ? Links.resolve(response.request().url(), response.header("Location")) : null;
    if (to != null && response.request().url().isHttps() && !to.isHttps()) {
      answer = endpoint.description() + ": " + registry + " answered " + status + ", a redirect from HTTPS to plain "
          + "HTTP (" + to.host() + ":" + to.port() + "), which nota does not follow";
    }
    return new RegistryException(answer, status, code);
  }

  /** The error code and message of a registry's JSON error body; both null when there is none. */
  private record ErrorBody(String code, String message) {
    static final ErrorBody NONE = new ErrorBody(null, null);

    static ErrorBody read(Response response) {
      try (InputStream in = response.body().byteStream()) {
        JsonNode errors = JsonTree.standard().read(in.readNBytes(64 * 1024)).path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
          JsonNode first = errors.get(0);
          String code = first.path("code").asText(null);
          String message = first.path("message").asText(null);
          message = message == null ? null : message.lines().findFirst().orElse("").strip();
          JsonNode detail = first.path("detail");
          if (message != null && detail.isTextual() && Digest.tryParse(detail.asText()) != null) {
            message += " (" + detail.asText() + ")"; // which blob or manifest, e.g. of MANIFEST_BLOB_UNKNOWN
          }
          return new ErrorBody(code, message);
        }
      } catch (IOException | RuntimeException e) {
        // not a JSON error body: the status alone must do
      }
      return NONE;
    }
  }

  /**
   * Why a HEAD of a manifest found nothing, since a HEAD answer has no body: the error of a GET of the same URL,
   * and when that is a missing manifest, whether the repository itself is missing (its tag list answers
   * {@code NAME_UNKNOWN}; distribution answers {@code MANIFEST_UNKNOWN} for both). Only asked when a HEAD has
   * already failed, so it never costs a request on the way to success; any failure here keeps the plain 404.
   */
  private ErrorBody explainMissingManifest(Request head) {
    List<String> segments = head.url().pathSegments();
    int manifests = segments.lastIndexOf("manifests");
    if (manifests < 2 || manifests != segments.size() - 2 || !"v2".equals(segments.get(0))) {
      return ErrorBody.NONE;
    }
    ErrorBody error = errorOf(head.newBuilder().get().build());
    if (error.code() == null || "MANIFEST_UNKNOWN".equals(error.code())) {
      HttpUrl.Builder tags = head.url().newBuilder().query(null);
      tags.removePathSegment(segments.size() - 1).removePathSegment(segments.size() - 2);
      Request list = head.newBuilder().get().url(tags.addPathSegment("tags").addPathSegment("list")
          .addQueryParameter("n", "1").build()).removeHeader("Accept").build();
      ErrorBody repository = errorOf(list);
      if ("NAME_UNKNOWN".equals(repository.code())) {
        return repository;
      }
    }
    return error;
  }

  /** The JSON error of a failed {@code request}, or none (success, no JSON error, no answer). */
  private ErrorBody errorOf(Request request) {
    try (Response r = client(request.url()).newCall(request).execute()) {
      return r.isSuccessful() ? ErrorBody.NONE : ErrorBody.read(r);
    } catch (IOException | OciException e) {
      return ErrorBody.NONE;
    }
  }

  /** The exception for a call that got no usable answer. */
  RegistryException unreachable(Endpoint endpoint, IOException e) {
    String host = endpoint.request().url().host() + ":" + endpoint.request().url().port();
    String what;
    if (e instanceof SSLException ssl) {
      what = tlsFailure(ssl, host, endpoint.request().url().host());
    } else if (e instanceof UnknownHostException) {
      what = "cannot resolve host " + endpoint.request().url().host();
    } else if (isRefused(e)) {
      what = "registry " + host + " refused the connection (is it running, and on that port?)";
    } else if (e instanceof SocketTimeoutException) {
      Duration t = options.timeout();
      what = "no answer from " + host + " within "
          + (t.toMillis() < 1000 ? t.toMillis() + " ms" : t.toSeconds() + " s");
    } else {
      what = "no answer from " + host + ": " + firstLine(e);
    }
    return new RegistryException(endpoint.description() + ": " + what, 0, null, e);
  }

  /** Whether {@code e} is (or wraps) a refused TCP connection. */
  static boolean isRefused(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && t.getMessage() != null
          && t.getMessage().toLowerCase(Locale.ROOT).contains("refused")) {
        return true;
      }
    }
    return false;
  }

  /** One line on why TLS to {@code host} failed, naming the certificate problem when there is one. */
  static String tlsFailure(SSLException e, String host, String name) {
    String hint = " (--ca-file trusts a private CA)";
    if (e instanceof SSLPeerUnverifiedException) {
      return "the TLS certificate of " + host + " is not valid for the name " + name;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        return "the TLS certificate of " + host + " has expired or is not yet valid";
      }
      if (t instanceof CertPathBuilderException) {
        return "the TLS certificate of " + host + " is not trusted: it is not issued by a CA in the system trust "
            + "store or the CA file" + hint;
      }
    }
    return "TLS connection to " + host + " failed: " + firstLine(e) + hint;
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  private static String reason(Response r) {
    if (!r.message().isEmpty()) {
      return r.message();
    }
    return switch (r.code()) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Payload Too Large";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }

  static boolean isTransient(IOException e) {
    return !(e instanceof SSLException || e instanceof UnknownHostException || e instanceof InterruptedIOException
        || e instanceof RegistryAuth.AuthFailure || e instanceof RegistryAuth.StoreFailure);
  }

  /** Exponential backoff with jitter; a {@code Retry-After} in seconds wins, capped at a few seconds. */
  static Duration backoff(int attempt, String retryAfter) {
    if (retryAfter != null) {
      try {
        long s = Long.parseLong(retryAfter.strip());
        if (s >= 0) {
          return Duration.ofSeconds(Math.min(s, RETRY_AFTER_CAP_S));
        }
      } catch (NumberFormatException e) {
        // an HTTP date: use our own backoff
      }
    }
    long ms = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(attempt, 16));
    return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
  }

  static void sleep(Duration d) throws OciException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted");
    }
  }

  OkHttpClient client(HttpUrl url) throws OciException {
    if (url.isHttps()) {
      synchronized (this) {
        if (tls == null) {
          tls = bare(url).newBuilder().addInterceptor(auth).authenticator(auth).build();
        }
        return tls;
      }
    }
    synchronized (this) {
      if (plain == null) {
        plain = bare(url).newBuilder().addInterceptor(auth).authenticator(auth).build();
      }
      return plain;
    }
  }

  /** A client without authentication, for token services. The TLS one shares the plain one's pool and threads. */
  synchronized OkHttpClient bare(HttpUrl url) throws OciException {
    if (plainBare == null) {
      Duration t = options.timeout();
      OkHttpClient.Builder b = new OkHttpClient.Builder()
          .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)) // keeps TLS set-up out until it is needed
          .connectTimeout(t).readTimeout(t).writeTimeout(t)
          // A redirect never changes the scheme: an HTTPS registry sending us to plain HTTP must not get the
          // credentials its challenge there would ask for (the redirect answer is reported instead).
          .followSslRedirects(false)
          .addInterceptor(chain -> chain.proceed(
              chain.request().newBuilder().header("User-Agent", options.userAgent()).build()));
      if (options.debugLog() != null) {
        b.addNetworkInterceptor(debugLog(options.debugLog()));
      }
      plainBare = b.build();
    }
    if (!url.isHttps()) {
      return plainBare;
    }
    if (tlsBare == null) {
      Tls t = Tls.create(options.caFile());
      tlsBare = plainBare.newBuilder()
          .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT))
          .sslSocketFactory(t.context.getSocketFactory(), t.trustManager)
          .build();
    }
    return tlsBare;
  }

  private static Interceptor debugLog(Consumer<String> log) {
    return chain -> {
      Request r = chain.request();
      String auth = r.header("Authorization");
      String line = r.method() + " " + redact(r.url());
      log.accept("> " + line + (auth == null ? "" : " [Authorization: " + auth.split(" ", 2)[0] + " <redacted>]"));
      long start = System.nanoTime();
      try {
        Response response = chain.proceed(r);
        log.accept("< " + response.code() + " " + line + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
        return response;
      } catch (IOException e) {
        log.accept("< failed " + line + ": " + e);
        throw e;
      }
    };
  }

  /** The URL with the values of signature- or token-like query parameters (pre-signed storage URLs) hidden. */
  static String redact(HttpUrl url) {
    HttpUrl.Builder b = url.newBuilder();
    for (String name : url.queryParameterNames()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.contains("signature") || n.contains("token") || n.contains("credential") || n.contains("key")) {
        b.setQueryParameter(name, "REDACTED");
      }
    }
    return b.build().toString();
  }

  @Override
  public synchronized void close() {
    if (plainBare != null) {
      plainBare.dispatcher().executorService().shutdown();
      plainBare.connectionPool().evictAll();
    }
  }
}
