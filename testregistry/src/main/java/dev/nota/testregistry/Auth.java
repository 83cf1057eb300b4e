package dev.nota.testregistry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access control of the registry: none, HTTP Basic on every {@code /v2/} request, or the distribution token
 * flow (a 401 challenge naming a realm, a token endpoint that trades Basic credentials for an opaque bearer
 * token with granted scopes, and a 401 {@code insufficient_scope} when a token lacks the access a request
 * needs).
 *
 * <p>Access per request: GET/HEAD need {@code pull}; POST, PUT and PATCH need {@code pull,push}; DELETE needs
 * {@code delete} (cancelling an upload needs {@code push}); the catalog needs {@code registry:catalog:*}.
 */
final class Auth {
  static final String SERVICE = "nota-testregistry";
  private static final long TOKEN_SECONDS = 300;

  private enum Mode { NONE, BASIC, TOKEN }

  private record Grant(Set<String> access, Instant expires) {}

  private final Mode mode;
  private final String user;
  private final String password;
  private final Map<String, Grant> tokens = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile String realm;

  private Auth(Mode mode, String user, String password) {
    this.mode = mode;
    this.user = user;
    this.password = password;
  }

  static Auth none() {
    return new Auth(Mode.NONE, null, null);
  }

  static Auth basic(String user, String password) {
    return new Auth(Mode.BASIC, user, password);
  }

  static Auth token(String user, String password) {
    return new Auth(Mode.TOKEN, user, password);
  }

  /** Tells the token flow where its token endpoint is, once the port is known. */
  void realm(String tokenUrl) {
    this.realm = tokenUrl;
  }

  boolean servesTokens() {
    return mode == Mode.TOKEN;
  }

  /**
   * Whether the request may go on with {@code actions} on {@code resource} (e.g. {@code repository:a/b}, or
   * null for the {@code /v2/} ping); when not, the 401 has been sent.
   */
  boolean check(Call call, String resource, String actions) throws IOException {
    switch (mode) {
      case NONE:
        return true;
      case BASIC:
        if (basicMatches(call.header("Authorization"))) {
          return true;
        }
        call.setHeader("WWW-Authenticate", "Basic realm=\"" + SERVICE + "\"");
        unauthorized(call, "authentication required", resource, actions);
        return false;
      default:
        Grant grant = grant(call);
        if (grant != null && (resource == null || grantsAll(grant, resource, actions))) {
          return true;
        }
        String challenge = "Bearer realm=\"" + realm + "\",service=\"" + SERVICE + "\"";
        if (resource != null) {
          challenge += ",scope=\"" + resource + ":" + actions + "\"";
        }
        if (grant != null) {
          challenge += ",error=\"insufficient_scope\"";
        }
        call.setHeader("WWW-Authenticate", challenge);
        String why = grant == null ? "authentication required" : "insufficient scope";
        unauthorized(call, why, resource, actions);
        return false;
    }
  }

  /**
   * Whether the request's credentials allow {@code action} on repository {@code name} (no answer is sent).
   */
  boolean allows(Call call, String name, String action) {
    if (mode == Mode.NONE) {
      return true;
    }
    if (mode == Mode.BASIC) {
      return basicMatches(call.header("Authorization"));
    }
    Grant grant = grant(call);
    return grant != null && grantsAll(grant, "repository:" + name, action);
  }

  /**
   * The token endpoint: {@code GET /token?service=&scope=} with Basic credentials (or none), or the OAuth2
   * form {@code POST /token} with {@code grant_type=password}, {@code username}, {@code password} and
   * {@code scope}.
   */
  void token(Call call) throws IOException, RegistryError {
    List<String> scopes = call.params("scope");
    String presentedUser;
    String presentedPassword;
    if (call.method().equals("POST")) {
      String body = new String(call.readBody(64 * 1024), StandardCharsets.UTF_8);
      Map<String, List<String>> form = Call.parseQuery(body.replace("+", "%20"));
      scopes = form.getOrDefault("scope", List.of());
      if (!"password".equals(first(form, "grant_type"))) {
        throw new RegistryError(400, "UNSUPPORTED", "only grant_type=password is supported", null);
      }
      presentedUser = first(form, "username");
      presentedPassword = first(form, "password");
    } else {
      String[] basic = basicCredentials(call.header("Authorization"));
      presentedUser = basic == null ? null : basic[0];
      presentedPassword = basic == null ? null : basic[1];
    }
    boolean authenticated = false;
    if (presentedUser != null && user != null) {
      if (!credentialsMatch(presentedUser, presentedPassword)) {
        call.setHeader("WWW-Authenticate", "Basic realm=\"" + SERVICE + "\"");
        unauthorized(call, "invalid credentials", null, null);
        return;
      }
      authenticated = true;
    }
    Set<String> access = new HashSet<>();
    for (String param : scopes) {
      for (String scope : param.trim().split(" +")) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first < 0 || last <= first) {
          continue;
        }
        String resource = scope.substring(0, last);
        for (String action : scope.substring(last + 1).split(",")) {
          boolean anonymousPull = user == null && action.equals("pull") && resource.startsWith("repository:");
          if (authenticated || anonymousPull) {
            access.add(resource + ":" + action);
          }
        }
      }
    }
    byte[] raw = new byte[24];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = Instant.now();
    tokens.put(token, new Grant(Set.copyOf(access), now.plusSeconds(TOKEN_SECONDS)));
    ObjectNode body = Call.JSON.createObjectNode();
    body.put("token", token);
    body.put("access_token", token);
    body.put("expires_in", TOKEN_SECONDS);
    body.put("issued_at", now.toString());
    call.json(200, body);
  }

  private Grant grant(Call call) {
    String authorization = call.header("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    Grant g = tokens.get(authorization.substring(7).trim());
    if (g == null || g.expires().isBefore(Instant.now())) {
      return null;
    }
    return g;
  }

  private static boolean grantsAll(Grant grant, String resource, String actions) {
    for (String action : actions.split(",")) {
      if (!grant.access().contains(resource + ":" + action) && !grant.access().contains(resource + ":*")) {
        return false;
      }
    }
    return true;
  }

  private boolean basicMatches(String authorization) {
    String[] basic = basicCredentials(authorization);
    return basic != null && user != null && credentialsMatch(basic[0], basic[1]);
  }

  private boolean credentialsMatch(String presentedUser, String presentedPassword) {
    byte[] expected = (user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8);
    byte[] presented = (presentedUser + ":" + (presentedPassword == null ? "" : presentedPassword))
        .getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented);
  }

  /** {@code [user, password]} of a Basic Authorization header, or null. */
  private static String[] basicCredentials(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      byte[] raw = Base64.getDecoder().decode(authorization.substring(6).trim());
      decoded = new String(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  private static String first(Map<String, List<String>> form, String key) {
    List<String> values = form.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static void unauthorized(Call call, String message, String resource, String actions)
      throws IOException {
    String detail = null;
    if (resource != null) {
      int colon = resource.indexOf(':');
      List<String> parts = List.of(resource.substring(0, colon), resource.substring(colon + 1));
      detail = "[{\"Type\":\"" + parts.get(0) + "\",\"Name\":\"" + parts.get(1) + "\",\"Action\":\"" + actions
          + "\"}]";
    }
    call.error(401, "UNAUTHORIZED", message, detail);
  }
}
