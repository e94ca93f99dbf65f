package org.lambdaref.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;

/** Prints rows as an aligned table, CSV (RFC 4180 quoting) or JSON lines. */
final class TablePrinter {

  enum Format {
    TABLE,
    CSV,
    JSON
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private TablePrinter() {}

  static void print(PrintStream out, Format format, List<String> header, List<List<Object>> rows) {
    switch (format) {
      case CSV -> {
        out.println(String.join(",", header.stream().map(TablePrinter::csv).toList()));
        rows.forEach(
            r ->
                out.println(
                    String.join(
                        ",", r.stream().map(v -> csv(v == null ? "" : v.toString())).toList())));
      }
      case JSON ->
          rows.forEach(
              r -> {
                ObjectNode node = JSON.createObjectNode();
                for (int i = 0; i < header.size(); i++) {
                  node.set(header.get(i), JSON.valueToTree(r.get(i)));
                }
                out.println(node);
              });
      default -> table(out, header, rows);
    }
  }

  private static void table(PrintStream out, List<String> header, List<List<Object>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<Object> row : rows) {
        widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : widths) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    out.println(line(header.stream().map(h -> (Object) h).toList(), widths));
    out.println(rule);
    rows.forEach(r -> out.println(line(r, widths)));
    out.println(rule);
    out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
  }

  private static String line(List<Object> values, int[] widths) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      Object v = values.get(i);
      String text = String.valueOf(v);
      String padded =
          v instanceof Number
              ? " ".repeat(widths[i] - text.length()) + text
              : text + " ".repeat(widths[i] - text.length());
      sb.append(' ').append(padded).append(" |");
    }
    return sb.toString();
  }

  private static String csv(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
