package org.lambdaref.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.lambdaref.model.PlatformException;
import org.lambdaref.config.Endpoints.ServingSettings;
import org.lambdaref.serving.ServingQueries.ActionSeries;
import org.lambdaref.serving.ServingQueries.Bucket;
import org.lambdaref.serving.ServingQueries.DailyBucket;
import org.lambdaref.serving.ServingRequests.ActionQuery;
import org.lambdaref.serving.ServingRequests.DailyQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of the serving layer, on the JDK's own HTTP server: no web framework, so nothing of
 * it meets Spark's or Hadoop's servlet and Jetty versions on one classpath. Routes:
 *
 * <ul>
 *   <li>{@code GET /v1/places/{placeId}/actions/{action}?from&to&granularity}: merged counts
 *   <li>{@code GET /v1/places/{placeId}/daily?from&to}: the daily batch view
 *   <li>{@code GET /health}, {@code GET /metrics} (Prometheus text), {@code GET /openapi.json}
 * </ul>
 *
 * <p>Slow and hostile clients. The JDK server reads a request (line and headers, blocking) on a
 * thread of its executor, once the connection's first byte arrives. That executor here is the
 * reader pool ({@code platform.serving.reader-threads}, no queue: with every reader busy a new
 * request's connection is closed), and {@code sun.net.httpserver.maxReqTime} closes a connection
 * that has not sent its whole request within {@code max-request-read-time}. Readers answer
 * {@code /health}, {@code /metrics}, {@code /openapi.json} and every error themselves and hand
 * queries to the query pool ({@code threads}, at most {@code max-queued-requests} waiting; beyond
 * that 503 with {@code Retry-After}), so a probe never waits behind queries or slow clients.
 */
public final class ServingHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The longest request target accepted: every valid query fits in a few hundred characters. */
  static final int MAX_URI_LENGTH = 4096;
  static final List<String> ROUTES = List.of(
      "/v1/places/{placeId}/actions/{action}", "/v1/places/{placeId}/daily", "/health", "/metrics", "/openapi.json");

  private final ServingSettings settings;
  private final BatchViewRefresher batch;
  private final SpeedView speed;
  private final ServingRequests requests;
  private final Clock clock;
  private final HttpServer server;
  /** Reads requests, answers the cheap routes and every error, hands queries to {@link #workers}. */
  private final ThreadPoolExecutor readers;
  /** Answers queries: {@code threads} threads, a queue of {@code max-queued-requests}. */
  private final ThreadPoolExecutor workers;
  private final Counter rejectedConnections;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requestsTotal;
  private final Histogram latency;
  private final Counter staleAnswers;
  private final byte[] openApi;

  public ServingHttpServer(ServingSettings settings, BatchViewRefresher batch, SpeedView speed, Clock clock) {
    this.settings = settings;
    this.batch = batch;
    this.speed = speed;
    this.clock = clock;
    this.requests = new ServingRequests(batch.current().zone(), settings.maxRange());
    this.openApi = resource("/openapi.json");
    this.requestsTotal = Counter.builder().name("lambda_serving_requests").help("HTTP requests by route and status")
        .labelNames("route", "status").register(registry);
    this.latency = Histogram.builder().name("lambda_serving_request_duration_seconds")
        .help("time from request to response, by route").labelNames("route")
        .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
        .classicOnly().register(registry);
    this.rejectedConnections = Counter.builder().name("lambda_serving_rejected_connections")
        .help("connections closed unread because all platform.serving.reader-threads were reading or answering")
        .register(registry);
    this.staleAnswers = Counter.builder().name("lambda_serving_stale_answers")
        .help("answers whose real-time buckets came from the cache because DynamoDB did not answer").register(registry);
    GaugeWithCallback.builder().name("lambda_serving_batch_view_age_seconds")
        .help("seconds since the batch view in memory was loaded")
        .callback(cb -> cb.call(Duration.between(batch.current().loadedAt(), clock.instant()).toMillis() / 1000.0))
        .register(registry);
    GaugeWithCallback.builder().name("lambda_serving_batch_watermark_end_seconds")
        .help("end of the newest day the batch covers (unix seconds); absent before the first covered day")
        .callback(cb -> batch.current().watermark().ifPresent(w ->
            cb.call(w.plusDays(1).atStartOfDay(batch.current().zone()).toEpochSecond())))
        .register(registry);
    GaugeWithCallback.builder().name("lambda_serving_batch_covered_days")
        .help("days the batch view covers (answered from the batch); days outside it come from the real-time view")
        .callback(cb -> cb.call(batch.current().coverage().days().size())).register(registry);
    GaugeWithCallback.builder().name("lambda_serving_batch_view_version").help("Delta version of each table in the view")
        .labelNames("table").callback(cb -> {
          BatchView.Versions v = batch.current().versions();
          cb.call(v.ledger(), "ops.batch_ledger");
          cb.call(v.hourly(), "t3.place_action_aggr_1h_hourly");
          cb.call(v.daily(), "t3.place_impression_aggr_1d_daily");
          cb.call(v.late(), "t1_log.place_event_late_timeseries_daily");
        }).register(registry);
    GaugeWithCallback.builder().name("lambda_serving_batch_view_hourly_rows").help("hourly rows held in memory")
        .callback(cb -> cb.call(batch.current().hourlyRows())).register(registry);
    // heap, GC, threads: the memory the batch view costs shows here
    JvmMetrics.builder().register(registry);
    CounterWithCallback.builder().name("lambda_serving_speed_reads").help("DynamoDB counter reads")
        .callback(cb -> cb.call(speed.reads())).register(registry);
    CounterWithCallback.builder().name("lambda_serving_speed_cache_hits").help("real-time reads answered from the cache")
        .callback(cb -> cb.call(speed.cacheHits())).register(registry);
    CounterWithCallback.builder().name("lambda_serving_speed_read_failures")
        .help("DynamoDB reads that failed or timed out after their retries within platform.serving.speed-read-timeout")
        .callback(cb -> cb.call(speed.failures())).register(registry);
    CounterWithCallback.builder().name("lambda_serving_speed_slow_reads")
        .help("DynamoDB reads that succeeded but took over half of platform.serving.speed-read-timeout")
        .callback(cb -> cb.call(speed.slowReads())).register(registry);
    CounterWithCallback.builder().name("lambda_serving_speed_outages")
        .help("runs of failed DynamoDB reads: declared = reached platform.serving.speed-outage-after-failures (a real"
            + " outage), transient = ended by a successful read before that (not an outage)")
        .labelNames("kind").callback(cb -> {
          cb.call(speed.outagesDeclared(), "declared");
          cb.call(speed.transientFailureRuns(), "transient");
        }).register(registry);
    CounterWithCallback.builder().name("lambda_serving_speed_memory_answers")
        .help("real-time parts of answers served from memory because DynamoDB did not answer")
        .callback(cb -> cb.call(speed.memoryAnswers())).register(registry);
    GaugeWithCallback.builder().name("lambda_serving_speed_state")
        .help("1 for the state the real-time view is in: starting, healthy, failing (reads fail, not yet an outage), outage")
        .labelNames("state").callback(cb -> {
          for (SpeedView.State st : SpeedView.State.values()) {
            cb.call(speed.state() == st ? 1 : 0, st.wireName());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("lambda_serving_speed_memory_bytes")
        .help("estimated heap of the remembered real-time hours (platform.serving.stale-cache-max-bytes bounds it)")
        .callback(cb -> cb.call(speed.cachedBytes())).register(registry);
    checkExposure(settings);
    applyJdkServerLimits(settings);
    BlockingQueue<Runnable> queue = settings.maxQueuedRequests() > 0
        ? new ArrayBlockingQueue<>(settings.maxQueuedRequests()) : new SynchronousQueue<>();
    this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS, queue,
        daemons("serving-http-"), new ThreadPoolExecutor.AbortPolicy());
    // no queue: a request waiting for a reader would wait behind slow clients; the JDK server
    // closes the connection when this rejects it
    this.readers = new ThreadPoolExecutor(0, settings.readerThreads(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        daemons("serving-read-"), (r, pool) -> {
          rejectedConnections.inc();
          throw new RejectedExecutionException("all " + settings.readerThreads() + " reader threads are busy");
        });
    GaugeWithCallback.builder().name("lambda_serving_queued_requests")
        .help("queries waiting for one of platform.serving.threads (at most platform.serving.max-queued-requests)")
        .callback(cb -> cb.call(workers.getQueue().size())).register(registry);
    try {
      this.server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 1024);
    } catch (IOException e) {
      workers.shutdownNow();
      readers.shutdownNow();
      throw new PlatformException(
          "Cannot listen on " + settings.bindAddress() + ":" + settings.port(), String.valueOf(e.getMessage()),
          "pick a free port with --port or platform.serving.port", e);
    }
    server.setExecutor(readers);
    server.createContext("/", this::handle);
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The JDK server's own request-read bound; JVM-wide, read once when its first server is created. */
  static final String MAX_REQ_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
  private static String appliedMaxReqTime;

  /**
   * Sets {@code sun.net.httpserver.maxReqTime} (whole seconds) from {@code max-request-read-time}
   * unless the JVM was started with it. The JDK server reads it once, when its first server is
   * created in the JVM: a later service with another value gets the first one (logged).
   */
  static synchronized void applyJdkServerLimits(ServingSettings settings) {
    long seconds = Math.max(1, (settings.maxRequestReadTime().toMillis() + 999) / 1000);
    String wanted = Long.toString(seconds);
    String current = System.getProperty(MAX_REQ_TIME_PROPERTY);
    if (current == null) {
      System.setProperty(MAX_REQ_TIME_PROPERTY, wanted);
      appliedMaxReqTime = wanted;
    } else if (!current.equals(wanted)) {
      LOG.warn("platform.serving.max-request-read-time = {}s is not applied: {} = {} {}", wanted, MAX_REQ_TIME_PROPERTY,
          current, current.equals(appliedMaxReqTime)
              ? "was set by an earlier service in this JVM (the JDK HTTP server reads it once)"
              : "was set on the JVM's command line, which wins");
    }
  }

  /**
   * Refuses an address other hosts reach (anything but 127.0.0.0/8, ::1, localhost) when no
   * token protects the API, unless {@code allow-open-non-loopback} says it is meant.
   */
  static void checkExposure(ServingSettings settings) {
    if (settings.authRequired() || settings.allowOpenNonLoopback() || isLoopback(settings.bindAddress())) {
      return;
    }
    throw new PlatformException(
        "Refusing to serve on " + settings.bindAddress() + " without an auth token",
        "that address is reachable from other hosts and platform.serving.auth-token is empty, so anyone who reaches"
            + " the port could read every place's counts",
        "set platform.serving.auth-token (from the environment: LAMBDA_SERVING_TOKEN), or listen on 127.0.0.1 behind"
            + " a proxy, or set platform.serving.allow-open-non-loopback = true to open it deliberately");
  }

  /** True when every address {@code address} names is a loopback one; unresolvable: left to the bind to report. */
  static boolean isLoopback(String address) {
    try {
      for (InetAddress a : InetAddress.getAllByName(address)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return true; // nothing is exposed: the bind fails and says why
    }
  }

  public void start() {
    server.start();
    LOG.info("serving on http://{}:{} (batch watermark {})", settings.bindAddress(), port(),
        batch.current().watermark().map(LocalDate::toString).orElse("none yet"));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** A response before it is written. */
  private record Response(int status, String contentType, byte[] body) {
    static Response json(int status, Object body) {
      try {
        return new Response(status, "application/json", JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** On a reader thread: the cheap routes and errors are answered here, queries go to the query pool. */
  private void handle(HttpExchange exchange) {
    long started = System.nanoTime();
    String route = "unknown";
    Response response;
    try {
      String path = exchange.getRequestURI().getRawPath();
      List<String> segments = segments(path);
      route = route(segments);
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      if (exchange.getRequestURI().toString().length() > MAX_URI_LENGTH) {
        response = error(414, "uri_too_long", "the request target has " + exchange.getRequestURI().toString().length()
            + " characters", "keep it under " + MAX_URI_LENGTH + "; queries take a place, an action and two times");
      } else if ((length != null && !length.equals("0")) || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
        response = error(413, "body_not_allowed", "the request has a body", "send GET requests without a body");
      } else if (!"GET".equals(exchange.getRequestMethod())) {
        response = error(405, "method_not_allowed", exchange.getRequestMethod() + " is not supported", "use GET");
        exchange.getResponseHeaders().add("Allow", "GET");
      } else if (route.equals("unknown")) {
        response = error(404, "not_found", "no route for " + path, "routes: " + ROUTES);
      } else if (route.startsWith("/v1/") && !authorized(exchange)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        response = error(401, "unauthorized", "a bearer token is required",
            "send the header 'Authorization: Bearer <token>' with the token of platform.serving.auth-token");
      } else if (route.startsWith("/v1/")) {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String queryRoute = route;
        try {
          workers.execute(() -> respond(exchange, queryRoute, started,
              guarded(exchange, () -> answer(queryRoute, segments, query, true))));
          return; // the query thread answers
        } catch (RejectedExecutionException e) {
          exchange.getResponseHeaders().set("Retry-After", "1");
          response = error(503, "overloaded", "all " + settings.threads() + " query threads are busy and "
              + settings.maxQueuedRequests() + " queries are waiting",
              "retry after a second; if this lasts, add instances or raise platform.serving.threads");
        }
      } else {
        boolean details = authorized(exchange);
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String cheapRoute = route;
        response = guarded(exchange, () -> answer(cheapRoute, segments, query, details));
      }
    } catch (RuntimeException e) {
      response = guarded(exchange, () -> {
        throw e;
      });
    }
    respond(exchange, route, started, response);
  }

  /** {@code work}'s response; a bad request is a 400, anything else a 500 that tells no internals. */
  private Response guarded(HttpExchange exchange, Supplier<Response> work) {
    try {
      return work.get();
    } catch (BadRequest e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "bad_request");
      body.put("parameter", e.parameter());
      body.put("value", e.value());
      body.put("allowed", e.allowed());
      body.put("message", e.getMessage());
      return Response.json(400, body);
    } catch (RuntimeException e) {
      String id = UUID.randomUUID().toString();
      LOG.error("request {} ({}) failed", exchange.getRequestURI(), id, e);
      exchange.getResponseHeaders().set("X-Request-Id", id);
      return Response.json(500, internalErrorBody(id));
    }
  }

  /** The body of a 500: a generic text and the id the service logged the failure under, never the exception. */
  static Map<String, Object> internalErrorBody(String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "internal");
    body.put("message", "the service failed to answer this request (request id " + requestId + ")");
    body.put("fix", "retry; if it fails again, look for request id " + requestId + " in the service log");
    body.put("request_id", requestId);
    return body;
  }

  private void respond(HttpExchange exchange, String route, long started, Response response) {
    try {
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.sendResponseHeaders(response.status(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    } finally {
      exchange.close();
      requestsTotal.labelValues(route, Integer.toString(response.status())).inc();
      latency.labelValues(route).observe((System.nanoTime() - started) / 1e9);
    }
  }

  /** {@code details}: the caller may see error texts (it sent the token, or none is configured). */
  private Response answer(String route, List<String> segments, Map<String, String> query, boolean details) {
    return switch (route) {
      // 503 while starting: a load balancer sends no request before the real-time view is warm
      case "/health" -> Response.json(speed.state() == SpeedView.State.STARTING ? 503 : 200, health(details));
      case "/metrics" -> metrics();
      case "/openapi.json" -> new Response(200, "application/json", openApi);
      case "/v1/places/{placeId}/actions/{action}" -> {
        ActionQuery q = requests.actionQuery(segments.get(2), segments.get(4), query.get("from"), query.get("to"),
            query.get("granularity"));
        yield Response.json(200, actionBody(q));
      }
      case "/v1/places/{placeId}/daily" -> daily(requests.dailyQuery(segments.get(2), query.get("from"), query.get("to")));
      default -> throw new IllegalStateException("route without handler: " + route);
    };
  }

  private Map<String, Object> actionBody(ActionQuery q) {
    BatchView view = batch.current(); // one view for the whole answer
    SpeedView.Reading reading = speed.read(q.placeId(), q.action(), ServingQueries.speedFrom(view, q.from(), q.to()),
        q.to());
    ActionSeries s = ServingQueries.actionSeries(view, reading, q.placeId(), q.action(), q.from(), q.to(), q.granularity());
    if (s.stale()) {
      staleAnswers.inc();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("place_id", s.placeId());
    body.put("action", s.action().wireName());
    body.put("from", s.from().toOffsetDateTime().toString());
    body.put("to", s.to().toOffsetDateTime().toString());
    body.put("granularity", s.granularity().wireName());
    body.put("timezone", view.zone().getId());
    body.put("batch_watermark", s.batchWatermark().map(LocalDate::toString).orElse(null));
    body.put("batch_covered_days", s.coveredDays().stream().map(LocalDate::toString).toList());
    Instant now = clock.instant();
    List<Map<String, Object>> buckets = new ArrayList<>(s.buckets().size());
    for (Bucket b : s.buckets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("start", b.start().toOffsetDateTime().toString());
      m.put("count", b.unknown() ? null : b.count());
      m.put("source", b.source().wireName());
      if (b.source() == ServingQueries.Source.SPEED) {
        m.put("unknown_hours", b.unknownHours());
        m.put("read_at", b.readAt().map(Instant::toString).orElse(null));
        m.put("age_seconds", b.readAt().map(r -> Math.max(0, Duration.between(r, now).toSeconds())).orElse(null));
      }
      buckets.add(m);
    }
    body.put("buckets", buckets);
    body.put("total", s.total());
    body.put("unknown_hours", s.unknownHours());
    body.put("stale", s.stale());
    body.put("stale_reason", s.staleReason().orElse(null));
    List<Map<String, Object>> late = new ArrayList<>();
    for (ServingQueries.LateSetAside l : s.lateSetAside()) {
      late.add(Map.of("day", l.day().toString(), "events", l.events(), "restated", l.restated()));
    }
    body.put("late_set_aside", late);
    return body;
  }

  private Response daily(DailyQuery q) {
    BatchView view = batch.current();
    if (!view.loaded()) {
      return error(503, "batch_view_unavailable", "the batch view has not been loaded: "
          + (batch.lastError().isPresent() ? "its last load failed (the error is in /health and the service log)"
              : "the first load has not finished"),
          "the daily view comes from the batch tables only; bring the lake storage back (see /health), the service"
              + " loads the view at its next refresh");
    }
    return Response.json(200, dailyBody(view, q));
  }

  private Map<String, Object> dailyBody(BatchView view, DailyQuery q) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("place_id", q.placeId());
    body.put("from", q.from().toString());
    body.put("to", q.to().toString());
    body.put("timezone", view.zone().getId());
    body.put("source", "batch");
    body.put("batch_watermark", view.watermark().map(LocalDate::toString).orElse(null));
    body.put("note", "batch view only: unique users are exact distinct counts the batch layer computes once a day closes;"
        + " days the batch does not cover (covered = false) have no values yet (null)");
    List<Map<String, Object>> days = new ArrayList<>();
    for (DailyBucket d : ServingQueries.daily(view, q.placeId(), q.from(), q.to())) {
      boolean closed = d.covered();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("day", d.day().toString());
      m.put("covered", closed);
      m.put("impressions", closed ? d.impressions() : null);
      m.put("clicks", closed ? d.clicks() : null);
      m.put("unique_users", closed ? d.uniqueUsers() : null);
      m.put("late_impressions", closed ? d.lateImpressions() : null);
      m.put("late_clicks", closed ? d.lateClicks() : null);
      m.put("restated", closed ? d.restated() : null);
      days.add(m);
    }
    body.put("days", days);
    return body;
  }

  /** What /health shows in place of an error text to a caller without the token. */
  static final String HIDDEN_ERROR = "hidden: send 'Authorization: Bearer <platform.serving.auth-token>' to see it";

  private Map<String, Object> health(boolean details) {
    BatchView view = batch.current();
    Instant now = clock.instant();
    SpeedView.State speedState = speed.state();
    boolean speedFailing = speedState == SpeedView.State.FAILING || speedState == SpeedView.State.OUTAGE;
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("loaded", view.loaded());
    b.put("loaded_at", view.loaded() ? view.loadedAt().toString() : null);
    b.put("covered_days", view.coverage().days().size());
    b.put("age_seconds", Duration.between(view.loadedAt(), now).toSeconds());
    b.put("batch_watermark", view.watermark().map(LocalDate::toString).orElse(null));
    b.put("versions", Map.of("ledger", view.versions().ledger(), "hourly", view.versions().hourly(),
        "daily", view.versions().daily(), "late", view.versions().late()));
    b.put("hourly_rows", view.hourlyRows());
    b.put("last_refresh_error", batch.lastError().map(e -> details ? e : HIDDEN_ERROR).orElse(null));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("state", speedState.wireName());
    s.put("failures_in_a_row", speed.failuresInARow());
    s.put("warm_up_ms", speed.warmUpTook().map(Duration::toMillis).orElse(null));
    s.put("remembered_keys", speed.cachedKeys());
    s.put("last_success", speed.lastSuccess().map(Instant::toString).orElse(null));
    s.put("last_failure", speed.lastFailure().map(Instant::toString).orElse(null));
    s.put("last_error", speedFailing ? speed.lastError().map(e -> details ? e : HIDDEN_ERROR).orElse(null) : null);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", speedState == SpeedView.State.STARTING ? "starting"
        : batch.lastError().isPresent() || !view.loaded() || speedFailing ? "degraded" : "ok");
    body.put("batch_view", b);
    body.put("speed_view", s);
    return body;
  }

  private Response metrics() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
      writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
      return new Response(200, writer.getContentType(), out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response error(int status, String code, String message, String fix) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    body.put("fix", fix);
    return Response.json(status, body);
  }

  private boolean authorized(HttpExchange exchange) {
    if (!settings.authRequired()) {
      return true;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String expected = "Bearer " + settings.authToken();
    // constant time: the comparison must not tell how much of a guess was right
    return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
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

  /** {@code raw} with '+' escaped, so that decoding keeps it a '+' (RFC 3986: only forms use '+' for space). */
  static String plusKept(String raw) {
    return raw.replace("+", "%2B");
  }

  private static String route(List<String> s) {
    if (s.size() == 1 && s.get(0).equals("health")) {
      return "/health";
    }
    if (s.size() == 1 && s.get(0).equals("metrics")) {
      return "/metrics";
    }
    if (s.size() == 1 && s.get(0).equals("openapi.json")) {
      return "/openapi.json";
    }
    if (s.size() == 5 && s.get(0).equals("v1") && s.get(1).equals("places") && s.get(3).equals("actions")) {
      return "/v1/places/{placeId}/actions/{action}";
    }
    if (s.size() == 4 && s.get(0).equals("v1") && s.get(1).equals("places") && s.get(3).equals("daily")) {
      return "/v1/places/{placeId}/daily";
    }
    return "unknown";
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
      String key = URLDecoder.decode(plusKept(eq < 0 ? pair : pair.substring(0, eq)), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(plusKept(pair.substring(eq + 1)), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }

  private static byte[] resource(String name) {
    try (InputStream in = ServingHttpServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the serving-layer jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    readers.shutdownNow();
    workers.shutdownNow();
  }
}
