package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore.Delta;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.ServerKind;

/**
 * The service through DynamoDB trouble, for real: DynamoDB Local stopped and started again, and a
 * TCP proxy in front of it that holds a request back or resets its connection. The lake is empty
 * (no batch day closed), so every bucket is a real-time one. Expected counts are the test's own
 * record of what it wrote to DynamoDB, never the service's earlier answers.
 */
class ServingOutageTest {

  private static final ZoneId ZONE = ZoneId.of("Asia/Seoul");
  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 25);
  private static final int DAYS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @RegisterExtension
  static final CountersBehindProxy dynamo =
      CountersBehindProxy.named("outage_test")
          .with("platform.timezone", ZONE.getId())
          .with("platform.serving.speed-read-timeout", "500ms")
          .with("platform.serving.speed-outage-after-failures", "3")
          .with("platform.serving.speed-outage-probe-interval", "200ms");

  private static PlatformConfig config;

  /**
   * What the test wrote: count per hour (UTC instant of the local hour's start) of p-1 impressions.
   */
  private static final Map<Instant, Long> written = new TreeMap<>();

  private ServingService service;

  @BeforeAll
  static void setUp() {
    config = dynamo.config();
    Random random = new Random(22);
    List<Delta> deltas = new ArrayList<>();
    for (int d = 0; d < DAYS; d++) {
      for (int hour = 0; hour < 24; hour++) {
        if (random.nextInt(5) > 0) {
          Instant h = DAY1.plusDays(d).atTime(hour, 0).atZone(ZONE).toInstant();
          long count = 1 + random.nextInt(20);
          written.put(h, count);
          deltas.add(new Delta("p-1", "impression", h, count));
        }
      }
    }
    // written straight to DynamoDB Local, not through the proxy
    try (DynamoDbCounterStore counters = new DynamoDbCounterStore(dynamo.direct().dynamodb(), 2)) {
      counters.add(deltas, "outage-test", 0);
    }
  }

  @AfterEach
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + " -> " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static String hours(LocalDate from, int fromHour, LocalDate to, int toHour) {
    return "/v1/places/p-1/actions/impression?from="
        + from
        + "T"
        + String.format("%02d", fromHour)
        + ":00&to="
        + to
        + "T"
        + String.format("%02d", toHour)
        + ":00";
  }

  private static long expected(Instant from, Instant to) {
    return written.entrySet().stream()
        .filter(e -> !e.getKey().isBefore(from) && e.getKey().isBefore(to))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static long metric(String body, String line) {
    return body.lines()
        .filter(l -> l.startsWith(line + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + line));
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (get("/health").statusCode() != 200) {
      assertThat(System.nanoTime()).as("the service became ready").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void aStaleAnswerKeepsEveryHourTheServiceHadAnsweredAndMarksUnseenHoursUnknown()
      throws Exception {
    service = ServingService.start(config, config.serving());
    awaitReady();
    LocalDate last = DAY1.plusDays(DAYS - 1);
    Instant from = DAY1.atStartOfDay(ZONE).toInstant();
    Instant to = DAY1.plusDays(DAYS).atStartOfDay(ZONE).toInstant();
    String fiveDays =
        "/v1/places/p-1/actions/impression?from=" + DAY1 + "&to=" + DAY1.plusDays(DAYS);
    JsonNode fresh = getJson(fiveDays);
    assertThat(fresh.get("stale").asBoolean()).isFalse();
    assertThat(fresh.get("total").asLong()).isEqualTo(expected(from, to));
    Thread.sleep(1_100);
    JsonNode narrow = getJson(hours(last, 12, last, 18));
    assertThat(narrow.get("stale").asBoolean()).isFalse();

    dynamo.stack().stop(ServerKind.DYNAMODB);
    Thread.sleep(1_100);
    JsonNode stale = getJson(fiveDays);
    assertThat(stale.get("stale").asBoolean()).isTrue();
    assertThat(stale.get("total").asLong())
        .as("what the service had answered, not the narrower last reading")
        .isEqualTo(expected(from, to));
    assertThat(stale.get("unknown_hours").asInt()).isZero();
    JsonNode buckets = stale.get("buckets");
    assertThat(buckets).hasSize(DAYS * 24);
    for (int i = 0; i < buckets.size(); i++) {
      JsonNode b = buckets.get(i);
      Instant hour = from.plus(Duration.ofHours(i));
      assertThat(b.get("count").asLong())
          .as(b.toString())
          .isEqualTo(written.getOrDefault(hour, 0L));
      boolean inNarrow = i >= (DAYS - 1) * 24 + 12 && i < (DAYS - 1) * 24 + 18;
      assertThat(b.get("age_seconds").asLong())
          .as("%s read %s", b, inNarrow ? "by the narrow read" : "by the wide read")
          .isGreaterThanOrEqualTo(inNarrow ? 1 : 2);
      assertThat(Instant.parse(b.get("read_at").asText()))
          .as(b.toString())
          .isBefore(Instant.now().minusSeconds(1));
    }

    JsonNode openApi = getJson("/openapi.json").get("components").get("schemas");
    assertThat(fieldNames(stale))
        .as("every field of the answer is declared")
        .containsExactlyInAnyOrderElementsOf(
            fieldNames(openApi.get("ActionSeries").get("properties")));
    assertThat(fieldNames(openApi.get("Bucket").get("properties")))
        .as("every field of a real-time bucket is declared")
        .containsAll(fieldNames(buckets.get(0)));
    assertThat(openApi.get("Bucket").get("properties").get("count").get("nullable").asBoolean())
        .isTrue();

    JsonNode wider =
        getJson(
            "/v1/places/p-1/actions/impression?from=" + DAY1 + "&to=" + DAY1.plusDays(DAYS + 1));
    assertThat(wider.get("unknown_hours").asInt()).as("the sixth day was never read").isEqualTo(24);
    assertThat(wider.get("buckets").get(DAYS * 24).get("count").isNull())
        .as("unknown, not 0")
        .isTrue();
    assertThat(wider.get("total").asLong()).isEqualTo(expected(from, to));
    JsonNode byDay =
        getJson(
            "/v1/places/p-1/actions/impression?from="
                + DAY1
                + "&to="
                + DAY1.plusDays(DAYS + 1)
                + "&granularity=day");
    assertThat(byDay.get("buckets").get(DAYS).get("count").isNull()).isTrue();
    assertThat(byDay.get("buckets").get(DAYS).get("unknown_hours").asInt()).isEqualTo(24);
    assertThat(byDay.get("buckets").get(0).get("count").asLong())
        .isEqualTo(expected(from, DAY1.plusDays(1).atStartOfDay(ZONE).toInstant()));

    JsonNode health = getJson("/health");
    assertThat(health.get("speed_view").get("state").asText())
        .as("three reads in a row failed")
        .isEqualTo("outage");
    long started = System.nanoTime();
    assertThat(getJson(fiveDays).get("stale").asBoolean()).isTrue();
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("during an outage answers come from memory at once")
        .isLessThan(400);
    String metrics = get("/metrics").body();
    assertThat(metric(metrics, "lambda_serving_speed_outages_total{kind=\"declared\"}"))
        .isEqualTo(1);

    dynamo.stack().restart(ServerKind.DYNAMODB);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!getJson("/health").get("speed_view").get("state").asText().equals("healthy")) {
      assertThat(System.nanoTime()).as("the probe saw DynamoDB back").isLessThan(deadline);
      Thread.sleep(100);
    }
    // the restarted server is cold: under load one read may still miss the 500 ms read timeout
    JsonNode back = getJson(fiveDays);
    while (back.get("stale").asBoolean()) {
      assertThat(System.nanoTime()).as("answers are fresh again").isLessThan(deadline);
      Thread.sleep(100);
      back = getJson(fiveDays);
    }
    assertThat(back.get("total").asLong()).isEqualTo(expected(from, to));
  }

  @Test
  void theFirstAnswerAfterStartWaitsForTheWarmUpInsteadOfReportingAFalseOutage() throws Exception {
    // the first request of the process is held back three times the read timeout
    dynamo.proxy().delayNextRequests(1, Duration.ofMillis(1_500));
    long delayedBefore = dynamo.proxy().delayedRequests();
    service = ServingService.start(config, config.serving());
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode())
        .as("not ready while the warm-up read waits: " + health.body())
        .isEqualTo(503);
    assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("starting");

    JsonNode first = getJson(hours(DAY1, 0, DAY1, 12));
    assertThat(first.get("stale").asBoolean()).as("DynamoDB is healthy: " + first).isFalse();
    assertThat(first.get("total").asLong())
        .isEqualTo(
            expected(
                DAY1.atStartOfDay(ZONE).toInstant(), DAY1.atTime(12, 0).atZone(ZONE).toInstant()));
    assertThat(dynamo.proxy().delayedRequests() - delayedBefore)
        .as("the delay was applied")
        .isEqualTo(1);
    JsonNode ready = getJson("/health");
    assertThat(ready.get("status").asText()).isEqualTo("ok");
    assertThat(ready.get("speed_view").get("warm_up_ms").asLong()).isGreaterThanOrEqualTo(1_400);
    String metrics = get("/metrics").body();
    assertThat(metric(metrics, "lambda_serving_speed_read_failures_total")).isZero();
  }

  @Test
  void oneResetConnectionOnAHealthyDynamoDbIsRetriedWithinTheReadAndIsNoOutage() throws Exception {
    service = ServingService.start(config, config.serving());
    awaitReady();
    long resetsBefore = dynamo.proxy().resetRequests();
    dynamo.proxy().resetNextRequests(1);
    JsonNode answer = getJson(hours(DAY1, 0, DAY1.plusDays(1), 0));
    assertThat(dynamo.proxy().resetRequests() - resetsBefore)
        .as("the reset was injected")
        .isEqualTo(1);
    assertThat(answer.get("stale").asBoolean()).as(answer.toString()).isFalse();
    assertThat(answer.get("total").asLong())
        .isEqualTo(
            expected(
                DAY1.atStartOfDay(ZONE).toInstant(),
                DAY1.plusDays(1).atStartOfDay(ZONE).toInstant()));
    String metrics = get("/metrics").body();
    assertThat(metric(metrics, "lambda_serving_speed_read_failures_total")).isZero();
    assertThat(metric(metrics, "lambda_serving_speed_outages_total{kind=\"declared\"}")).isZero();
    assertThat(getJson("/health").get("status").asText()).isEqualTo("ok");
  }

  @Test
  void aStalledDynamoDbCostsARequestTheReadTimeoutAndThenNothingOnceTheOutageIsDeclared()
      throws Exception {
    service = ServingService.start(config, config.serving());
    awaitReady();
    String day = hours(DAY1, 0, DAY1.plusDays(1), 0);
    assertThat(getJson(day).get("stale").asBoolean()).isFalse();
    dynamo
        .proxy()
        .delayNextRequests(
            1_000, Duration.ofSeconds(3)); // every request stalls past the read timeout
    List<Long> tookMs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long started = System.nanoTime();
      JsonNode answer = getJson(day);
      tookMs.add((System.nanoTime() - started) / 1_000_000);
      assertThat(answer.get("stale").asBoolean()).isTrue();
      assertThat(answer.get("total").asLong())
          .as("the day as last read")
          .isEqualTo(
              expected(
                  DAY1.atStartOfDay(ZONE).toInstant(),
                  DAY1.plusDays(1).atStartOfDay(ZONE).toInstant()));
    }
    assertThat(tookMs.subList(0, 3))
        .as("each read cut near the 500 ms bound, not the 3 s stall: " + tookMs)
        .allMatch(ms -> ms < 1_500);
    assertThat(tookMs.get(3))
        .as("after 3 failures in a row the outage is declared: " + tookMs)
        .isLessThan(300);
    dynamo.proxy().delayNextRequests(0, Duration.ZERO);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!getJson("/health").get("speed_view").get("state").asText().equals("healthy")) {
      assertThat(System.nanoTime()).as("the probe saw DynamoDB answer again").isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(getJson(day).get("stale").asBoolean()).isFalse();
  }

  @Test
  void aPlusInAnOffsetIsReadAsAPlus() throws Exception {
    service = ServingService.start(config, config.serving());
    awaitReady();
    JsonNode answer =
        getJson(
            "/v1/places/p-1/actions/impression?from="
                + DAY1
                + "T00:00:00+09:00&to="
                + DAY1
                + "T06:00:00+09:00");
    assertThat(answer.get("buckets")).hasSize(6);
    assertThat(answer.get("from").asText()).startsWith(DAY1 + "T00:00");
  }
}
