package org.lambdaref.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.ServingSettings;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.serving.ServingService;

/**
 * The demo's last step: the serving layer answers a merged query over HTTP, with the batch days for
 * the days the batch covers and today's live events, one bucket per day.
 */
final class ServingDemo {

  /** What the demo asked and what came back. */
  record Result(String url, JsonNode answer) {}

  private ServingDemo() {}

  static Result run(PlatformConfig config, LocalDate firstBatchDay) {
    String place = busiestPlace(config);
    // any free port: the demo must not clash with a 'bin/lambda serve' already running
    ServingSettings settings = config.serving().withListen("127.0.0.1", 0);
    try (ServingService service = ServingService.start(config, settings)) {
      LocalDate tomorrow = LocalDate.now(config.timezone()).plusDays(1);
      String path =
          "/v1/places/"
              + place
              + "/actions/impression?from="
              + firstBatchDay
              + "&to="
              + tomorrow
              + "&granularity=day";
      String url = "http://127.0.0.1:" + service.port() + path;
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
      if (settings.authRequired()) {
        request.header("Authorization", "Bearer " + settings.authToken());
      }
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "the serving layer answered " + response.statusCode() + ": " + response.body());
      }
      return new Result(path, new ObjectMapper().readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The place with the most impressions on the last batch day: it has counts in both views. */
  private static String busiestPlace(PlatformConfig config) {
    var spark = SparkSessions.getOrCreate(config, "LambdaDemo");
    LakeTables.registerAll(spark, config);
    return spark
        .sql(
            "select place_id from t3.place_impression_aggr_1d_daily"
                + " where p_ymd = (select max(p_ymd) from t3.place_impression_aggr_1d_daily)"
                + " order by impressions desc, place_id limit 1")
        .first()
        .getString(0);
  }

  static void print(Result r, Console console) {
    JsonNode a = r.answer();
    console.line("");
    console.line("Serving layer: GET %s", r.url());
    console.line(
        "  batch covers %s: those days from the batch view (t3), the others from the DynamoDB counters",
        a.get("batch_covered_days").isEmpty()
            ? "no day of the range"
            : a.get("batch_covered_days").toString());
    List<List<Object>> rows = new ArrayList<>();
    a.get("buckets")
        .forEach(
            b ->
                rows.add(
                    List.of(
                        b.get("start").asText().substring(0, 10),
                        b.get("count").asLong(),
                        b.get("source").asText())));
    TablePrinter.print(
        System.out, TablePrinter.Format.TABLE, List.of("day", "impressions", "source"), rows);
    console.line(
        "  total %d%s",
        a.get("total").asLong(),
        a.get("stale").asBoolean() ? " (stale: DynamoDB did not answer)" : "");
  }
}
