package dev.nota.testregistry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP exchange as the handlers see it: method, raw path, decoded query parameters, request headers, and
 * the ways to answer (empty, JSON, bytes, or a stream of known length).
 */
final class Call {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpExchange exchange;
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private boolean answered;
  private final AtomicInteger status = new AtomicInteger();

  Call(HttpExchange exchange) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
    this.path = exchange.getRequestURI().getRawPath();
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  String method() {
    return method;
  }

  String path() {
    return path;
  }

  boolean isHead() {
    return method.equals("HEAD");
  }

  /** The first value of query parameter {@code name}, or null. */
  String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  boolean hasParam(String name) {
    return query.containsKey(name);
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  List<String> headers(String name) {
    List<String> values = exchange.getRequestHeaders().get(name);
    return values == null ? List.of() : values;
  }

  /** The declared request body length, or -1 when absent (chunked or no body). */
  long contentLength() {
    String value = header("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the request carries a body (a positive length or chunked transfer encoding). */
  boolean hasBody() {
    String te = header("Transfer-Encoding");
    return contentLength() > 0 || (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked"));
  }

  InputStream body() {
    return exchange.getRequestBody();
  }

  /** Reads the body, refusing (with 413 SIZE_INVALID) more than {@code limit} bytes. */
  byte[] readBody(int limit) throws IOException, RegistryError {
    long declared = contentLength();
    if (declared > limit) {
      throw tooLarge(declared, limit);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
    byte[] buf = new byte[8192];
    InputStream in = body();
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      if (out.size() > limit) {
        throw tooLarge(out.size(), limit);
      }
    }
    return out.toByteArray();
  }

  private static RegistryError tooLarge(long size, int limit) {
    return new RegistryError(413, "SIZE_INVALID", "content too large",
        "body of " + size + " bytes exceeds the limit of " + limit + " bytes");
  }

  void setHeader(String name, String value) {
    exchange.getResponseHeaders().set(name, value);
  }

  void addHeader(String name, String value) {
    exchange.getResponseHeaders().add(name, value);
  }

  boolean answered() {
    return answered;
  }

  /** The status sent, 0 while none was; set before the answer leaves, so a client never sees it first. */
  AtomicInteger status() {
    return status;
  }

  /** Answers with no body ({@code Content-Length: 0} unless the status forbids a body). */
  void empty(int status) throws IOException {
    answered = true;
    this.status.set(status);
    if (isHead() && status != 204 && status != 304) {
      setHeader("Content-Length", "0");
    }
    exchange.sendResponseHeaders(status, -1);
  }

  void bytes(int status, String contentType, byte[] body) throws IOException {
    answered = true;
    this.status.set(status);
    setHeader("Content-Type", contentType);
    if (isHead()) {
      setHeader("Content-Length", Long.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  void json(int status, Object value) throws IOException {
    bytes(status, "application/json", JSON.writeValueAsBytes(value));
  }

  /**
   * Starts a fixed-length response whose body the caller writes and closes; for HEAD only the headers go out
   * and null is returned.
   */
  OutputStream stream(int status, long length) throws IOException {
    answered = true;
    this.status.set(status);
    if (isHead()) {
      setHeader("Content-Length", Long.toString(length));
      exchange.sendResponseHeaders(status, -1);
      return null;
    }
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    return exchange.getResponseBody();
  }

  void error(int status, String code, String message, String detail) throws IOException {
    drain();
    ObjectNode root = JSON.createObjectNode();
    ArrayNode errors = root.putArray("errors");
    ObjectNode e = errors.addObject();
    e.put("code", code);
    e.put("message", message);
    if (detail != null) {
      e.put("detail", detail);
    }
    json(status, root);
  }

  void plainNotFound() throws IOException {
    drain();
    bytes(404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads and discards what is left of the request body (up to 64 MiB), so that a client still sending gets
   * the error answer instead of a connection reset.
   */
  void drain() {
    byte[] buf = new byte[64 * 1024];
    long left = 64L * 1024 * 1024;
    try {
      InputStream in = body();
      int n;
      while (left > 0 && (n = in.read(buf)) >= 0) {
        left -= n;
      }
    } catch (IOException e) {
      // the client went away; the answer will fail too
    }
  }

  /** Parses {@code a=b&c=d}, percent-decoding keys and values. */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  /** Decodes %XX escapes only: a literal '+' stays '+', since media types contain it. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Percent-encodes a query value (everything but unreserved characters). */
  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0;
      if (unreserved) {
        sb.append(c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }
}
