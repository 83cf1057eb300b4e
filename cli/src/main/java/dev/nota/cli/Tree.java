package dev.nota.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Prints nested maps and lists as a box-drawing tree, the way notation's inspect does. */
final class Tree {
  private Tree() {}

  /** Prints {@code node} (a map whose "digest" names it) under {@code indent}. */
  static void print(PrintWriter out, Map<String, Object> node, String indent, boolean last) {
    out.println(indent + (last ? "└── " : "├── ") + node.getOrDefault("digest", "?"));
    String childIndent = indent + (last ? "    " : "│   ");
    List<Map.Entry<String, Object>> entries =
        node.entrySet().stream().filter(e -> !e.getKey().equals("digest")).toList();
    for (int i = 0; i < entries.size(); i++) {
      printEntry(out, entries.get(i).getKey(), entries.get(i).getValue(), childIndent, i == entries.size() - 1);
    }
  }

  @SuppressWarnings("unchecked")
  private static void printEntry(PrintWriter out, String key, Object value, String indent, boolean last) {
    String branch = last ? "└── " : "├── ";
    String childIndent = indent + (last ? "    " : "│   ");
    if (value instanceof Map<?, ?> map) {
      out.println(indent + branch + key);
      List<? extends Map.Entry<?, ?>> entries = List.copyOf(map.entrySet());
      for (int i = 0; i < entries.size(); i++) {
        printEntry(out, String.valueOf(entries.get(i).getKey()), entries.get(i).getValue(), childIndent,
            i == entries.size() - 1);
      }
    } else if (value instanceof List<?> list) {
      out.println(indent + branch + key);
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (item instanceof Map<?, ?> m) {
          Map<String, Object> node = (Map<String, Object>) m;
          Object name = node.containsKey("SHA256Fingerprint") ? node.get("SHA256Fingerprint") : "item " + (i + 1);
          out.println(childIndent + (i == list.size() - 1 ? "└── " : "├── ") + name);
          String inner = childIndent + (i == list.size() - 1 ? "    " : "│   ");
          List<Map.Entry<String, Object>> es =
              node.entrySet().stream().filter(e -> !e.getKey().equals("SHA256Fingerprint")).toList();
          for (int j = 0; j < es.size(); j++) {
            printEntry(out, es.get(j).getKey(), es.get(j).getValue(), inner, j == es.size() - 1);
          }
        } else {
          out.println(childIndent + (i == list.size() - 1 ? "└── " : "├── ") + item);
        }
      }
    } else {
      out.println(indent + branch + key + ": " + value);
    }
  }
}
