package org.lambdaref.serving;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request target of the HTTP API parsed: its decoded path segments, the route they match and the
 * query parameters. Pure, so the routing is tested without a server.
 */
record RequestTarget(List<String> segments, String route, Map<String, String> query) {

  /** The longest request target accepted: every valid query fits in a few hundred characters. */
  static final int MAX_URI_LENGTH = 4096;

  static final String ACTIONS = "/v1/places/{placeId}/actions/{action}";
  static final String DAILY = "/v1/places/{placeId}/daily";
  static final String HEALTH = "/health";
  static final String METRICS = "/metrics";
  static final String OPENAPI = "/openapi.json";
  static final String UNKNOWN = "unknown";
  static final List<String> ROUTES = List.of(ACTIONS, DAILY, HEALTH, METRICS, OPENAPI);

  static RequestTarget parse(String rawPath, String rawQuery) {
    List<String> segments = segments(rawPath);
    return new RequestTarget(segments, route(segments), query(rawQuery));
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

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      // '+' stays '+': no parameter of this API holds a space, and a '+' is an offset (+09:00)
      // the user wrote unescaped, not a form-encoded space
      String key =
          URLDecoder.decode(
              plusKept(eq < 0 ? pair : pair.substring(0, eq)), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(plusKept(pair.substring(eq + 1)), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }
}
