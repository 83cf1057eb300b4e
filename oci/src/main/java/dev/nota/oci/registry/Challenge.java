package dev.nota.oci.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme such as {@code Bearer} and
 * its parameters. Quoted values may contain commas and escaped quotes; one header may carry several challenges.
 *
 * @param scheme lower-cased, e.g. {@code basic} or {@code bearer}
 * @param params parameter names lower-cased, values unquoted
 */
record Challenge(String scheme, Map<String, String> params) {

  Challenge {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  String param(String name) {
    return params.get(name);
  }

  /** Parses every challenge in every given header value; malformed parts are skipped, never thrown. */
  static List<Challenge> parseAll(List<String> headerValues) {
    List<Challenge> out = new ArrayList<>();
    for (String value : headerValues) {
      out.addAll(parse(value));
    }
    return out;
  }

  static List<Challenge> parse(String header) {
    List<Challenge> out = new ArrayList<>();
    Cursor c = new Cursor(header);
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (true) {
      c.skip(" \t,");
      if (c.atEnd()) {
        break;
      }
      String token = c.token();
      if (token.isEmpty()) {
        c.pos++; // junk character
        continue;
      }
      c.skip(" \t");
      if (c.peek() == '=' && scheme != null) {
        c.pos++;
        c.skip(" \t");
        String value = c.peek() == '"' ? c.quoted() : c.token();
        params.put(token.toLowerCase(Locale.ROOT), value);
      } else {
        if (scheme != null) {
          out.add(new Challenge(scheme, params));
          params = new LinkedHashMap<>();
        }
        scheme = token.toLowerCase(Locale.ROOT);
        // token68 form (e.g. "Negotiate abc=="): not used by registries, skipped.
      }
    }
    if (scheme != null) {
      out.add(new Challenge(scheme, params));
    }
    return out;
  }

  private static final class Cursor {
    final String s;
    int pos;

    Cursor(String s) {
      this.s = s == null ? "" : s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    char peek() {
      return atEnd() ? 0 : s.charAt(pos);
    }

    void skip(String chars) {
      while (!atEnd() && chars.indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    String token() {
      int start = pos;
      while (!atEnd() && " \t,=\"".indexOf(s.charAt(pos)) < 0) {
        pos++;
      }
      return s.substring(start, pos);
    }

    String quoted() {
      StringBuilder b = new StringBuilder();
      pos++; // opening quote
      while (!atEnd()) {
        char ch = s.charAt(pos++);
        if (ch == '\\' && !atEnd()) {
          b.append(s.charAt(pos++));
        } else if (ch == '"') {
          break;
        } else {
          b.append(ch);
        }
      }
      return b.toString();
    }
  }
}
