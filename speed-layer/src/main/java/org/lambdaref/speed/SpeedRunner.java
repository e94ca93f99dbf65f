package org.lambdaref.speed;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.counters.WriterLease;
import org.lambdaref.hot.HotTables;
import org.lambdaref.model.PlatformException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the speed query for a while or until stopped: prepares its checkpoint (resume, or a replay
 * from a point in time), restarts it from the checkpoint after a failure with growing backoff, and
 * stops it cleanly at the end.
 */
public final class SpeedRunner {

  private static final Logger LOG = LoggerFactory.getLogger(SpeedRunner.class);
  static final String REPLAY_FILE = "lambda-replay.properties";

  /** What a run did. */
  public record Summary(int restarts, long batches, ReplayWindow replay) {}

  private SpeedRunner() {}

  /**
   * Runs until {@code runFor} has passed (null: until the thread is interrupted or the query fails
   * more often than {@code platform.speed.restart-attempts} in a row).
   */
  public static Summary run(
      SparkSession spark,
      PlatformConfig config,
      CounterStore counters,
      Duration runFor,
      Trigger trigger) {
    // one speed writer per counters table: taken before anything is deleted or counted
    WriterLease lease =
        WriterLease.acquire(
            config.dynamodb(),
            "speed",
            config.dynamodb().countersTable(),
            config.speed().writerLeaseTtl());
    if (counters instanceof DynamoDbCounterStore fenced) {
      fenced.fenceWith(lease);
    }
    lease.onLost(
        () -> {
          for (StreamingQuery q : spark.streams().active()) {
            stopBetweenBatches(q);
          }
        });
    try {
      return runHolding(spark, config, counters, runFor, trigger, lease);
    } finally {
      if (counters instanceof DynamoDbCounterStore fenced) {
        fenced.fenceWith(null);
      }
      lease.close();
    }
  }

