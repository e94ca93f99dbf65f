package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.PlatformException;

/**
 * Slow and hostile clients against the real service: connections that trickle a request one byte
 * every two seconds, more concurrent queries than the service has threads and queue for, and what
 * the service tells a caller without the token. DynamoDB Local sits behind a TCP proxy that can
 * hold a read back, so a query can be made slow without touching the service.
 */
class ServingOverloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final String QUERY =
      "/v1/places/p-1/actions/impression?from=2026-11-25&to=2026-11-26";

  @RegisterExtension
  static final CountersBehindProxy dynamo =
      CountersBehindProxy.named("overload_test")
          .with("platform.timezone", "Asia/Seoul")
          .with("platform.serving.speed-read-timeout", "1s")
          // a slow read stays slow: no outage shortcut
          .with("platform.serving.speed-outage-after-failures", "1000");

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeOpened() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    opened.clear();
  }

  private static PlatformConfig config(String... keyValues) {
    return dynamo.config(keyValues);
  }

  private ServingService start(PlatformConfig config) throws Exception {
    ServingService service = ServingService.start(config, config.serving());
    opened.add(service);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (get(service, "/health").statusCode() != 200) {
      assertThat(System.nanoTime()).as("the service became ready").isLessThan(deadline);
      Thread.sleep(50);
    }
    return service;
  }

  private static HttpResponse<String> get(ServingService on, String pathAndQuery, String... headers)
      throws Exception {
    return get(on, Duration.ofSeconds(2), pathAndQuery, headers);
  }

  private static HttpResponse<String> get(
      ServingService on, Duration timeout, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.port() + pathAndQuery))
            .timeout(timeout);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code n} connections that send a request line one byte every two seconds, and never finish it.
   */
  private List<Socket> trickle(ServingService on, int n) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    ScheduledExecutorService senders = Executors.newScheduledThreadPool(2);
    opened.add(senders::shutdownNow);
    byte[] request =
        "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < n; i++) {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", on.port()), 2_000);
      opened.add(socket);
      sockets.add(socket);
      OutputStream out = socket.getOutputStream();
      int[] next = {0};
      senders.scheduleWithFixedDelay(
          () -> {
            try {
              if (next[0] < request.length - 1) { // never the last byte
                out.write(request[next[0]++]);
                out.flush();
              }
            } catch (Exception e) {
              throw new RuntimeException(e); // the service closed it: stop sending
            }
          },
          0,
          2,
          TimeUnit.SECONDS);
    }
    Thread.sleep(1_000); // every connection has sent its first byte
    return sockets;
  }

  @Test
  void connectionsThatTrickleARequestDoNotStallHealthOrQueries() throws Exception {
    PlatformConfig config = config();
    ServingService service = start(config);
    long tricklingSince = System.nanoTime();
    List<Socket> slow = trickle(service, config.serving().threads() + 4);

    long started = System.nanoTime();
    HttpResponse<String> health = get(service, "/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    HttpResponse<String> query = get(service, QUERY);
    assertThat(query.statusCode()).as(query.body()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

    // max-request-read-time (10 s by default): the service closes every trickling connection
    Duration bound = config.serving().maxRequestReadTime();
    for (Socket s : slow) {
      s.setSoTimeout((int) bound.plusSeconds(5).toMillis());
      InputStream in = s.getInputStream();
      try {
        assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
      } catch (SocketException reset) {
        // closed as well
      }
    }
    assertThat(Duration.ofNanos(System.nanoTime() - tricklingSince))
        .as("closed after about the bound")
        .isLessThan(bound.plusSeconds(4));
  }

  @Test
  void queriesBeyondThreadsAndQueueAre503AtOnceAndHealthStillAnswers() throws Exception {
    ServingService service =
        start(config("platform.serving.threads", "2", "platform.serving.max-queued-requests", "2"));
    dynamo
        .proxy()
        .delayNextRequests(
            10_000, Duration.ofSeconds(3)); // every DynamoDB read waits out its 1 s bound
    int clients = 12;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    opened.add(pool::shutdownNow);
    List<Future<Object[]>> answers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      answers.add(
          pool.submit(
              () -> {
                long t0 = System.nanoTime();
                HttpResponse<String> r = get(service, Duration.ofSeconds(20), QUERY);
                return new Object[] {r, Duration.ofNanos(System.nanoTime() - t0)};
              }));
    }
    Thread.sleep(300);
    long t0 = System.nanoTime();
    HttpResponse<String> health = get(service, "/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("/health does not queue behind queries")
        .isLessThan(Duration.ofSeconds(1));

    int ok = 0;
    int rejected = 0;
    for (Future<Object[]> f : answers) {
      @SuppressWarnings("unchecked")
      HttpResponse<String> r = (HttpResponse<String>) f.get()[0];
      Duration took = (Duration) f.get()[1];
      if (r.statusCode() == 503) {
        rejected++;
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("overloaded");
        assertThat(took)
            .as("rejected at once, not after waiting")
            .isLessThan(Duration.ofMillis(900));
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ok++;
      }
    }
    assertThat(ok).as("2 threads + 2 queued answer").isGreaterThanOrEqualTo(4);
    assertThat(rejected).as("the rest is turned away").isGreaterThanOrEqualTo(1);
    assertThat(ok + rejected).isEqualTo(clients);
    String metrics = get(service, "/metrics").body();
    assertThat(metrics).contains("lambda_serving_queued_requests");
  }

  @Test
  void healthShowsErrorTextsOnlyToACallerWithTheToken() throws Exception {
    String token = "overload-token";
    ServingService service = start(config("platform.serving.auth-token", token));
    dynamo.proxy().delayNextRequests(10_000, Duration.ofSeconds(3));
    HttpResponse<String> stale =
        get(service, Duration.ofSeconds(10), QUERY, "Authorization", "Bearer " + token);
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
    assertThat(JSON.readTree(stale.body()).get("stale").asBoolean()).as(stale.body()).isTrue();
    dynamo.proxy().delayNextRequests(0, Duration.ZERO);

    JsonNode anonymous = JSON.readTree(get(service, "/health").body());
    assertThat(anonymous.get("status").asText()).isEqualTo("degraded");
    assertThat(anonymous.get("speed_view").get("state").asText()).isEqualTo("failing");
    assertThat(anonymous.get("speed_view").get("last_error").asText())
        .isEqualTo(BearerAuth.HIDDEN_ERROR);

    JsonNode wrongToken =
        JSON.readTree(get(service, "/health", "Authorization", "Bearer guess").body());
    assertThat(wrongToken.get("speed_view").get("last_error").asText())
        .isEqualTo(BearerAuth.HIDDEN_ERROR);

    JsonNode authorized =
        JSON.readTree(get(service, "/health", "Authorization", "Bearer " + token).body());
    assertThat(authorized.get("speed_view").get("last_error").asText())
        .isNotBlank()
        .isNotEqualTo(BearerAuth.HIDDEN_ERROR);
  }

  @Test
  void aNonLoopbackAddressWithoutATokenIsRefusedUnlessAllowed() throws Exception {
    PlatformConfig config = config();
    assertThatThrownBy(
            () -> ServingService.start(config, config.serving().withListen("0.0.0.0", 0)))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("0.0.0.0")
        .satisfies(
            e ->
                assertThat(((PlatformException) e).fix())
                    .contains("platform.serving.auth-token")
                    .contains("LAMBDA_SERVING_TOKEN")
                    .contains("allow-open-non-loopback"));
    for (String loopback : List.of("127.0.0.1", "127.1.2.3", "::1", "localhost")) {
      ServingHttpServer.checkExposure(config.serving().withListen(loopback, 0)); // no exception
    }
    ServingHttpServer.checkExposure(config.serving().withListen("0.0.0.0", 0).withAuthToken("t"));

    PlatformConfig allowed = config("platform.serving.allow-open-non-loopback", "true");
    ServingService open = ServingService.start(allowed, allowed.serving().withListen("0.0.0.0", 0));
    opened.add(open);
    assertThat(get(open, "/health").statusCode()).isIn(200, 503);

    ServingService withToken =
        ServingService.start(config, config.serving().withListen("0.0.0.0", 0).withAuthToken("t"));
    opened.add(withToken);
    assertThat(get(withToken, "/health").statusCode()).isIn(200, 503);
  }

  @Test
  void anInternalErrorBodyCarriesARequestIdAndNoExceptionText() {
    Map<String, Object> body = ApiResponse.internalErrorBody("req-42");
    assertThat(body).containsEntry("error", "internal").containsEntry("request_id", "req-42");
    assertThat(body.toString())
        .contains("req-42")
        .doesNotContain("Exception")
        .doesNotContain("at org.");
  }
}
