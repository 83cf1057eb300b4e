package dev.nota.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nota.oci.JsonTree;
import dev.nota.oci.OciException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * Registry authentication as OkHttp sees it. Requests go out anonymously until a host answers 401; the
 * {@link Authenticator} half then reads the challenge and retries once with Basic credentials or a bearer token from
 * the realm's token service. The {@link Interceptor} half adds what was learned to later requests up front, so that
 * one-shot bodies (streamed blobs) are sent with credentials the first time. Tokens are cached per host and scope set
 * until they expire.
 */
final class RegistryAuth implements Interceptor, Authenticator {
  private static final Duration MIN_TOKEN_LIFE = Duration.ofSeconds(60);

  private final CredentialStore store;
  private final TokenClients tokenClients;
  private final Map<String, Optional<Credential>> credentials = new ConcurrentHashMap<>();
  private final Map<String, Boolean> basicHosts = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String value, Instant expires) {}

  /** An authentication failure found while answering a challenge; surfaced as {@link AuthenticationException}. */
  static final class AuthFailure extends IOException {
    final int status;

    AuthFailure(String message, int status) {
      super(message);
      this.status = status;
    }
  }

  /** A credential store failure, carried through OkHttp and unwrapped by the transport. */
  static final class StoreFailure extends IOException {
    StoreFailure(OciException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Gives the client to reach a token realm with (no authenticator of its own). */
  interface TokenClients {
    OkHttpClient forUrl(HttpUrl url) throws IOException;
  }

  RegistryAuth(CredentialStore store, TokenClients tokenClients) {
    this.store = store;
    this.tokenClients = tokenClients;
  }

  static String hostKey(HttpUrl url) {
    return url.host() + ":" + url.port();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    AuthScope scope = request.tag(AuthScope.class);
    if (request.header("Authorization") == null && scope != null) {
      String host = hostKey(request.url());
      String value = null;
      Token token = tokens.get(scope.key(host));
      if (token != null && token.expires.isAfter(Instant.now())) {
        value = "Bearer " + token.value;
      } else if (basicHosts.containsKey(host)) {
        value = basicHeader(credential(scope.registry()));
      }
      if (value != null) {
        request = request.newBuilder().header("Authorization", value).build();
      }
    }
    return chain.proceed(request);
  }

  @Override
  public Request authenticate(Route route, Response response) throws IOException {
    if (response.code() != 401) {
      return null;
    }
    Request request = response.request();
    if (response.priorResponse() != null && response.priorResponse().code() == 401) {
      return null; // we already answered one challenge for this call: the credentials are wrong
    }
    AuthScope scope = request.tag(AuthScope.class);
    String host = hostKey(request.url());
    String registry = scope != null ? scope.registry() : request.url().host();
    List<Challenge> challenges = Challenge.parseAll(response.headers("WWW-Authenticate"));
    String sent = request.header("Authorization");
    for (Challenge c : challenges) {
      if (c.scheme().equals("bearer") && c.param("realm") != null) {
        Set<String> scopes = new LinkedHashSet<>(scope != null ? scope.scopes() : List.of());
        if (c.param("scope") != null && scopes.isEmpty()) {
          scopes.addAll(List.of(c.param("scope").split(" ")));
        }
        AuthScope effective = new AuthScope(registry, new ArrayList<>(scopes));
        String key = scope != null ? scope.key(host) : effective.key(host);
        Token cached = tokens.get(key);
        if (cached != null && cached.expires.isAfter(Instant.now()) && !("Bearer " + cached.value).equals(sent)) {
          return request.newBuilder().header("Authorization", "Bearer " + cached.value).build();
        }
        Token fresh = fetchToken(request.url(), registry, c, effective.scopes());
        tokens.put(key, fresh);
        return request.newBuilder().header("Authorization", "Bearer " + fresh.value).build();
      }
    }
    for (Challenge c : challenges) {
      if (c.scheme().equals("basic")) {
        String value = basicHeader(credential(registry));
        if (value == null || value.equals(sent)) {
          return null;
        }
        basicHosts.put(host, true);
        return request.newBuilder().header("Authorization", value).build();
      }
    }
    return null;
  }

  /** Whether the store has credentials for {@code registry} (for hints in messages; never throws). */
  boolean hasCredential(String registry) {
    try {
      return credential(registry) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private Credential credential(String registry) throws IOException {
    Optional<Credential> c = credentials.get(registry);
    if (c == null) {
      try {
        c = Optional.ofNullable(store.get(registry));
      } catch (OciException e) {
        throw new StoreFailure(e);
      }
      credentials.put(registry, c);
    }
    return c.orElse(null);
  }

  private static String basicHeader(Credential c) {
    if (c == null || c.username() == null || c.password() == null) {
      return null;
    }
    return Credentials.basic(c.username(), c.password(), StandardCharsets.UTF_8);
  }

  private Token fetchToken(HttpUrl registryUrl, String registry, Challenge c, List<String> scopes) throws IOException {
    String host = registryUrl.host() + (registryUrl.port() == HttpUrl.defaultPort(registryUrl.scheme())
        ? "" : ":" + registryUrl.port());
    HttpUrl realm = HttpUrl.parse(c.param("realm"));
    if (realm == null) {
      throw new AuthFailure("authentication to " + host + " failed: token realm \"" + c.param("realm")
          + "\" is not an http(s) URL", 0);
    }
    if (registryUrl.isHttps() && !realm.isHttps()) {
      throw new AuthFailure("authentication to " + host + " failed: refusing to send credentials to plain-HTTP "
          + "token realm " + realm.host(), 0);
    }
    Credential cred = credential(registry);
    String service = c.param("service");
    Request tokenRequest;
    if (cred != null && cred.identityToken() != null) {
      FormBody.Builder form = new FormBody.Builder()
          .add("grant_type", "refresh_token")
          .add("refresh_token", cred.identityToken())
          .add("client_id", "nota");
      if (service != null) {
        form.add("service", service);
      }
      if (!scopes.isEmpty()) {
        form.add("scope", String.join(" ", scopes));
      }
      tokenRequest = new Request.Builder().url(realm).post(form.build()).build();
    } else {
      HttpUrl.Builder url = realm.newBuilder();
      if (service != null) {
        url.addQueryParameter("service", service);
      }
      for (String s : scopes) {
        url.addQueryParameter("scope", s);
      }
      Request.Builder b = new Request.Builder().url(url.build()).get();
      String basic = basicHeader(cred);
      if (basic != null) {
        b.header("Authorization", basic);
      }
      tokenRequest = b.build();
    }
    try (Response r = tokenClients.forUrl(realm).newCall(tokenRequest).execute()) {
      if (r.code() == 401 || r.code() == 403) {
        throw new AuthFailure("authentication to " + host + " failed: " + r.code() + " "
            + (r.code() == 401 ? "UNAUTHORIZED" : "DENIED") + " from token service " + realm.host()
            + (cred == null ? " (no credentials configured for " + registry + ")" : ""), r.code());
      }
      if (!r.isSuccessful()) {
        throw new AuthFailure("authentication to " + host + " failed: token service " + realm.host()
            + " answered " + r.code(), r.code());
      }
      JsonNode body;
      try {
        body = JsonTree.standard().read(r.body().byteStream());
      } catch (IOException e) {
        throw new AuthFailure("authentication to " + host + " failed: token service " + realm.host()
            + " answered malformed JSON", r.code());
      }
      String token = body.path("token").asText("");
      if (token.isEmpty()) {
        token = body.path("access_token").asText("");
      }
      if (token.isEmpty()) {
        throw new AuthFailure("authentication to " + host + " failed: token service " + realm.host()
            + " answered without a token", r.code());
      }
      long seconds = Math.max(body.path("expires_in").asLong(0), MIN_TOKEN_LIFE.getSeconds());
      // Renew a little early so a token does not expire between the check and the request.
      return new Token(token, Instant.now().plusSeconds(seconds - 10));
    }
  }
}
