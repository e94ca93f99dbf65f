package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;

/**
 * The JDBC export against a real PostgreSQL whose target table another session has locked: with
 * {@code platform.jdbc.lock-timeout = 2s} the export fails in seconds, saying which setting expired
 * and how to find the blocker, leaves no staging table, and a rerun after the lock is gone writes
 * exactly the t3 rows. Orphan staging tables of earlier (killed) runs are dropped, those of a
 * possibly running export and of other tables are not.
 *
 * <p>The setup exports the first day with no lock in the way (the target table then exists and
 * holds that day); each test asserts on that export or works on the second day, in any order.
 */
class ExportTimeoutTest {

  private static final String TARGET = "t3_seller_exported_jdbc";
  private static final LocalDate DAY_A = LocalDate.of(2021, 3, 1);
  private static final LocalDate DAY_B = LocalDate.of(2021, 3, 2);
  private static final Duration BOUND = Duration.ofSeconds(20);

  @RegisterExtension
  static final PostgresLake db =
      PostgresLake.named("ExportTimeoutTest").with("platform.jdbc.lock-timeout", "2s");

  private static Lake lake;

  /** What the setup's export of {@link #DAY_A} threw (null: none), and the staging tables after. */
  private static Throwable firstExportFailure;

  private static TreeSet<String> stagingAfterFirstExport;

  @BeforeAll
  static void setUp() throws Exception {
    lake = db.lake();
    writeT3(DAY_A, 5, 100);
    writeT3(DAY_B, 7, 200);
    firstExportFailure = exportWithin(DAY_A, Duration.ofSeconds(120));
    stagingAfterFirstExport = stagingTables();
  }

