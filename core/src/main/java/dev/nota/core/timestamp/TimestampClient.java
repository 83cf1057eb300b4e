package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.TimestampException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An RFC 3161 client for one TSA: posts a TimeStampReq over HTTP(S) and accepts the token only when it is the answer
 * to that request and verifies as a timestamp from the given TSA root, exactly as it will be verified later (token
 * signature, signing-certificate attribute, TSA chain to the root with the timestamping certificate rules, validity
 * at genTime, revocation of the TSA chain). A token that nota would not trust is never put into a signature.
 *
 * <p>The whole exchange (connect, request, response body) is bounded by one timeout, and the response by
 * {@link #MAX_RESPONSE_SIZE}. The HTTP machinery is built on first use, so creating a client costs nothing.
 */
public final class TimestampClient implements Timestamper {
  /** notation's timeout for a TSA exchange. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /** A timestamp response is a few kilobytes; anything near this is not one. */
  public static final int MAX_RESPONSE_SIZE = 1024 * 1024;

  private static final String QUERY_TYPE = "application/timestamp-query";
  private static final String REPLY_TYPE = "application/timestamp-reply";

  /** How to reach and trust one TSA; {@code timeout}, {@code revocation} and {@code clock} have defaults. */
  public record Options(URI url, X509Certificate root, Duration timeout, RevocationChecker revocation, Clock clock) {
    public Options {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(root, "root");
      timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
      revocation = revocation == null ? RevocationChecker.OFFLINE : revocation;
      clock = clock == null ? Clock.systemUTC() : clock;
    }

    public static Options of(URI url, X509Certificate root) {
      return new Options(url, root, null, null, null);
    }

    public Options withTimeout(Duration t) {
      return new Options(url, root, t, revocation, clock);
    }

    /** Checks the TSA chain's revocation with {@code r} (default {@link RevocationChecker#OFFLINE}). */
    public Options withRevocation(RevocationChecker r) {
      return new Options(url, root, timeout, r, clock);
    }

    /** Judges the token's validity with {@code c}. */
    public Options withClock(Clock c) {
      return new Options(url, root, timeout, revocation, c);
    }
  }

  private final Options options;
  private final String who;
  private final SecureRandom random = new SecureRandom();
  private HttpClient http;

  private TimestampClient(Options options) {
    this.options = options;
    this.who = "the TSA at " + options.url();
  }

  /**
   * A client for the TSA of {@code options}.
   *
   * @throws NotaException when the URL is not an absolute http(s) URL, the timeout is not positive, or the root is
   *     not a self-signed certificate
   */
  public static TimestampClient create(Options options) throws NotaException {
    URI url = options.url();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new NotaException("timestamp URL \"" + url + "\" must be an absolute http or https URL");
    }
    if (options.timeout().isNegative() || options.timeout().isZero()) {
      throw new NotaException("timestamp timeout must be positive, got " + options.timeout());
    }
    checkSelfSigned(options.root());
    return new TimestampClient(options);
  }

  /** The TSA root must be a root: self-issued and signed by its own key. */
  private static void checkSelfSigned(X509Certificate root) throws NotaException {
    String subject = root.getSubjectX500Principal().getName();
    if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
      throw new NotaException("timestamp root certificate \"" + subject + "\" is not a root: it is issued by \""
          + root.getIssuerX500Principal().getName() + "\"");
    }
    try {
      root.verify(root.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new NotaException("timestamp root certificate \"" + subject + "\" is not self-signed: its signature does "
          + "not verify with its own key");
    }
  }

  public Options options() {
    return options;
  }

  @Override
  public byte[] timestamp(byte[] signature, SignatureAlgorithm algorithm) throws TimestampException {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(algorithm, "algorithm");
    TimestampReplies.Request request = TimestampReplies.request(signature, algorithm, new BigInteger(159, random));
    byte[] body = exchange(request.der());
    byte[] token = TimestampReplies.token(body, request, who);
    try {
      new Rfc3161TimestampVerifier(options.revocation(), options.clock())
          .verify(token, signature, algorithm, List.of(options.root()));
    } catch (NotaException e) {
      throw new TimestampException(Reason.INVALID_RESPONSE, who + " sent a timestamp nota does not trust: "
          + e.getMessage(), e);
    }
    return token;
  }

  /** Posts the request and returns the response body of an HTTP 200 timestamp reply. */
  private byte[] exchange(byte[] request) throws TimestampException {
    HttpRequest post = HttpRequest.newBuilder(options.url())
        .timeout(options.timeout())
        .header("Content-Type", QUERY_TYPE)
        .header("Accept", REPLY_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request))
        .build();
    CompletableFuture<HttpResponse<byte[]>> pending = http().sendAsync(post, info -> new CappedBody());
    HttpResponse<byte[]> response;
    try {
      response = pending.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw timedOut(e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new TimestampException(Reason.UNREACHABLE, "interrupted while waiting for " + who, e);
    } catch (ExecutionException e) {
      throw failed(e.getCause() == null ? e : e.getCause());
    }
    if (response.statusCode() != 200) {
      throw new TimestampException(Reason.UNREACHABLE, who + " answered HTTP " + response.statusCode()
          + " instead of a timestamp");
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.split(";", 2)[0].strip().equalsIgnoreCase(REPLY_TYPE)) {
      throw new TimestampException(Reason.INVALID_RESPONSE, who + " answered with content type \""
          + type + "\", expected " + REPLY_TYPE);
    }
    return response.body();
  }

  private TimestampException timedOut(Throwable cause) {
    return new TimestampException(Reason.UNREACHABLE, who + " did not answer within "
        + options.timeout().toMillis() + " ms", cause);
  }

  private TimestampException failed(Throwable cause) {
    if (cause instanceof TooLarge) {
      return new TimestampException(Reason.INVALID_RESPONSE, who + " sent more than " + MAX_RESPONSE_SIZE
          + " bytes, which is no timestamp response", cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return timedOut(cause);
    }
    String why = cause instanceof ConnectException ? "connection refused" : Rfc3161TimestampVerifier.reason(cause);
    return new TimestampException(Reason.UNREACHABLE, "cannot reach " + who + ": " + why, cause);
  }

  private synchronized HttpClient http() {
    if (http == null) {
      // HTTP/1.1: no h2c upgrade attempt on plain http, which some TSAs mishandle on a POST.
      http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(options.timeout())
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
    }
    return http;
  }

  /** The response body was over {@link #MAX_RESPONSE_SIZE}. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("response too large");
    }
  }

  /** Collects a response body, cancelling the exchange as soon as it exceeds {@link #MAX_RESPONSE_SIZE}. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : buffers) {
        if (out.size() + b.remaining() > MAX_RESPONSE_SIZE) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
