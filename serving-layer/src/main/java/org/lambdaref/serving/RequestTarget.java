package org.lambdaref.serving;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request target of the HTTP API parsed: its decoded path segments, the route they match and the
 * query parameters. Pure, so the routing is tested without a server.
 */
record RequestTarget(
    List<String> segments, String route, Map<String, String> query, List<String> repeated) {

  /** The longest request target accepted: every valid query fits in a few hundred characters. */
  static final int MAX_URI_LENGTH = 4096;

  static final String ACTIONS = "/v1/places/{placeId}/actions/{action}";
  static final String DAILY = "/v1/places/{placeId}/daily";
  static final String RUNS = "/v1/batch/runs";
  static final String PAGE = "/";
  static final String HEALTH = "/health";
  static final String METRICS = "/metrics";
  static final String OPENAPI = "/openapi.json";
  static final String UNKNOWN = "unknown";
  static final List<String> ROUTES = List.of(ACTIONS, DAILY, RUNS, HEALTH, METRICS, OPENAPI, PAGE);

  /** The query parameters of the query routes, as {@code /openapi.json} declares them. */
  static final Map<String, List<String>> PARAMETERS =
      Map.of(
          ACTIONS,
          List.of("from", "to", "granularity"),
          DAILY,
          List.of("from", "to"),
          RUNS,
          List.of());

  static RequestTarget parse(String rawPath, String rawQuery) {
    List<String> segments = segments(rawPath);
    Map<String, String> query = new LinkedHashMap<>();
    List<String> repeated = new ArrayList<>();
    query(rawQuery, query, repeated);
    return new RequestTarget(segments, route(segments), query, repeated);
  }

  /**
   * Refuses, on a query route, a parameter the route does not take (a misspelt {@code granularty}
   * would otherwise be ignored and the answer silently hourly) and a parameter given twice (which
   * of the two counts would be a guess).
   */
  void checkParameters() {
    List<String> allowed = PARAMETERS.get(route);
    if (allowed == null) {
      return;
    }
    for (Map.Entry<String, String> p : query.entrySet()) {
      if (!allowed.contains(p.getKey())) {
        throw new BadRequest(
            p.getKey(),
            p.getValue(),
            "no such parameter: " + route + " takes " + String.join(", ", allowed));
      }
    }
    if (!repeated.isEmpty()) {
      String name = repeated.get(0);
      throw new BadRequest(name, query.get(name), "the parameter once");
    }
  }

  /** Whether the route answers queries (behind the bearer token, on the query pool). */
  boolean isQuery() {
    return route.startsWith("/v1/");
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(plusKept(s), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * {@code raw} with '+' escaped, so that decoding keeps it a '+' (RFC 3986: only forms use '+' for
   * space).
   */
  static String plusKept(String raw) {
    return raw.replace("+", "%2B");
  }

  private static String route(List<String> s) {
    if (s.isEmpty()) {
      return PAGE;
    }
    if (s.size() == 3
        && s.get(0).equals("v1")
        && s.get(1).equals("batch")
        && s.get(2).equals("runs")) {
      return RUNS;
    }
    if (s.size() == 1 && s.get(0).equals("health")) {
      return HEALTH;
    }
    if (s.size() == 1 && s.get(0).equals("metrics")) {
      return METRICS;
    }
    if (s.size() == 1 && s.get(0).equals("openapi.json")) {
      return OPENAPI;
    }
    if (s.size() == 5
        && s.get(0).equals("v1")
        && s.get(1).equals("places")
        && s.get(3).equals("actions")) {
      return ACTIONS;
    }
    if (s.size() == 4
        && s.get(0).equals("v1")
        && s.get(1).equals("places")
        && s.get(3).equals("daily")) {
      return DAILY;
    }
    return UNKNOWN;
  }

  private static void query(String raw, Map<String, String> out, List<String> repeated) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue; // "a=1&&b=2": no parameter between the two '&'
      }
      int eq = pair.indexOf('=');
      // '+' stays '+': no parameter of this API holds a space, and a '+' is an offset (+09:00)
      // the user wrote unescaped, not a form-encoded space
      String key =
          URLDecoder.decode(
              plusKept(eq < 0 ? pair : pair.substring(0, eq)), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(plusKept(pair.substring(eq + 1)), StandardCharsets.UTF_8);
      if (out.putIfAbsent(key, value) != null) {
        repeated.add(key);
      }
    }
  }
}