  private static Summary runHolding(
      SparkSession spark,
      PlatformConfig config,
      CounterStore counters,
      Duration runFor,
      Trigger trigger,
      WriterLease lease) {
    SpeedQuery.sessionSettings().forEach(spark.conf()::set);
    ReplayWindow replay = prepareCheckpoint(spark, config, counters, Instant.now());
    SpeedProgress progress = new SpeedProgress(config.speed().metricsFile());
    spark.streams().addListener(progress);
    long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
    int restarts = 0;
    int failuresInARow = 0;
    long batches = 0;
    Duration backoff = config.speed().restartBackoff();
    try {
      while (true) {
        StreamingQuery query = SpeedQuery.start(spark, config, counters, replay, trigger, progress);
        long lastBatchBefore = -1;
        try {
          long remaining =
              deadline == Long.MAX_VALUE
                  ? Long.MAX_VALUE
                  : (deadline - System.nanoTime()) / 1_000_000;
          boolean ended =
              remaining == Long.MAX_VALUE
                  ? awaitForever(query)
                  : query.awaitTermination(Math.max(1, remaining));
          if (!ended) {
            stopBetweenBatches(query);
            return new Summary(restarts, batches + batchesOf(query), replay);
          }
          // ended by itself without an exception: stopped from outside, or by the loss of the lease
          if (lease.lost()) {
            throw new PlatformException(
                "The speed query stopped: it lost the writer lease of " + lease.resource(),
                "another speed writer took the counters table over",
                "make sure one speed query runs per counters table; a restart waits for the lease and resumes exactly");
          }
          return new Summary(restarts, batches + batchesOf(query), replay);
        } catch (StreamingQueryException e) {
          batches += batchesOf(query);
          if (lease.lost()) {
            throw new PlatformException(
                "The speed query stopped: it lost the writer lease of " + lease.resource(),
                String.valueOf(rootMessage(e)),
                "make sure one speed query runs per counters table; a restart waits for the lease and resumes exactly",
                e);
          }
          if (spark.sparkContext().isStopped()) {
            // SIGTERM or a stop of the application: its shutdown hooks stopped Spark under the
            // query. A restart could only fail again and hold the JVM in its shutdown; the
            // checkpoint has the last committed batch, and the next start resumes from it.
            LOG.info("speed query ended with the application ({}); not restarting", rootMessage(e));
            return new Summary(restarts, batches, replay);
          }
          boolean madeProgress =
              query.lastProgress() != null && query.lastProgress().batchId() > lastBatchBefore;
          failuresInARow = madeProgress ? 1 : failuresInARow + 1;
          if (failuresInARow > config.speed().restartAttempts()) {
            throw new PlatformException(
                "The speed query failed " + failuresInARow + " times in a row",
                String.valueOf(rootMessage(e)),
                "fix the cause and run 'bin/lambda speed' again: it resumes from its checkpoint and the counters stay"
                    + " exact (platform.speed.restart-attempts sets how often it retries by itself)",
                e);
          }
          LOG.warn(
              "speed query failed ({}); restarting from its checkpoint in {} s (attempt {} of {})",
              rootMessage(e),
              backoff.toSeconds(),
              failuresInARow,
              config.speed().restartAttempts());
          sleep(backoff);
          backoff = madeProgress ? config.speed().restartBackoff() : backoff.multipliedBy(2);
          restarts++;
          if (System.nanoTime() > deadline) {
            return new Summary(restarts, batches, replay);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      for (StreamingQuery q : spark.streams().active()) {
        stopBetweenBatches(q);
      }
      return new Summary(restarts, batches, replay);
    } finally {
      spark.streams().removeListener(progress);
    }
  }

  private static boolean awaitForever(StreamingQuery query) throws StreamingQueryException {
    query.awaitTermination();
    return true;
  }

  private static long batchesOf(StreamingQuery query) {
    return query.lastProgress() == null ? 0 : query.lastProgress().batchId() + 1;
  }

  /**
   * Decides how this start reads Kafka, and for a replay, deletes what it will recount.
   *
   * <ul>
   *   <li>a checkpoint exists and no new replay is asked for: resume (starting offsets are ignored
   *       by Spark then); a replay window recorded in it still applies;
   *   <li>{@code starting-offsets} is an instant not yet replayed: the old checkpoint is kept
   *       aside, counters and hot rows of hours from that instant's hour on are deleted, and a new
   *       checkpoint reads Kafka from there ({@link ReplayWindow});
   *   <li>no checkpoint and {@code earliest}: a replay of everything Kafka retains;
   *   <li>no checkpoint and {@code latest}: new records only, nothing deleted.
   * </ul>
   */
  static ReplayWindow prepareCheckpoint(
      SparkSession spark, PlatformConfig config, CounterStore counters, Instant now) {
    String location = SpeedQuery.checkpointLocation(config);
    Path checkpoint = new Path(location);
    String starting = config.speed().startingOffsets();
    try {
      FileSystem fs = checkpoint.getFileSystem(spark.sparkContext().hadoopConfiguration());
      boolean exists = fs.exists(new Path(checkpoint, "offsets"));
      Properties recorded = readReplayFile(fs, checkpoint);
      boolean timestamp = !starting.equals("earliest") && !starting.equals("latest");
      boolean newReplay = timestamp && !starting.equals(recorded.getProperty("requested"));
      if (exists && !newReplay) {
        if (recorded.getProperty("count-from") != null) {
          ReplayWindow window = ReplayWindow.fromProperties(recorded);
          LOG.info("resuming the replay from {} (checkpoint {})", window.countFrom(), location);
          return window;
        }
        LOG.info("resuming from checkpoint {}", location);
        return null;
      }
      if (fs.exists(checkpoint)) {
        // a checkpoint being replaced, or the leftover of a replay that stopped before its first
        // batch
        Path aside =
            new Path(
                checkpoint.getParent(), checkpoint.getName() + ".replaced-" + now.toEpochMilli());
        if (!fs.rename(checkpoint, aside)) {
          throw new IOException("could not rename " + checkpoint + " to " + aside);
        }
        LOG.warn("the previous checkpoint is kept at {}", aside);
      }
      if (starting.equals("latest")) {
        LOG.info(
            "new checkpoint {}: reading new Kafka records only (starting-offsets = latest)",
            location);
        return null;
      }
      ReplayWindow window;
      if (starting.equals("earliest")) {
        window = new ReplayWindow(Instant.MIN, now, null);
      } else {
        Instant hour = HotRecordClassifier.hourBucket(Instant.parse(starting), config.timezone());
        Duration skew = config.eventSource().maxClockSkew();
        window = new ReplayWindow(hour, now, hour.minus(skew));
      }
      Properties replay = new Properties();
      replay.load(new StringReader(window.toProperties()));
      replay.setProperty("requested", starting);
      writeReplayFile(fs, checkpoint, replay);
      // deleted before the first batch: a crash here leaves no offsets, so the next start redoes it
      resetFrom(spark, config, counters, window);
      return window;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the speed checkpoint at " + location, e);
    }
  }

  /** Deletes counters, hot rows and hot quarantine rows that a replay will write again. */
  static void resetFrom(
      SparkSession spark, PlatformConfig config, CounterStore counters, ReplayWindow window) {
    HotTables hot = new HotTables(config);
    // fenced before deleting: a writer this replay replaces (frozen, not yet dead) cannot append
    // after the deletes; the replay's query takes a newer generation on its first batch
    hot.fence(spark);
    long deleted = counters.deleteFrom(window.countFrom());
    hot.deleteFrom(spark, window.countFrom(), window.readFrom());
    LOG.warn(
        "replay: deleted {} counters and the hot rows of hours from {} on; they are being recounted from Kafka",
        deleted,
        window.countFrom().equals(Instant.MIN) ? "the beginning" : window.countFrom());
  }

  private static Properties readReplayFile(FileSystem fs, Path checkpoint) throws IOException {
    Properties p = new Properties();
    Path file = new Path(checkpoint, REPLAY_FILE);
    if (fs.exists(file)) {
      try (InputStream in = fs.open(file)) {
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
    }
    return p;
  }

  private static void writeReplayFile(FileSystem fs, Path checkpoint, Properties p)
      throws IOException {
    fs.mkdirs(checkpoint);
    try (OutputStream out = fs.create(new Path(checkpoint, REPLAY_FILE), true)) {
      p.store(new OutputStreamWriter(out, StandardCharsets.UTF_8), "speed layer replay window");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  /** How long a stop waits for the micro-batch in flight to finish before it stops anyway. */
  static final Duration STOP_WAITS_FOR_BATCH = Duration.ofSeconds(30);

  /**
   * Stops {@code q} between micro-batches when it can. A stop during one cancels its tasks and
   * interrupts the query thread mid-work: nothing is lost (the batch is replayed from the
   * checkpoint, the counters skip what they applied), but Spark logs the interrupted code
   * generation and I/O as errors with their stack traces, which reads like a failure. The caller's
   * interrupt, if any, is kept.
   */
  public static void stopBetweenBatches(StreamingQuery q) {
    boolean interrupted = Thread.interrupted();
    try {
      long deadline = System.nanoTime() + STOP_WAITS_FOR_BATCH.toNanos();
      while (q.isActive() && q.status().isTriggerActive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    try {
      q.stop();
    } catch (Exception e) {
      LOG.warn("stopping the speed query: {}", e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
