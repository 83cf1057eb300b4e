package dev.nota.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses repeatable {@code key=value} flags such as {@code --user-metadata}. */
final class KeyValues {
  private KeyValues() {}

  static Map<String, String> parse(String flag, List<String> values) throws UserException {
    Map<String, String> out = new LinkedHashMap<>();
    if (values == null) {
      return out;
    }
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UserException(flag + " \"" + v + "\" must be key=value");
      }
      String key = v.substring(0, eq);
      if (out.containsKey(key)) {
        throw new UserException(flag + " key \"" + key + "\" is given twice");
      }
      out.put(key, v.substring(eq + 1));
    }
    return out;
  }
}
