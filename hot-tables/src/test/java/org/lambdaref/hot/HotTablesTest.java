package org.lambdaref.hot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.exceptions.ConcurrentTransactionException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;

/**
 * Every write to the hot tables, on a local session: the idempotent append, the replay's delete,
 * the hand-over of covered days. The batch layer's {@code HotRetentionTest} covers the hand-over
 * with the ledger, the speed layer's crash and replay tests the writes inside a running query.
 */
class HotTablesTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 11, 1);

  @TempDir Path root;

  private PlatformConfig config;
  private SparkSession spark;
  private HotTables hot;

  @BeforeEach
  void setUp() {
    config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    spark = SparkSessions.getOrCreate(config, "HotTablesTest");
    hot = new HotTables(config);
  }

  @Test
  void aBatchAppendedTwiceByTheSameGenerationIsWrittenOnce() {
    Dataset<Row> rows = rows(PlatformTables.HOT_PLACE_EVENT, 0, 1);

    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT, 1, 0);
    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT, 1, 0);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT).count())
        .as("the retry of batch 0 skipped by Delta")
        .isEqualTo(6);

    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT, 1, 1);
    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT, 2, 0);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT).count())
        .as("another batch, or batch 0 of a newer generation, is appended")
        .isEqualTo(18);

    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT, 1, 2);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT).count())
        .as("a writer of an older generation writes nothing once a newer one wrote")
        .isEqualTo(18);
  }

  @Test
  void aQueryKeepsItsGenerationAndEachNewQueryTakesANewerOneThatFencesTheOlder() {
    long first = hot.generationOf(spark, "query-a");
    assertThat(hot.generationOf(spark, "query-a"))
        .as("a query resumed from its checkpoint keeps its generation")
        .isEqualTo(first);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT_QUARANTINE).count())
        .as("both tables are created empty by the fence")
        .isZero();

    long fenced = hot.fence(spark);
    long second = hot.generationOf(spark, "query-b");
    assertThat(List.of(first, fenced, second)).containsExactly(1L, 2L, 3L);

    Dataset<Row> rows = rows(PlatformTables.HOT_PLACE_EVENT_QUARANTINE, 0, 0);
    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT_QUARANTINE, first, 5);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT_QUARANTINE).count())
        .as("query-a, fenced, appends nothing")
        .isZero();
    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT_QUARANTINE, second, 0);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT_QUARANTINE).count()).isEqualTo(3);
  }

  @Test
  void anAppendInFlightWhenANewerGenerationFencesFailsAndWritesNothing() throws Exception {
    long zombie = hot.generationOf(spark, "query-a");
    Dataset<Row> rows = rows(PlatformTables.HOT_PLACE_EVENT, 0, 0);
    hot.appendOnce(rows, PlatformTables.HOT_PLACE_EVENT, zombie, 0);
    Gate.reset();
    Dataset<Row> held = rows.coalesce(1).filter((FilterFunction<Row>) r -> Gate.pass());
    // one task holds one of local[2]'s slots: the fence's own write runs in the other

    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> inFlight =
          writer.submit(() -> hot.appendOnce(held, PlatformTables.HOT_PLACE_EVENT, zombie, 1));
      assertThat(Gate.ENTERED.await(60, TimeUnit.SECONDS))
          .as("the zombie's append is writing its files")
          .isTrue();
      hot.generationOf(spark, "query-b");
      Gate.RELEASE.countDown();

      assertThatThrownBy(() -> inFlight.get(60, TimeUnit.SECONDS))
          .as("Delta refuses the commit of a writer fenced while it wrote")
          .isInstanceOf(ExecutionException.class)
          .rootCause()
          .isInstanceOf(ConcurrentTransactionException.class);
    } finally {
      Gate.RELEASE.countDown();
      writer.shutdownNow();
    }
    assertThat(read(PlatformTables.HOT_PLACE_EVENT).count())
        .as("only batch 0, written before the fence")
        .isEqualTo(3);
  }

  /** Holds a local-mode task until the test lets it go (tasks run in this JVM). */
  static final class Gate {
    static CountDownLatch ENTERED = new CountDownLatch(1);
    static CountDownLatch RELEASE = new CountDownLatch(1);

    static void reset() {
      ENTERED = new CountDownLatch(1);
      RELEASE = new CountDownLatch(1);
    }

    static boolean pass() throws InterruptedException {
      ENTERED.countDown();
      return RELEASE.await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReplayDeletesTheHoursFromItsInstantAndTheQuarantineFromWhereItReads() {
    hot.appendOnce(
        rows(PlatformTables.HOT_PLACE_EVENT, 0, 2), PlatformTables.HOT_PLACE_EVENT, 1, 0);
    hot.appendOnce(
        rows(PlatformTables.HOT_PLACE_EVENT_QUARANTINE, 0, 2),
        PlatformTables.HOT_PLACE_EVENT_QUARANTINE,
        1,
        0);
    // 2026-11-02 01:00 in the platform zone: day 1's hours 01 and 02 go, hour 00 and day 0 stay
    Instant hour = hour(1, 1);
    Instant readFrom = hour.minusSeconds(1);

    hot.deleteFrom(spark, hour, readFrom);

    assertThat(
            read(PlatformTables.HOT_PLACE_EVENT)
                .select("event_id")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("e00", "e01", "e02", "e10");
    assertThat(read(PlatformTables.HOT_PLACE_EVENT_QUARANTINE).count())
        .as("rejected rows that reached Kafka before the replay's read start stay")
        .isEqualTo(4);

    hot.deleteFrom(spark, Instant.MIN, null);
    assertThat(read(PlatformTables.HOT_PLACE_EVENT).count()).isZero();
    assertThat(read(PlatformTables.HOT_PLACE_EVENT_QUARANTINE).count()).isZero();
  }

  @Test
  void theHandOverRemovesCoveredDaysButTheNewestKeepDaysAndNeverAnUncoveredOne() {
    hot.appendOnce(
        rows(PlatformTables.HOT_PLACE_EVENT, 0, 4), PlatformTables.HOT_PLACE_EVENT, 1, 0);
    // days 0-2 covered, and day 4 after a gap at day 3
    BatchCoverage coverage =
        BatchCoverage.ofDays(
            List.of(FIRST, FIRST.plusDays(1), FIRST.plusDays(2), FIRST.plusDays(4)));

    HotTables.Retention retention = hot.retain(spark, coverage, 1);

    assertThat(retention.newestCovered()).contains(FIRST.plusDays(4));
    assertThat(retention.removedDays())
        .containsExactly(FIRST, FIRST.plusDays(1), FIRST.plusDays(2));
    assertThat(retention.rowsRemoved())
        .as("the quarantine, never written, is left out")
        .containsOnlyKeys(PlatformTables.HOT_PLACE_EVENT.name().qualified());
    assertThat(retention.rows()).isEqualTo(9);
    assertThat(
            read(PlatformTables.HOT_PLACE_EVENT)
                .select(Partitions.DAY_COLUMN)
                .distinct()
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder(
            Partitions.day(FIRST.plusDays(3)), Partitions.day(FIRST.plusDays(4)));

    assertThat(hot.retain(spark, BatchCoverage.none(), 1).newestCovered())
        .as("nothing covered: nothing touched")
        .isEmpty();
    assertThat(read(PlatformTables.HOT_PLACE_EVENT).count()).isEqualTo(6);
  }

  @Test
  void anyOtherTableIsRefused() {
    assertThatThrownBy(() -> hot.location(PlatformTables.BATCH_LEDGER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a hot table");
    assertThat(HotTables.hourAtOrAfter(Instant.MIN, config.timezone())).isEqualTo("true");
  }

  /**
   * Three rows per day from {@code fromDay} to {@code toDay}, hours 00-02, Kafka time = the hour.
   */
  private Dataset<Row> rows(TableSpec table, int fromDay, int toDay) {
    boolean events = table.equals(PlatformTables.HOT_PLACE_EVENT);
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int day = fromDay; day <= toDay; day++) {
      for (int i = 0; i < 3; i++) {
        rows.add(
            Map.of(
                events ? "event_id" : "reason",
                "e" + day + i,
                "kafka_timestamp",
                Timestamp.from(hour(day, i)),
                Partitions.DAY_COLUMN,
                Partitions.day(FIRST.plusDays(day)),
                Partitions.HOUR_COLUMN,
                "0" + i));
      }
    }
    return SparkSchemas.frame(spark, table, rows);
  }

  private Dataset<Row> read(TableSpec table) {
    return spark.read().format("delta").load(hot.location(table));
  }

  /** The start of hour {@code hh} of day {@code day} after the first, in the platform zone. */
  private Instant hour(int day, int hh) {
    return FIRST.plusDays(day).atTime(hh, 0).atZone(config.timezone()).toInstant();
  }
}