  /**
   * A day of t3.seller_place_aggr_1d_daily: {@code sellers} rows with values derived from {@code
   * base}.
   */
  private static void writeT3(LocalDate day, int sellers, long base) {
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int i = 0; i < sellers; i++) {
      rows.add(
          Map.of(
              "seller_id",
              "s" + i,
              "places",
              base + i,
              "impressions",
              10 * (base + i),
              "clicks",
              base + 2L * i,
              "unique_users",
              base / 2 + i,
              Partitions.DAY_COLUMN,
              Partitions.day(day)));
    }
    lake.replaceDay(
        SparkSchemas.frame(lake.spark(), PlatformTables.SELLER_PLACE_1D, rows),
        PlatformTables.SELLER_PLACE_1D,
        Partitions.day(day));
  }

  /** What the export must write for {@code day}: read from the t3 table the test wrote. */
  private static Map<String, List<Long>> expected(LocalDate day) {
    Dataset<Row> t3 = lake.day(PlatformTables.SELLER_PLACE_1D, Partitions.day(day));
    Map<String, List<Long>> out = new TreeMap<>();
    for (Row r : t3.collectAsList()) {
      out.put(
          r.getAs("seller_id"),
          List.of(
              r.<Long>getAs("places"),
              r.<Long>getAs("impressions"),
              r.<Long>getAs("clicks"),
              r.<Long>getAs("unique_users")));
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static Map<String, List<Long>> exported(LocalDate day) throws SQLException {
    Map<String, List<Long>> out = new TreeMap<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select seller_id, places, impressions, clicks, unique_users from "
                    + TARGET
                    + " where p_ymd = '"
                    + Partitions.day(day)
                    + "'")) {
      while (rs.next()) {
        out.put(
            rs.getString(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    return out;
  }

  private static TreeSet<String> stagingTables() throws SQLException {
    TreeSet<String> out = new TreeSet<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select table_name from information_schema.tables where table_name like '%_stage_%'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static Connection connect() throws SQLException {
    return db.connect();
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Runs the export of {@code day} in its own thread, so that a hang fails the test instead of the
   * suite.
   */
  private static Throwable exportWithin(LocalDate day, Duration join) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                new ExportJob(lake).run(day);
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "export-" + day);
    t.setDaemon(true);
    t.start();
    t.join(join.toMillis());
    assertThat(t.isAlive())
        .as("the export of " + day + " still runs after " + join + ": it hangs")
        .isFalse();
    return failure.get();
  }

  @Test
  void anExportWithNoLockInTheWayWritesTheT3Rows() throws Exception {
    assertThat(firstExportFailure).isNull();
    assertThat(exported(DAY_A)).isEqualTo(expected(DAY_A));
    assertThat(stagingAfterFirstExport).isEmpty();
  }

  @Test
  void aLockedTargetFailsTheExportWithinTheLockTimeoutAndARerunAfterwardsSucceeds()
      throws Exception {
    Instant now = Instant.now();
    String orphan = ExportJob.stageName(TARGET, now.minus(Duration.ofDays(2)));
    String running = ExportJob.stageName(TARGET, now.minus(Duration.ofMinutes(5)));
    String otherTables = ExportJob.stageName(TARGET + "_sample", now.minus(Duration.ofDays(2)));
    for (String stage : List.of(orphan, running, otherTables)) {
      execute("create table " + stage + " (seller_id text)");
    }

    Throwable failure;
    long elapsedMs;
    try (Connection holder = connect();
        Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.execute("LOCK TABLE " + TARGET + " IN ACCESS EXCLUSIVE MODE");
      try {
        long started = System.nanoTime();
        failure = exportWithin(DAY_B, Duration.ofSeconds(60));
        elapsedMs = (System.nanoTime() - started) / 1_000_000;
        // while the lock is still held: the failed export dropped its own staging table
        assertThat(stagingTables())
            .as("own staging table dropped, the old orphan too; the others kept")
            .containsExactlyInAnyOrder(running, otherTables);
      } finally {
        holder.rollback();
      }
    }

    assertThat(failure)
        .as("the export must fail while the target is locked")
        .isInstanceOf(PlatformException.class);
    assertThat(elapsedMs)
        .as("failed within the lock timeout, not after the statement timeout")
        .isLessThan(BOUND.toMillis());
    assertThat(failure.getMessage())
        .contains("platform.jdbc.lock-timeout = 2s")
        .contains("lock timeout expired")
        .contains("another session holds a lock on " + TARGET)
        .contains("pg_stat_activity")
        .contains("pg_locks")
        .contains("bin/lambda export");
    assertThat(
            lake.read(PlatformTables.BATCH_LEDGER)
                .filter(
                    "job = 'export_seller_jdbc' and period = '"
                        + Partitions.day(DAY_B)
                        + "' and status = 'failed'")
                .count())
        .isEqualTo(1);
    assertThat(exported(DAY_B)).as("nothing of the failed period was written").isEmpty();

    assertThat(exportWithin(DAY_B, Duration.ofSeconds(120)))
        .as("rerun after the lock is released")
        .isNull();
    assertThat(exported(DAY_B)).isEqualTo(expected(DAY_B));
    assertThat(exported(DAY_A)).as("the other period is untouched").isEqualTo(expected(DAY_A));
    assertThat(stagingTables()).containsExactlyInAnyOrder(running, otherTables);
  }

  @Test
  void driverErrorsMapToTheTimeoutThatExpired() {
    assertThat(
            ExportJob.expired(
                new RuntimeException(
                    new SQLException("ERROR: canceling statement due to lock timeout", "55P03"))))
        .isEqualTo(ExportJob.Timeout.LOCK);
    assertThat(
            ExportJob.expired(
                new SQLException("ERROR: canceling statement due to statement timeout", "57014")))
        .isEqualTo(ExportJob.Timeout.STATEMENT);
    assertThat(
            ExportJob.expired(
                new SQLException(
                    "An I/O error occurred while sending to the backend.",
                    "08006",
                    new SocketTimeoutException("Read timed out"))))
        .isEqualTo(ExportJob.Timeout.SOCKET);
    assertThat(
            ExportJob.expired(
                new SQLException(
                    "The connection attempt failed.",
                    "08001",
                    new SocketTimeoutException("Connect timed out"))))
        .isEqualTo(ExportJob.Timeout.CONNECT);
    assertThat(ExportJob.expired(new SQLException("Connection attempt timed out.", "08001")))
        .isEqualTo(ExportJob.Timeout.CONNECT);
    assertThat(
            ExportJob.expired(
                new SparkException(
                    "Job aborted: org.postgresql.util.PSQLException: ERROR: canceling statement due to lock timeout")))
        .isEqualTo(ExportJob.Timeout.LOCK);
    assertThat(ExportJob.expired(new SQLException("Connection refused", "08001"))).isNull();
  }
}
