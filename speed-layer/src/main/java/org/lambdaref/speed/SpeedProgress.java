package org.lambdaref.speed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator watches: one line per micro-batch in the log and one JSON line in the metrics
 * file, joining Spark's progress (input rate, lag behind Kafka, duration, duplicates dropped) with
 * what {@link MicroBatchWriter} wrote (valid, rejected, counter keys, retried keys).
 */
public final class SpeedProgress extends StreamingQueryListener
    implements MicroBatchWriter.BatchLog {

  private static final Logger LOG = LoggerFactory.getLogger(SpeedProgress.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path metricsFile;
  private final Map<Long, MicroBatchWriter.BatchSummary> written = new ConcurrentHashMap<>();
  private volatile StreamingQueryProgress last;

  public SpeedProgress(Path metricsFile) {
    this.metricsFile = metricsFile;
    try {
      Files.createDirectories(metricsFile.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the folder of the metrics file " + metricsFile, e);
    }
  }

  @Override
  public void written(MicroBatchWriter.BatchSummary summary) {
    written.put(summary.batchId(), summary);
  }

  public StreamingQueryProgress lastProgress() {
    return last;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    LOG.info("speed query '{}' started (id {}, run {})", event.name(), event.id(), event.runId());
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    last = p;
    MicroBatchWriter.BatchSummary w = written.remove(p.batchId());
    long behind = offsetsBehind(p);
    long dropped = droppedDuplicates(p);
    Long triggerMs = p.durationMs().get("triggerExecution");
    ObjectNode line =
        JSON.createObjectNode()
            .put("timestamp", p.timestamp())
            .put("batch_id", p.batchId())
            .put("input_rows", p.numInputRows())
            .put("input_rows_per_second", round(p.inputRowsPerSecond()))
            .put("processed_rows_per_second", round(p.processedRowsPerSecond()))
            .put("batch_duration_ms", triggerMs == null ? 0 : triggerMs)
            .put("offsets_behind_latest", behind)
            .put("duplicates_dropped", dropped);
    if (w != null) {
      line.put("valid", w.valid())
          .put("rejected", w.rejected())
          .put("counted", w.counted())
          .put("counter_keys", w.counterKeys())
          .put("counters_applied", w.countersApplied())
          .put("counters_already_applied", w.countersAlreadyApplied());
      ObjectNode phases = line.putObject("phases_ms");
      w.phasesMs().forEach(phases::put);
      if (w.maxKafkaTimestamp() != null) {
        // how far the newest counted event is behind now, when its batch finished
        line.put("freshness_ms", Duration.between(w.maxKafkaTimestamp(), Instant.now()).toMillis());
      }
    }
    append(line.toString());
    if (p.numInputRows() > 0 || behind > 0) {
      LOG.info(
          "batch {}: {} rows in ({} rows/s), {} valid, {} rejected, {} duplicates dropped, {} counter keys,"
              + " {} ms {}, {} offsets behind Kafka",
          p.batchId(),
          p.numInputRows(),
          round(p.processedRowsPerSecond()),
          w == null ? "?" : w.valid(),
          w == null ? "?" : w.rejected(),
          dropped,
          w == null ? "?" : w.counterKeys(),
          triggerMs,
          w == null ? "" : w.phasesMs(),
          behind);
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      LOG.warn(
          "speed query {} stopped with an error: {}",
          event.id(),
          firstLine(event.exception().get()));
    } else {
      LOG.info("speed query {} stopped", event.id());
    }
  }

  /**
   * Records in Kafka not yet read: latest offsets minus where the batch ended, over all partitions.
   */
  static long offsetsBehind(StreamingQueryProgress p) {
    long behind = 0;
    for (SourceProgress s : p.sources()) {
      if (s.latestOffset() == null || s.endOffset() == null) {
        continue;
      }
      try {
        var latest = JSON.readTree(s.latestOffset());
        var end = JSON.readTree(s.endOffset());
        for (var topic : (Iterable<Map.Entry<String, JsonNode>>) latest::fields) {
          for (var partition : (Iterable<Map.Entry<String, JsonNode>>) topic.getValue()::fields) {
            long read = end.path(topic.getKey()).path(partition.getKey()).asLong(0);
            behind += Math.max(0, partition.getValue().asLong() - read);
          }
        }
      } catch (IOException e) {
        // not Kafka offsets: nothing to report
      }
    }
    return behind;
  }

  static long droppedDuplicates(StreamingQueryProgress p) {
    long dropped = 0;
    for (StateOperatorProgress s : p.stateOperators()) {
      Long n = s.customMetrics().get("numDroppedDuplicateRows");
      dropped += n == null ? 0 : n;
    }
    return dropped;
  }

  private static double round(double value) {
    return Double.isNaN(value) ? 0 : Math.round(value * 10) / 10.0;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  private synchronized void append(String json) {
    try {
      Files.writeString(
          metricsFile,
          json + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("cannot write the metrics file {}: {}", metricsFile, e.toString());
    }
  }
}
