package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore.Delta;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.serving.BatchTables.Hour;

/**
 * The service end to end: t3 tables written by the batch layer's writer, counters in DynamoDB
 * Local, answers over HTTP. The shared batch view has D1 closed and a failed aggregate run of D2;
 * the tests that close D2 or stop DynamoDB do it on a batch view and a service of their own
 * (DynamoDB is back before the test ends), so that every test holds alone and in any order.
 */
class ServingHttpTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final LocalDate D1 = LocalDate.of(2026, 11, 18);
  private static final LocalDate D2 = D1.plusDays(1);
  private static final LocalDate D3 = D1.plusDays(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path root;
  private static LocalStack stack;
  private static ServingService service;
  private static ServingService securedService;

  @BeforeAll
  static void setUp() {
    stack =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB));
    PlatformConfig config = configAt(root);
    batchView(config);

    // speed: counts for D1 (which the batch owns: never shown), D2 (6: the batch later corrects
    // it to 4, as it would after removing duplicates) and D3
    try (DynamoDbCounterStore counters = new DynamoDbCounterStore(config.dynamodb(), 2)) {
      counters.createTableIfMissing();
      counters.add(
          List.of(
              new Delta("p-1", "impression", hour(D1, 10), 99),
              new Delta("p-1", "impression", hour(D2, 1), 6),
              new Delta("p-1", "impression", hour(D3, 5), 2),
              new Delta("p-1", "click", hour(D3, 5), 1)),
          "test-query",
          0);
    }
    service = ServingService.start(config, config.serving());
    securedService = ServingService.start(config, config.serving().withAuthToken("s3cret-token"));
  }

  /**
   * The configuration of a service on the shared DynamoDB counters, with its lake and work folder
   * in {@code dir}.
   */
  private static PlatformConfig configAt(Path dir) {
    Map<String, String> o = new LinkedHashMap<>(stack.configOverrides());
    o.put("platform.storage.root", dir.resolve("lake").toString());
    o.put("platform.work-dir", dir.resolve("work").toString());
    o.put("platform.timezone", SEOUL.getId());
    o.put("platform.dynamodb.counters-table", "serving_test");
    o.put("platform.serving.port", "0");
    o.put("platform.serving.refresh-interval", "1h"); // the test refreshes when it means to
    o.put("platform.serving.speed-cache-ttl", "0s"); // every request reads DynamoDB
    o.put("platform.serving.speed-read-timeout", "500ms");
    return ConfigLoader.load("local", o, Map.of(), dir);
  }

  /**
   * The configuration of a service of its own in {@code dir}, on a copy of the shared batch view
   * (D1 closed) that the test may change: the lake's folders copied as they are, Delta logs and
   * all.
   */
  private static PlatformConfig copyOfTheBatchView(Path dir) throws IOException {
    Path from = root.resolve("lake");
    Path to = dir.resolve("lake");
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return configAt(dir);
  }

  /** Writes the batch view of the test into the lake of {@code config}: D1 closed. */
  private static void batchView(PlatformConfig config) {
    BatchTables tables = new BatchTables(config);
    // batch: p-1 has 5 impressions at 10:00 and 3 at 23:00 on D1, 4 at 01:00 on D2; D1 is closed
    tables.writeHourly(
        D1, new Hour("p-1", "impression", 10, 5), new Hour("p-1", "impression", 23, 3));
    tables.writeHourly(D2, new Hour("p-1", "impression", 1, 4));
    tables.writeDaily(D1, "p-1", 8, 0, 6);
    // D2's run set aside late events of D1: two distinct impressions (one arrived twice) and a
    // click
    tables.writeLate(
        D2,
        new BatchTables.Late("late-1", "p-1", "impression", D1),
        new BatchTables.Late("late-1", "p-1", "impression", D1),
        new BatchTables.Late("late-2", "p-1", "impression", D1),
        new BatchTables.Late("late-3", "p-1", "click", D1));
    tables.close(D1);
    // D2's aggregate failed once: not covered, and the page shows it failed
    tables.fail(D2);
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {service, securedService, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  private static Instant hour(LocalDate day, int hour) {
    return day.atTime(hour, 0).atZone(SEOUL).toInstant();
  }

  /** Every answer the tests of this class got, for the check against /openapi.json. */
  private static final List<NodeChecks.Exchange> ANSWERS =
      Collections.synchronizedList(new ArrayList<>());

  private static HttpResponse<String> get(ServingService on, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.port() + pathAndQuery));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(pathAndQuery, b.build());
  }

  private static HttpResponse<String> send(String pathAndQuery, HttpRequest request)
      throws Exception {
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    ANSWERS.add(NodeChecks.Exchange.of(pathAndQuery, r));
    return r;
  }

  private static JsonNode getJson(String pathAndQuery, int expectedStatus) throws Exception {
    return getJson(service, pathAndQuery, expectedStatus);
  }

  private static JsonNode getJson(ServingService on, String pathAndQuery, int expectedStatus)
      throws Exception {
    HttpResponse<String> r = get(on, pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + " -> " + r.body()).isEqualTo(expectedStatus);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(r.body());
  }

  private static List<String> sources(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.get("buckets").forEach(b -> out.add(b.get("source").asText()));
    return out;
  }

  @Test
  void aQuerySpanningTheWatermarkTakesBatchBucketsBeforeItAndSpeedBucketsAfterIt()
      throws Exception {
    JsonNode hourly =
        getJson("/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-21", 200);
    assertThat(hourly.get("batch_watermark").asText()).isEqualTo(D1.toString());
    assertThat(hourly.get("buckets")).hasSize(72);
    assertThat(sources(hourly).subList(0, 24)).containsOnly("batch");
    assertThat(sources(hourly).subList(24, 72)).containsOnly("speed");
    assertThat(hourly.get("buckets").get(10).get("count").asLong())
        .as("D1 10:00 from the batch, not the 99 in DynamoDB")
        .isEqualTo(5);
    assertThat(hourly.get("buckets").get(10).get("start").asText())
        .isEqualTo("2026-11-18T10:00:00+09:00");
    assertThat(hourly.get("buckets").get(25).get("count").asLong())
        .as("D2 01:00 from the speed layer")
        .isEqualTo(6);
    assertThat(hourly.get("total").asLong()).as("5 + 3 (batch) + 6 + 2 (speed)").isEqualTo(16);
    assertThat(hourly.get("stale").asBoolean()).isFalse();
    assertThat(hourly.get("batch_covered_days"))
        .extracting(JsonNode::asText)
        .containsExactly(D1.toString());
    assertThat(hourly.get("late_set_aside"))
        .as("D1's late impressions, set aside by the batch")
        .hasSize(1);
    assertThat(hourly.get("late_set_aside").get(0).get("day").asText()).isEqualTo(D1.toString());
    assertThat(hourly.get("late_set_aside").get(0).get("events").asLong()).isEqualTo(2);

    JsonNode daily =
        getJson(
            "/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-21&granularity=day", 200);
    assertThat(daily.get("buckets")).hasSize(3);
    assertThat(daily.get("buckets").findValuesAsText("source"))
        .containsExactly("batch", "speed", "speed");
    assertThat(daily.get("buckets").findValues("count"))
        .extracting(JsonNode::asLong)
        .containsExactly(8L, 6L, 2L);

    JsonNode clicks =
        getJson("/v1/places/p-1/actions/click?from=2026-11-20T05:00&to=2026-11-20T06:00", 200);
    assertThat(clicks.get("total").asLong()).isEqualTo(1);
  }

  @Test
  void theDailyViewComesFromTheBatchOnlyAndSaysSo() throws Exception {
    JsonNode daily = getJson("/v1/places/p-1/daily?from=2026-11-18&to=2026-11-20", 200);
    assertThat(daily.get("source").asText()).isEqualTo("batch");
    assertThat(daily.get("days").get(0).get("impressions").asLong()).isEqualTo(8);
    assertThat(daily.get("days").get(0).get("unique_users").asLong()).isEqualTo(6);
    assertThat(daily.get("days").get(0).get("covered").asBoolean()).isTrue();
    assertThat(daily.get("days").get(0).get("late_impressions").asLong()).isEqualTo(2);
    assertThat(daily.get("days").get(0).get("late_clicks").asLong()).isEqualTo(1);
    assertThat(daily.get("days").get(1).get("late_impressions").isNull())
        .as("D2 is not covered")
        .isTrue();
    assertThat(daily.get("days").get(1).get("unique_users").isNull())
        .as("D2 is after the watermark")
        .isTrue();
  }

  @Test
  void closingADaySwitchesItsBucketsToTheBatchWithoutCountingThemTwice() throws Exception {
    PlatformConfig own = copyOfTheBatchView(root.resolve("closing"));
    BatchTables tables = new BatchTables(own);
    try (ServingService closing = ServingService.start(own, own.serving())) {
      tables.close(D2);
      assertThat(closing.batch().refreshNow()).as("the new ledger version is picked up").isTrue();

      JsonNode hourly =
          getJson(closing, "/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-21", 200);
      assertThat(hourly.get("batch_watermark").asText()).isEqualTo(D2.toString());
      assertThat(sources(hourly).subList(0, 48)).containsOnly("batch");
      assertThat(sources(hourly).subList(48, 72)).containsOnly("speed");
      assertThat(hourly.get("buckets").get(25).get("count").asLong())
          .as("D2 01:00 now from the batch")
          .isEqualTo(4);
      assertThat(hourly.get("total").asLong()).as("5 + 3 + 4 (batch) + 2 (speed)").isEqualTo(14);
      assertThat(closing.batch().refreshNow()).as("nothing new: no reload").isFalse();
    }
  }

  @Test
  void everyBadParameterGetsA400NamingIt() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("/v1/places/p-1/actions/view?from=2026-11-18&to=2026-11-19", "action");
    cases.put("/v1/places/p-1/actions/click?from=2026-11-19&to=2026-11-18", "to");
    cases.put("/v1/places/p-1/actions/click?from=2026-09-01&to=2026-11-18", "to");
    cases.put("/v1/places/p-1/actions/click?from=18.11.2026&to=2026-11-19", "from");
    cases.put("/v1/places/p-1/actions/click?to=2026-11-19", "from");
    cases.put(
        "/v1/places/p-1/actions/click?from=2026-11-18&to=2026-11-19&granularity=minute",
        "granularity");
    cases.put("/v1/places/p%201/actions/click?from=2026-11-18&to=2026-11-19", "placeId");
    cases.put(
        "/v1/places/" + "x".repeat(129) + "/actions/click?from=2026-11-18&to=2026-11-19",
        "placeId");
    cases.put("/v1/places/p-1/daily?from=2026-11-18&to=nope", "to");
    cases.put(
        "/v1/places/p-1/actions/click?from=2026-11-18&to=2026-11-19&granularty=day", "granularty");
    cases.put("/v1/places/p-1/daily?from=2026-11-18&to=2026-11-19&granularity=day", "granularity");
    cases.put("/v1/places/p-1/daily?from=2026-11-18&to=2026-11-19&from=2026-11-17", "from");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      JsonNode error = getJson(c.getKey(), 400);
      assertThat(error.get("parameter").asText()).as(c.getKey()).isEqualTo(c.getValue());
      assertThat(error.get("allowed").asText()).as(c.getKey()).isNotBlank();
    }
    assertThat(getJson("/v1/nowhere", 404).get("fix").asText())
        .contains("/v1/places/{placeId}/actions/{action}");
    HttpResponse<String> post =
        send(
            "/health",
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/health"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(post.statusCode()).isEqualTo(405);
    HttpResponse<String> withBody =
        send(
            "/v1/places/p-1/daily",
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + service.port()
                            + "/v1/places/p-1/daily?from=2026-11-18&to=2026-11-19"))
                .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(10_000)))
                .build());
    assertThat(withBody.statusCode()).as("a request body is refused, not read").isEqualTo(413);
    assertThat(
            getJson(
                    "/v1/places/p-1/daily?from=2026-11-18&to=2026-11-19&pad=" + "x".repeat(5000),
                    414)
                .get("error")
                .asText())
        .isEqualTo("uri_too_long");
  }

  @Test
  void errorsNeverCarryAStackTrace() throws Exception {
    HttpResponse<String> r =
        get(service, "/v1/places/p-1/actions/click?from=2026-11-18T10:00:00.5Z&to=2026-11-19");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("at org.").doesNotContain("Exception");
  }

  @Test
  void aBearerTokenIsRequiredWhenConfigured() throws Exception {
    String path = "/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-19";
    assertThat(get(securedService, path).statusCode()).isEqualTo(401);
    assertThat(get(securedService, path, "Authorization", "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(get(securedService, path, "Authorization", "Bearer s3cret-token").statusCode())
        .isEqualTo(200);
    assertThat(get(securedService, "/health").statusCode())
        .as("health stays open for probes")
        .isEqualTo(200);
  }

  @Test
  void theOpenApiDescriptionCoversEveryRouteAndMetricsArePrometheusText() throws Exception {
    getJson("/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-19", 200);
    JsonNode openApi = getJson("/openapi.json", 200);
    for (String route : RequestTarget.ROUTES) {
      assertThat(openApi.get("paths").has(route)).as("OpenAPI documents " + route).isTrue();
    }
    HttpResponse<String> metrics = get(service, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "lambda_serving_requests_total{route=\"/v1/places/{placeId}/actions/{action}\",status=\"200\"}")
        .contains("lambda_serving_request_duration_seconds_bucket{")
        .contains("lambda_serving_batch_view_age_seconds");
    double watermarkEnd =
        metrics
            .body()
            .lines()
            .filter(l -> l.startsWith("lambda_serving_batch_watermark_end_seconds "))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
            .findFirst()
            .orElseThrow();
    assertThat((long) watermarkEnd)
        .as("real-time from the start of D2 (watermark D1)")
        .isEqualTo(D2.atStartOfDay(SEOUL).toEpochSecond());
  }

  @Test
  void whenDynamoDbIsDownAnswersUseTheCachedRealTimeValuesMarkedStale() throws Exception {
    PlatformConfig own = copyOfTheBatchView(root.resolve("outage"));
    new BatchTables(own).close(D2);
    String hourlyPath = "/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-21";
    try (ServingService outage = ServingService.start(own, own.serving())) {
      JsonNode up = getJson(outage, hourlyPath, 200);
      assertThat(up.get("stale").asBoolean()).as("DynamoDB up: fresh").isFalse();
      assertThat(up.get("total").asLong()).as("batch 12 + speed 2, now cached").isEqualTo(14);
      stack.stop(ServerKind.DYNAMODB);
      try {
        answersWhileDynamoDbIsDown(outage, hourlyPath);
      } finally {
        stack.restart(ServerKind.DYNAMODB);
      }
    }
    // the other tests share DynamoDB: hand it back warm, as the shared service sees it. A cold
    // restarted server (or a pooled connection to the stopped one) may miss the 500 ms read
    // timeout once, which would make another test's first answer stale and its speed buckets 0
    untilAnswersAreFresh(service, hourlyPath, Duration.ofSeconds(60));
  }

  private static void untilAnswersAreFresh(ServingService on, String path, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (getJson(on, path, 200).get("stale").asBoolean()) {
      assertThat(System.nanoTime())
          .as("answers of the shared service are fresh again after DynamoDB restarted")
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void answersWhileDynamoDbIsDown(ServingService outage, String hourlyPath)
      throws Exception {
    long started = System.nanoTime();
    JsonNode hourly = getJson(outage, hourlyPath, 200);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(hourly.get("stale").asBoolean()).isTrue();
    assertThat(hourly.get("total").asLong())
        .as("batch 12 + the cached speed value 2")
        .isEqualTo(14);
    assertThat(tookMs)
        .as("an outage costs about the read timeout, not an SDK retry storm")
        .isLessThan(5_000);

    JsonNode unseen =
        getJson(outage, "/v1/places/p-9/actions/impression?from=2026-11-20&to=2026-11-21", 200);
    assertThat(unseen.get("stale").asBoolean())
        .as("nothing cached for p-9: zeros, and it says so")
        .isTrue();

    JsonNode batchOnly =
        getJson(outage, "/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-20", 200);
    assertThat(batchOnly.get("stale").asBoolean())
        .as("no real-time bucket in the answer")
        .isFalse();
    assertThat(batchOnly.get("total").asLong()).isEqualTo(12);

    JsonNode health = getJson(outage, "/health", 200);
    assertThat(health.get("status").asText()).isEqualTo("degraded");
    assertThat(health.get("speed_view").get("last_error").asText()).isNotBlank();
  }

  @Test
  void theRecentRunsShowTheLatestRunOfEachPeriodWithTheFailedOnesCounted() throws Exception {
    JsonNode runs = getJson("/v1/batch/runs", 200);
    assertThat(runs.get("batch_watermark").asText()).isEqualTo(D1.toString());
    assertThat(runs.get("failed").asInt()).as("D2's aggregate").isEqualTo(1);
    List<String> seen = new ArrayList<>();
    runs.get("runs")
        .forEach(
            r ->
                seen.add(
                    r.get("job").asText()
                        + " "
                        + r.get("day").asText()
                        + " "
                        + r.get("status").asText()));
    assertThat(seen)
        .as("newest day first")
        .containsExactly(
            "aggregate_place " + D2 + " failed", "aggregate_place " + D1 + " succeeded");
    assertThat(getJson("/v1/batch/runs?days=3", 400).get("parameter").asText()).isEqualTo("days");
  }

  @Test
  void thePageIsServedByTheServiceWithNothingFromTheNetwork() throws Exception {
    HttpResponse<String> page = get(service, "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body())
        .contains("<svg id=\"chart\"")
        .contains("/v1/batch/runs")
        .doesNotContainPattern("<link(?![^>]*href=\"data:)")
        .doesNotContainPattern("<script[^>]+src=")
        .doesNotContainPattern("url\\(")
        .doesNotContain("https://");
    assertThat(page.body().replace("http://www.w3.org/2000/svg", ""))
        .as("the SVG namespace is a name, not a fetch; nothing else is absolute")
        .doesNotContain("http://");
    assertThat(get(securedService, "/").statusCode())
        .as("the page itself is open; its requests send the token typed into it")
        .isEqualTo(200);
  }

  /**
   * What a person sees: the page in headless Chromium shows, bar for bar, the API's counts with
   * batch and speed told apart, the cut before the first speed bucket, the watermark, the total and
   * D2's failed run. Needs Debian's Chromium ({@code apt-get install chromium}); without it the
   * test is skipped and says so, and {@code tools/page-check} installs it and runs this test.
   */
  @Test
  void thePageShowsWhatTheApiAnswers() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(NodeChecks.chromium()),
        "no Chromium at " + NodeChecks.chromium() + ": run tools/page-check (installs it)");
    String range = "from=2026-11-18&to=2026-11-21&granularity=hour";
    Path screenshot = Path.of(System.getProperty("page.screenshot", "target/serving-page.png"));
    NodeChecks.Outcome outcome =
        NodeChecks.pageCheck(
            "http://127.0.0.1:" + service.port(),
            "?place=p-1&action=impression&" + range,
            "/v1/places/p-1/actions/impression?" + range,
            screenshot);
    assertThat(outcome.passed()).as(outcome.output()).isTrue();
    JsonNode shown = JSON.readTree(outcome.output()).get("shown");
    assertThat(shown.get("watermark").asText()).isEqualTo(D1.toString());
    assertThat(shown.get("total").asText()).startsWith("16");
    assertThat(shown.get("failedCells"))
        .extracting(JsonNode::asText)
        .containsExactly(D2 + " aggregate_place");
    assertThat(screenshot).isNotEmptyFile();
  }

  @Test
  void thePageReadsAgainOnItsOwnAndShowsACountTheSpeedLayerAdded() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(NodeChecks.chromium()),
        "no Chromium at " + NodeChecks.chromium() + ": run tools/page-check (installs it)");
    // a place of its own: the other tests' answers stay as they are
    String range = "from=" + D1 + "&to=" + D3.plusDays(1) + "&granularity=hour";
    NodeChecks.Outcome outcome =
        NodeChecks.pageCheckAcrossAChange(
            "http://127.0.0.1:" + service.port(),
            "?place=p-refresh&action=impression&refresh=1&" + range,
            "/v1/places/p-refresh/actions/impression?" + range,
            Path.of("target", "serving-page-refreshed.png"),
            () -> {
              try (DynamoDbCounterStore counters =
                  new DynamoDbCounterStore(configAt(root).dynamodb(), 1)) {
                counters.add(
                    List.of(new Delta("p-refresh", "impression", hour(D3, 7), 5)),
                    "page-refresh-test",
                    0);
              }
            });
    assertThat(outcome.passed()).as(outcome.output()).isTrue();
    JsonNode change = JSON.readTree(outcome.output()).get("change");
    assertThat(change.get("totalBefore").asLong()).isZero();
    assertThat(change.get("totalAfter").asLong()).isEqualTo(5);
    assertThat(change.get("shownAfter").asText()).startsWith("5");
    assertThat(change.get("reloaded").asBoolean()).isFalse();
  }

  @Test
  void everyAnswerValidatesAgainstTheOpenApiDescription() throws Exception {
    // one answer of every route and status the shared services give, beside what the other
    // tests of the class got (in a random order, some of them ran before this one)
    String hourly = "/v1/places/p-1/actions/impression?from=2026-11-18&to=2026-11-21";
    get(service, hourly);
    get(service, hourly + "&granularity=day");
    get(service, "/v1/places/p-1/daily?from=2026-11-18&to=2026-11-20");
    get(service, "/v1/places/p-1/daily?from=2026-11-18&to=2026-11-18");
    get(service, "/v1/places/p-1/actions/click?from=2026-11-18&to=2026-11-19&granularty=day");
    get(service, "/health");
    get(service, "/metrics");
    get(service, "/openapi.json");
    get(service, "/v1/batch/runs");
    get(service, "/?place=p-1");
    get(service, "/v1/places/p-1/daily?from=2026-11-18&to=2026-11-19&pad=" + "x".repeat(5000));
    get(service, "/v2/nothing");
    get(securedService, hourly);
    get(securedService, "/health");
    send(
        "/metrics",
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/metrics"))
            .DELETE()
            .build());
    List<NodeChecks.Exchange> answers;
    synchronized (ANSWERS) {
      answers = List.copyOf(ANSWERS);
    }
    assertThat(answers.stream().map(NodeChecks.Exchange::status).distinct())
        .as("every status the shared services give is among the checked answers")
        .contains(200, 400, 401, 404, 405, 414);
    NodeChecks.Outcome outcome = NodeChecks.validate(answers);
    assertThat(outcome.passed()).as(outcome.output()).isTrue();
  }
}
