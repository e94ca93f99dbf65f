package org.lambdaref.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
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
import org.lambdaref.config.ServingSettings;
import org.lambdaref.model.PlatformException;
import org.lambdaref.serving.ServingQueries.ActionSeries;
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
 *   <li>{@code GET /v1/batch/runs}: the latest run of each job and period of the ledger's newest
 *       days
 *   <li>{@code GET /} a page over the above for people; {@code GET /health}, {@code GET /metrics}
 *       (Prometheus text), {@code GET /openapi.json}
 * </ul>
 *
 * <p>Slow and hostile clients. The JDK server reads a request (line and headers, blocking) on a
 * thread of its executor, once the connection's first byte arrives. That executor here is the
 * reader pool ({@code platform.serving.reader-threads}, no queue: with every reader busy a new
 * request's connection is closed), and {@code sun.net.httpserver.maxReqTime} closes a connection
 * that has not sent its whole request within {@code max-request-read-time}. Readers answer {@code
 * /health}, {@code /metrics}, {@code /openapi.json} and every error themselves and hand queries to
 * the query pool ({@code threads}, at most {@code max-queued-requests} waiting; beyond that 503
 * with {@code Retry-After}), so a probe never waits behind queries or slow clients.
 *
 * <p>This class is the routing and the limits; the request target is parsed by {@link
 * RequestTarget}, the token checked by {@link BearerAuth}, the bodies built by {@link
 * ResponseBodies} and the metrics kept by {@link ServingMetrics}.
 */
public final class ServingHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingHttpServer.class);

  private final ServingSettings settings;
  private final BatchViewRefresher batch;
  private final SpeedView speed;
  private final ServingRequests requests;
  private final Clock clock;
  private final HttpServer server;

  /**
   * Reads requests, answers the cheap routes and every error, hands queries to {@link #workers}.
   */
  private final ThreadPoolExecutor readers;

  /** Answers queries: {@code threads} threads, a queue of {@code max-queued-requests}. */
  private final ThreadPoolExecutor workers;

  private final ServingMetrics metrics;
  private final BearerAuth auth;
  private final byte[] openApi;

  /** The page at {@code /}: one file, its script and styles inline, nothing from the network. */
  private final byte[] page;

  public ServingHttpServer(
      ServingSettings settings, BatchViewRefresher batch, SpeedView speed, Clock clock) {
    this.settings = settings;
    this.batch = batch;
    this.speed = speed;
    this.clock = clock;
    this.requests = new ServingRequests(batch.current().zone(), settings.maxRange());
    this.openApi = resource("/openapi.json");
    this.page = resource("/page/index.html");
    this.metrics = new ServingMetrics(batch, speed, clock);
    this.auth = new BearerAuth(settings);
    checkExposure(settings);
    applyJdkServerLimits(settings);
    BlockingQueue<Runnable> queue =
        settings.maxQueuedRequests() > 0
            ? new ArrayBlockingQueue<>(settings.maxQueuedRequests())
            : new SynchronousQueue<>();
    this.workers =
        new ThreadPoolExecutor(
            settings.threads(),
            settings.threads(),
            0,
            TimeUnit.MILLISECONDS,
            queue,
            daemons("serving-http-"),
            new ThreadPoolExecutor.AbortPolicy());
    // no queue: a request waiting for a reader would wait behind slow clients; the JDK server
    // closes the connection when this rejects it
    this.readers =
        new ThreadPoolExecutor(
            0,
            settings.readerThreads(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemons("serving-read-"),
            (r, pool) -> {
              metrics.rejectedConnection();
              throw new RejectedExecutionException(
                  "all " + settings.readerThreads() + " reader threads are busy");
            });
    metrics.registerQueue(() -> workers.getQueue().size());
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 1024);
    } catch (IOException e) {
      workers.shutdownNow();
      readers.shutdownNow();
      throw new PlatformException(
          "Cannot listen on " + settings.bindAddress() + ":" + settings.port(),
          String.valueOf(e.getMessage()),
          "pick a free port with --port or platform.serving.port",
          e);
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

  /**
   * The JDK server's own request-read bound; JVM-wide, read once when its first server is created.
   */
  static final String MAX_REQ_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";

  /** The JDK server's TCP_NODELAY switch; JVM-wide, read with {@link #MAX_REQ_TIME_PROPERTY}. */
  static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private static String appliedMaxReqTime;

  /**
   * Sets {@code sun.net.httpserver.maxReqTime} (whole seconds) from {@code max-request-read-time}
   * unless the JVM was started with it. The JDK server reads it once, when its first server is
   * created in the JVM: a later service with another value gets the first one (logged).
   */
  static synchronized void applyJdkServerLimits(ServingSettings settings) {
    // Nagle's algorithm off: with keep-alive clients an answer's last segment otherwise waits for
    // the client's delayed ACK (~40 ms on Linux) before it leaves (issue 20)
    if (System.getProperty(NO_DELAY_PROPERTY) == null) {
      System.setProperty(NO_DELAY_PROPERTY, "true");
    }
    long seconds = Math.max(1, (settings.maxRequestReadTime().toMillis() + 999) / 1000);
    String wanted = Long.toString(seconds);
    String current = System.getProperty(MAX_REQ_TIME_PROPERTY);
    if (current == null) {
      System.setProperty(MAX_REQ_TIME_PROPERTY, wanted);
      appliedMaxReqTime = wanted;
    } else if (!current.equals(wanted)) {
      LOG.warn(
          "platform.serving.max-request-read-time = {}s is not applied: {} = {} {}",
          wanted,
          MAX_REQ_TIME_PROPERTY,
          current,
          current.equals(appliedMaxReqTime)
              ? "was set by an earlier service in this JVM (the JDK HTTP server reads it once)"
              : "was set on the JVM's command line, which wins");
    }
  }

  /**
   * Refuses an address other hosts reach (anything but 127.0.0.0/8, ::1, localhost) when no token
   * protects the API, unless {@code allow-open-non-loopback} says it is meant.
   */
  static void checkExposure(ServingSettings settings) {
    if (settings.authRequired()
        || settings.allowOpenNonLoopback()
        || isLoopback(settings.bindAddress())) {
      return;
    }
    throw new PlatformException(
        "Refusing to serve on " + settings.bindAddress() + " without an auth token",
        "that address is reachable from other hosts and platform.serving.auth-token is empty, so anyone who reaches"
            + " the port could read every place's counts",
        "set platform.serving.auth-token (from the environment: LAMBDA_SERVING_TOKEN), or listen on 127.0.0.1 behind"
            + " a proxy, or set platform.serving.allow-open-non-loopback = true to open it deliberately");
  }

  /**
   * True when every address {@code address} names is a loopback one; unresolvable: left to the bind
   * to report.
   */
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
    LOG.info(
        "serving on http://{}:{} (batch watermark {})",
        settings.bindAddress(),
        port(),
        batch.current().watermark().map(LocalDate::toString).orElse("none yet"));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * On a reader thread: the cheap routes and errors are answered here, queries go to the query
   * pool.
   */
  private void handle(HttpExchange exchange) {
    long started = System.nanoTime();
    String route = RequestTarget.UNKNOWN;
    ApiResponse response;
    try {
      String path = exchange.getRequestURI().getRawPath();
      RequestTarget target = RequestTarget.parse(path, exchange.getRequestURI().getRawQuery());
      route = target.route();
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      int targetLength = exchange.getRequestURI().toString().length();
      if (targetLength > RequestTarget.MAX_URI_LENGTH) {
        response =
            ApiResponse.error(
                414,
                "uri_too_long",
                "the request target has " + targetLength + " characters",
                "keep it under "
                    + RequestTarget.MAX_URI_LENGTH
                    + "; queries take a place, an action and two times");
      } else if ((length != null && !length.equals("0"))
          || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
        response =
            ApiResponse.error(
                413,
                "body_not_allowed",
                "the request has a body",
                "send GET requests without a body");
      } else if (!"GET".equals(exchange.getRequestMethod())) {
        response =
            ApiResponse.error(
                405,
                "method_not_allowed",
                exchange.getRequestMethod() + " is not supported",
                "use GET");
        exchange.getResponseHeaders().add("Allow", "GET");
      } else if (route.equals(RequestTarget.UNKNOWN)) {
        response =
            ApiResponse.error(
                404, "not_found", "no route for " + path, "routes: " + RequestTarget.ROUTES);
      } else if (target.isQuery() && !authorized(exchange)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        response =
            ApiResponse.error(
                401,
                "unauthorized",
                "a bearer token is required",
                "send the header 'Authorization: Bearer <token>' with the token of platform.serving.auth-token");
      } else if (target.isQuery()) {
        try {
          workers.execute(
              () ->
                  respond(
                      exchange,
                      target.route(),
                      started,
                      guarded(exchange, () -> answer(target, true))));
          return; // the query thread answers
        } catch (RejectedExecutionException e) {
          exchange.getResponseHeaders().set("Retry-After", "1");
          response =
              ApiResponse.error(
                  503,
                  "overloaded",
                  "all "
                      + settings.threads()
                      + " query threads are busy and "
                      + settings.maxQueuedRequests()
                      + " queries are waiting",
                  "retry after a second; if this lasts, add instances or raise platform.serving.threads");
        }
      } else {
        boolean details = authorized(exchange);
        response = guarded(exchange, () -> answer(target, details));
      }
    } catch (RuntimeException e) {
      response =
          guarded(
              exchange,
              () -> {
                throw e;
              });
    }
    respond(exchange, route, started, response);
  }

  private boolean authorized(HttpExchange exchange) {
    return auth.authorizes(exchange.getRequestHeaders().getFirst("Authorization"));
  }

  /**
   * {@code work}'s response; a bad request is a 400, anything else a 500 that tells no internals.
   */
  private ApiResponse guarded(HttpExchange exchange, Supplier<ApiResponse> work) {
    try {
      return work.get();
    } catch (BadRequest e) {
      return ApiResponse.badRequest(e);
    } catch (RuntimeException e) {
      String id = UUID.randomUUID().toString();
      LOG.error("request {} ({}) failed", exchange.getRequestURI(), id, e);
      exchange.getResponseHeaders().set("X-Request-Id", id);
      return ApiResponse.internalError(id);
    }
  }

  private void respond(HttpExchange exchange, String route, long started, ApiResponse response) {
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
      metrics.answered(route, response.status(), started);
    }
  }

  /** {@code details}: the caller may see error texts (it sent the token, or none is configured). */
  private ApiResponse answer(RequestTarget target, boolean details) {
    List<String> segments = target.segments();
    target.checkParameters();
    return switch (target.route()) {
      // 503 while starting: a load balancer sends no request before the real-time view is warm
      case RequestTarget.HEALTH ->
          ApiResponse.json(
              speed.state() == SpeedView.State.STARTING ? 503 : 200,
              ResponseBodies.health(
                  batch.current(), batch.lastError(), speed, clock.instant(), details));
      case RequestTarget.METRICS -> metrics.scrape();
      case RequestTarget.OPENAPI -> new ApiResponse(200, "application/json", openApi);
      case RequestTarget.PAGE -> new ApiResponse(200, "text/html; charset=utf-8", page);
      case RequestTarget.RUNS -> ApiResponse.json(200, ResponseBodies.runs(batch.current()));
      case RequestTarget.ACTIONS ->
          action(
              requests.actionQuery(
                  segments.get(2),
                  segments.get(4),
                  target.query().get("from"),
                  target.query().get("to"),
                  target.query().get("granularity")));
      case RequestTarget.DAILY ->
          daily(
              requests.dailyQuery(
                  segments.get(2), target.query().get("from"), target.query().get("to")));
      default -> throw new IllegalStateException("route without handler: " + target.route());
    };
  }

  private ApiResponse action(ActionQuery q) {
    BatchView view = batch.current(); // one view for the whole answer
    SpeedView.Reading reading =
        speed.read(
            q.placeId(), q.action(), ServingQueries.speedFrom(view, q.from(), q.to()), q.to());
    ActionSeries s =
        ServingQueries.actionSeries(
            view, reading, q.placeId(), q.action(), q.from(), q.to(), q.granularity());
    if (s.stale()) {
      metrics.staleAnswer();
    }
    return ApiResponse.json(200, ResponseBodies.action(s, view, clock.instant()));
  }

  private ApiResponse daily(DailyQuery q) {
    BatchView view = batch.current();
    if (!view.loaded()) {
      return ApiResponse.error(
          503,
          "batch_view_unavailable",
          "the batch view has not been loaded: "
              + (batch.lastError().isPresent()
                  ? "its last load failed (the error is in /health and the service log)"
                  : "the first load has not finished"),
          "the daily view comes from the batch tables only; bring the lake storage back (see /health), the service"
              + " loads the view at its next refresh");
    }
    return ApiResponse.json(
        200,
        ResponseBodies.daily(view, q, ServingQueries.daily(view, q.placeId(), q.from(), q.to())));
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
