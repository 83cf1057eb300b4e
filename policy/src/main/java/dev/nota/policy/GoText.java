package dev.nota.policy;

import java.util.List;

/** Text formatting that matches what notation prints with Go's {@code %q}, so messages read the same. */
final class GoText {
  private GoText() {}

  /** Quotes like Go's {@code strconv.Quote}: double quotes, backslash escapes for quotes and control characters. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", c));
          } else if (!Character.isDefined(c) || Character.getType(c) == Character.CONTROL
              || Character.getType(c) == Character.FORMAT) {
            b.append(c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
          } else {
            b.appendCodePoint(c);
          }
      }
    });
    return b.append('"').toString();
  }

  /** Formats a list like Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  static String quoteList(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(quote(values.get(i)));
    }
    return b.append(']').toString();
  }
}
