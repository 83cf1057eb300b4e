package dev.nota.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go-style durations ({@code 24h}, {@code 90m}, {@code 1h30m}, {@code 45s}) as notation's {@code --expiry}. */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(h|m|s)");

  private Durations() {}

  static Duration parse(String text) throws UserException {
    if (text == null || text.isEmpty()) {
      throw new UserException("empty duration");
    }
    Matcher m = PART.matcher(text);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
    }
    if (end != text.length() || d.isZero()) {
      throw new UserException("invalid duration \"" + text + "\": use a positive number with h, m or s, e.g. 24h");
    }
    return d;
  }
}
