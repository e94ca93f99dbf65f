package org.lambdaref.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spark settings every job's session gets, as a plain map: {@link SparkSessions} applies them,
 * and the EMR cluster definition (deploy-emr) turns the same map into {@code spark-defaults}. Free
 * of Spark on purpose, so that what renders a cluster needs no Spark to see exactly what a job
 * gets.
 */
public final class SparkSessionSettings {

  /** Columns whose values are (nearly) unique per row, so a Parquet dictionary never pays. */
  static final List<String> UNIQUE_COLUMNS =
      List.of("event_id", "event_time", "processing_time", "raw_line");

  private SparkSessionSettings() {}

  /** Where the driver's UI serves Spark's metrics as Prometheus text (the UI must be on). */
  public static final String PROMETHEUS_PATH = "/metrics/prometheus";

  /**
   * Metrics a Prometheus scraper reads from the driver's UI port while a job runs: the executors'
   * at {@code /metrics/executors/prometheus} ({@code spark.ui.prometheus.enabled}), the driver's
   * and every streaming query's at {@link #PROMETHEUS_PATH} (the PrometheusServlet sink, with
   * {@code spark.sql.streaming.metricsEnabled}: the speed layer's input and processing rates, batch
   * duration, event-time watermark and state rows and bytes). With the UI off (tests, the default
   * locally) nothing listens.
   */
  static void observability(Map<String, String> conf) {
    conf.put("spark.ui.prometheus.enabled", "true");
    conf.put(
        "spark.metrics.conf.*.sink.prometheusServlet.class",
        "org.apache.spark.metrics.sink.PrometheusServlet");
    conf.put("spark.metrics.conf.*.sink.prometheusServlet.path", PROMETHEUS_PATH);
    conf.put("spark.sql.streaming.metricsEnabled", "true");
  }

  /**
   * OpenLineage's listener when {@code platform.spark.lineage-url} is set: run events of every job
   * (inputs, outputs, schemas) posted to the server's {@code /api/v1/lineage}, under {@code
   * lineage-namespace}. A listener of the user's own ({@code spark.extraListeners} in {@code
   * platform.spark.conf}) is kept beside it.
   */
  static void lineage(SparkSettings spark, Map<String, String> conf) {
    if (!spark.lineageEnabled()) {
      return;
    }
    String listeners = conf.getOrDefault("spark.extraListeners", "").trim();
    if (!List.of(listeners.split("\\s*,\\s*")).contains(SparkSettings.LINEAGE_LISTENER)) {
      conf.put(
          "spark.extraListeners",
          listeners.isEmpty()
              ? SparkSettings.LINEAGE_LISTENER
              : listeners + "," + SparkSettings.LINEAGE_LISTENER);
    }
    conf.put("spark.openlineage.transport.type", "http");
    conf.put("spark.openlineage.transport.url", spark.lineageUrl());
    conf.put("spark.openlineage.transport.endpoint", "/api/v1/lineage");
    conf.put("spark.openlineage.namespace", spark.lineageNamespace());
  }

  /** Keys with their {@code spark.} prefix, in the order a session builder gets them. */
  public static Map<String, String> of(PlatformConfig config) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Zone logic is explicit in the jobs (platform.timezone); Spark's own zone stays UTC so that
    // timestamps print and cast the same on every machine.
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.sql.shuffle.partitions", Integer.toString(config.spark().shufflePartitions()));
    conf.put("spark.ui.enabled", Boolean.toString(config.spark().uiEnabled()));
    observability(conf);
    // One partition for Delta's log replay: halves the first read of a small table (measured).
    conf.put("spark.databricks.delta.snapshotPartitions", "1");
    // Optimized writes bin rows per partition into fewer, larger files (the small-file problem
    // of hourly partitions); OPTIMIZE ('lambda compact') packs what is left.
    conf.put("spark.databricks.delta.optimizeWrite.enabled", "true");
    // The jobs cache a day's rows once and read them a few times. Compressing that cache spends
    // its time gathering dictionary statistics of unique strings (12% of a batch run's CPU samples,
    // measured with bin/bench batch); memory is cheaper than that here.
    conf.put("spark.sql.inMemoryColumnarStorage.compressed", "false");
    // INT64 microseconds, Parquet's standard timestamp (INT96 is deprecated), and no dictionary
    // for columns that are unique per row: building a dictionary only to abandon it was 10% of the
    // batch run's CPU samples.
    conf.put("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    for (String unique : UNIQUE_COLUMNS) {
      conf.put("spark.hadoop.parquet.enable.dictionary#" + unique, "false");
    }
    // dynamic partition overwrite is never relied upon: jobs say replaceWhere explicitly
    conf.put("spark.sql.sources.partitionOverwriteMode", "static");
    if (config.spark().masterIfSet().map(m -> m.startsWith("local")).orElse(false)) {
      // the host name may resolve to a non-loopback address; keep the driver on loopback
      conf.put("spark.driver.host", "127.0.0.1");
      conf.put("spark.driver.bindAddress", "127.0.0.1");
    }
    HadoopSettings.of(config).forEach((key, value) -> conf.put("spark.hadoop." + key, value));
    conf.putAll(config.spark().extraConf());
    lineage(config.spark(), conf);
    return conf;
  }
}
