package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Prometheus scraper finds on a job's driver UI with the platform's session settings: the
 * executors' metrics, the driver's, and a streaming query's rates, batch duration and state.
 */
class SparkMetricsTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  private static String get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  @Test
  void theDriverUiServesSparkAndStreamingMetricsAsPrometheusText(@TempDir Path dir)
      throws Exception {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root",
                dir.resolve("lake").toString(),
                "platform.spark.ui-enabled",
                "true"),
            Map.of(),
            dir);
    SparkSession.Builder builder = SparkSession.builder().appName("metrics-check");
    config.spark().masterIfSet().ifPresent(builder::master);
    SparkSessions.settings(config).forEach(builder::config);
    builder.config("spark.ui.port", "0"); // any free port
    SparkSession spark = builder.getOrCreate();
    StreamingQuery query = null;
    try {
      String ui = spark.sparkContext().uiWebUrl().get();
      // a stateful query, as the speed layer's dedup is
      query =
          spark
              .readStream()
              .format("rate")
              .option("rowsPerSecond", "20")
              .load()
              .withWatermark("timestamp", "10 seconds")
              .dropDuplicates("value")
              .writeStream()
              .queryName("metrics_check")
              .format("noop")
              .option("checkpointLocation", dir.resolve("checkpoint").toString())
              .trigger(Trigger.ProcessingTime("500 milliseconds"))
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((query.lastProgress() == null || query.lastProgress().batchId() < 2)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(query.lastProgress()).as("the query made progress").isNotNull();

      String driver = get(ui + SparkSessionSettings.PROMETHEUS_PATH);
      assertThat(driver)
          .as("the query's own metrics, by its name")
          .containsPattern("spark_streaming_metrics_check_latency\\S*\\{type=\"gauges\"\\} \\d+")
          .containsPattern("spark_streaming_metrics_check_inputRate_total\\S*\\{type=\"gauges\"\\}")
          .containsPattern(
              "spark_streaming_metrics_check_states_rowsTotal\\S*\\{type=\"gauges\"\\}")
          .containsPattern(
              "spark_streaming_metrics_check_states_usedBytes\\S*\\{type=\"gauges\"\\}");
      assertThat(get(ui + "/metrics/executors/prometheus"))
          .as("the executors' memory and task counts")
          .contains("metrics_executor_");
    } finally {
      if (query != null) {
        query.stop();
      }
      spark.stop();
    }
  }
}
