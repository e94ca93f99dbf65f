package org.lambdaref.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --key value} pairs of the child JVMs the harness starts; the harness writes them, people
 * do not.
 */
final class BenchArgs {

  private BenchArgs() {}

  static Map<String, String> parse(String[] argv) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i += 2) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException(
            "expected --key value pairs, got " + String.join(" ", argv));
      }
      out.put(argv[i].substring(2), argv[i + 1]);
    }
    return out;
  }
}
