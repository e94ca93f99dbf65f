package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
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
 * A service started while the lake is unreachable: the t3 tables and the ledger at {@code s3a://}
 * on the local S3 server, which is stopped before the service starts and started again later. The
 * service must not answer a day the batch closed from the real-time view as if nothing were wrong.
 */
class ServingLakeDownTest {

  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
  private static final LocalDate D1 = LocalDate.of(2026, 11, 20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path root;
  private static LocalStack stack;
  private static PlatformConfig config;

  @BeforeAll
  static void setUp() throws Exception {
    stack =
        LocalStack.start(
            LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB, ServerKind.S3));
    Files.createDirectories(
        stack.s3DataDir().resolve("lake")); // the filesystem backend: a folder is a bucket
    Map<String, String> o = new LinkedHashMap<>(stack.configOverrides());
    o.put("platform.storage.root", "s3a://lake/serving");
    o.put("platform.work-dir", root.resolve("work").toString());
    o.put("platform.timezone", ZONE.getId());
    o.put("platform.dynamodb.counters-table", "lake_down_test");
    o.put("platform.serving.port", "0");
    o.put("platform.serving.refresh-interval", "1h"); // the test refreshes when it means to
    config = ConfigLoader.load("local-s3", o, Map.of(), root);

    BatchTables tables = new BatchTables(config);
    tables.writeHourly(D1, new Hour("p-1", "impression", 10, 5));
    tables.writeDaily(D1, "p-1", 5, 0, 4);
    tables.close(D1);
    try (DynamoDbCounterStore counters = new DynamoDbCounterStore(config.dynamodb(), 2)) {
      counters.createTableIfMissing();
      // the speed layer saw 9 (duplicates the batch removed): the wrong number for a closed day
      counters.add(
          List.of(new Delta("p-1", "impression", D1.atTime(10, 0).atZone(ZONE).toInstant(), 9)),
          "q",
          0);
    }
  }

  @AfterAll
  static void tearDown() {
    if (stack != null) {
      stack.close();
    }
  }

  private static HttpResponse<String> get(ServingService service, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aServiceThatCannotLoadTheBatchViewSaysSoAndServesTheBatchOnceTheLakeIsBack()
      throws Exception {
    stack.stop(ServerKind.S3);
    try (ServingService service = ServingService.start(config, config.serving())) {
      String day = "/v1/places/p-1/actions/impression?from=" + D1 + "&to=" + D1.plusDays(1);
      HttpResponse<String> r = get(service, day);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode answer = JSON.readTree(r.body());
      assertThat(answer.get("stale").asBoolean())
          .as("a closed day answered from the speed view is flagged: " + r.body())
          .isTrue();
      assertThat(answer.get("stale_reason").asText()).contains("batch view could not be loaded");
      assertThat(answer.get("batch_covered_days")).isEmpty();

      HttpResponse<String> daily =
          get(service, "/v1/places/p-1/daily?from=" + D1 + "&to=" + D1.plusDays(1));
      assertThat(daily.statusCode()).as(daily.body()).isEqualTo(503);
      assertThat(JSON.readTree(daily.body()).get("error").asText())
          .isEqualTo("batch_view_unavailable");
      assertThat(daily.body()).doesNotContain("Exception").doesNotContain("at org.");

      JsonNode health = JSON.readTree(get(service, "/health").body());
      assertThat(health.get("status").asText()).isEqualTo("degraded");
      assertThat(health.get("batch_view").get("loaded").asBoolean()).isFalse();
      assertThat(health.get("batch_view").get("last_refresh_error").asText()).isNotBlank();

      stack.restart(ServerKind.S3);
      assertThat(service.batch().refreshNow()).as("the next refresh loads the view").isTrue();
      JsonNode back = JSON.readTree(get(service, day).body());
      assertThat(back.get("stale").asBoolean()).isFalse();
      assertThat(back.get("batch_covered_days").get(0).asText()).isEqualTo(D1.toString());
      assertThat(back.get("total").asLong())
          .as("the batch's 5, not the speed view's 9")
          .isEqualTo(5);
      assertThat(JSON.readTree(get(service, "/health").body()).get("status").asText())
          .isEqualTo("ok");
    }
  }
}
