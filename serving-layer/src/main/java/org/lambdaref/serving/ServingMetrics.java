package org.lambdaref.serving;

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
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The serving layer's Prometheus metrics ({@code GET /metrics}): requests by route and status and
 * their latency, connections refused, stale answers, and the state of both views read at scrape
 * time.
 */
final class ServingMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final Counter rejectedConnections;
  private final Counter staleAnswers;

  ServingMetrics(BatchViewRefresher batch, SpeedView speed, Clock clock) {
    this.requests =
        Counter.builder()
            .name("lambda_serving_requests")
            .help("HTTP requests by route and status")
            .labelNames("route", "status")
            .register(registry);
    this.latency =
        Histogram.builder()
            .name("lambda_serving_request_duration_seconds")
            .help("time from request to response, by route")
            .labelNames("route")
            .classicUpperBounds(
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .classicOnly()
            .register(registry);
    this.rejectedConnections =
        Counter.builder()
            .name("lambda_serving_rejected_connections")
            .help(
                "connections closed unread because all platform.serving.reader-threads were reading or answering")
            .register(registry);
    this.staleAnswers =
        Counter.builder()
            .name("lambda_serving_stale_answers")
            .help(
                "answers whose real-time buckets came from the cache because DynamoDB did not answer")
            .register(registry);
    registerBatchView(batch, clock);
    // heap, GC, threads: the memory the batch view costs shows here
    JvmMetrics.builder().register(registry);
    registerSpeedView(speed);
  }

  private void registerBatchView(BatchViewRefresher batch, Clock clock) {
    GaugeWithCallback.builder()
        .name("lambda_serving_batch_view_age_seconds")
        .help("seconds since the batch view in memory was loaded")
        .callback(
            cb ->
                cb.call(
                    Duration.between(batch.current().loadedAt(), clock.instant()).toMillis()
                        / 1000.0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("lambda_serving_batch_watermark_end_seconds")
        .help(
            "end of the newest day the batch covers (unix seconds); absent before the first covered day")
        .callback(
            cb ->
                batch
                    .current()
                    .watermark()
                    .ifPresent(
                        w ->
                            cb.call(
                                w.plusDays(1)
                                    .atStartOfDay(batch.current().zone())
                                    .toEpochSecond())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("lambda_serving_batch_covered_days")
        .help(
            "days the batch view covers (answered from the batch); days outside it come from the real-time view")
        .callback(cb -> cb.call(batch.current().coverage().days().size()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("lambda_serving_batch_view_version")
        .help("Delta version of each table in the view")
        .labelNames("table")
        .callback(
            cb -> {
              BatchView.Versions v = batch.current().versions();
              cb.call(v.ledger(), "ops.batch_ledger");
              cb.call(v.hourly(), "t3.place_action_aggr_1h_hourly");
              cb.call(v.daily(), "t3.place_impression_aggr_1d_daily");
              cb.call(v.late(), "t1_log.place_event_late_timeseries_daily");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("lambda_serving_batch_view_hourly_rows")
        .help("hourly rows held in memory")
        .callback(cb -> cb.call(batch.current().hourlyRows()))
        .register(registry);
  }

  private void registerSpeedView(SpeedView speed) {
    CounterWithCallback.builder()
        .name("lambda_serving_speed_reads")
        .help("DynamoDB counter reads")
        .callback(cb -> cb.call(speed.reads()))
        .register(registry);
    CounterWithCallback.builder()
        .name("lambda_serving_speed_cache_hits")
        .help("real-time reads answered from the cache")
        .callback(cb -> cb.call(speed.cacheHits()))
        .register(registry);
    CounterWithCallback.builder()
        .name("lambda_serving_speed_read_failures")
        .help(
            "DynamoDB reads that failed or timed out after their retries within platform.serving.speed-read-timeout")
        .callback(cb -> cb.call(speed.failures()))
        .register(registry);
    CounterWithCallback.builder()
        .name("lambda_serving_speed_slow_reads")
        .help(
            "DynamoDB reads that succeeded but took over half of platform.serving.speed-read-timeout")
        .callback(cb -> cb.call(speed.slowReads()))
        .register(registry);
    CounterWithCallback.builder()
        .name("lambda_serving_speed_outages")
        .help(
            "runs of failed DynamoDB reads: declared = reached platform.serving.speed-outage-after-failures (a real"
                + " outage), transient = ended by a successful read before that (not an outage)")
        .labelNames("kind")
        .callback(
            cb -> {
              cb.call(speed.outagesDeclared(), "declared");
              cb.call(speed.transientFailureRuns(), "transient");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("lambda_serving_speed_memory_answers")
        .help("real-time parts of answers served from memory because DynamoDB did not answer")
        .callback(cb -> cb.call(speed.memoryAnswers()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("lambda_serving_speed_state")
        .help(
            "1 for the state the real-time view is in: starting, healthy, failing (reads fail, not yet an outage), outage")
        .labelNames("state")
        .callback(
            cb -> {
              for (SpeedView.State st : SpeedView.State.values()) {
                cb.call(speed.state() == st ? 1 : 0, st.wireName());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("lambda_serving_speed_memory_bytes")
        .help(
            "estimated heap of the remembered real-time hours (platform.serving.stale-cache-max-bytes bounds it)")
        .callback(cb -> cb.call(speed.cachedBytes()))
        .register(registry);
  }

  /** The query pool's queue length, read at scrape time. */
  void registerQueue(IntSupplier queued) {
    GaugeWithCallback.builder()
        .name("lambda_serving_queued_requests")
        .help(
            "queries waiting for one of platform.serving.threads (at most platform.serving.max-queued-requests)")
        .callback(cb -> cb.call(queued.getAsInt()))
        .register(registry);
  }

  /** One answered request. */
  void answered(String route, int status, long startedNanos) {
    requests.labelValues(route, Integer.toString(status)).inc();
    latency.labelValues(route).observe((System.nanoTime() - startedNanos) / 1e9);
  }

  void rejectedConnection() {
    rejectedConnections.inc();
  }

  void staleAnswer() {
    staleAnswers.inc();
  }

  /** {@code GET /metrics}: the Prometheus text format. */
  ApiResponse scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
      writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
      return new ApiResponse(200, writer.getContentType(), out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
