package org.lambdaref.serving;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.batch.BatchMain;
import org.lambdaref.batch.BatchPipeline;
import org.lambdaref.batch.BatchPipeline.Job;
import org.lambdaref.batch.Lake;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Action;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.Restatement;
import org.lambdaref.model.RunStatus;
import org.lambdaref.model.generator.PlaceMaster;
import picocli.CommandLine;

/**
 * {@code batch --restate}: a closed day re-aggregated with its late events, through the real batch
 * pipeline (collect, snapshot, enrich, aggregate on raw JSON lines) and the serving layer's
 * Spark-free loader. Every expected number is counted by hand from the lines below.
 *
 * <p>Day D = 2026-11-10 in Asia/Seoul, allowed lateness 1 h: D closes at D+1 01:00 local. Place p-1
 * gets on D, on time: e1 and e3 (impressions), e2 (a click). Late (arrived after the close): e4
 * (impression) and e5 (click) at D+1 02:00/05:00, a copy of e1 at D+1 03:00, e6 (impression) at D+1
 * 04:00 and again at D+2 10:00. So the late table holds, for event day D, owner 20261111:
 * impressions {e4, e1, e6}, click {e5}; owner 20261112: impression {e6}.
 */
class RestatementTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final LocalDate D = LocalDate.of(2026, 11, 10);
  private static final Set<Job> ALL =
      EnumSet.of(Job.COLLECT, Job.SNAPSHOT, Job.ENRICH, Job.AGGREGATE);
  private static final Set<Job> REBUILD = EnumSet.of(Job.ENRICH, Job.AGGREGATE);

  @TempDir Path root;

  @Test
  void aRestatedDayCountsItsLateEventsAndTheServingViewSaysSo() throws IOException {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root",
                root.toString(),
                "platform.timezone",
                SEOUL.getId(),
                "platform.source-db.mode",
                "dump",
                "platform.sources.place_event.allowed-lateness",
                "1h"),
            Map.of(),
            root);
    SparkSession spark = SparkSessions.getOrCreate(config, "RestatementTest");
    Lake lake = new Lake(spark, config);
    for (int i = 0; i < 2; i++) {
      writePlaceDump(spark, config, D.plusDays(i));
    }
    raw("e1", "impression", "2026-11-10T10:00", "2026-11-10T10:00");
    raw("e2", "click", "2026-11-10T11:00", "2026-11-10T11:00");
    raw("e3", "impression", "2026-11-10T12:00", "2026-11-10T12:01");
    raw("e4", "impression", "2026-11-10T23:30", "2026-11-11T02:00");
    raw("e5", "click", "2026-11-10T23:40", "2026-11-11T05:00");
    raw("e1", "impression", "2026-11-10T10:00", "2026-11-11T03:00");
    raw("e6", "impression", "2026-11-10T22:00", "2026-11-11T04:00");
    raw("e6", "impression", "2026-11-10T22:00", "2026-11-12T10:00");
    raw("f1", "impression", "2026-11-11T09:00", "2026-11-11T09:00");

    BatchPipeline plain = new BatchPipeline(lake, "place_event");
    BatchPipeline restating = new BatchPipeline(lake, "place_event", true);
    assertSucceeded(plain.run(List.of(D, D.plusDays(1)), ALL, 1, r -> {}));
    // later arrival days only need collecting: that is what sets their late rows aside
    assertSucceeded(plain.run(List.of(D.plusDays(2)), EnumSet.of(Job.COLLECT), 1, r -> {}));
    assertThat(daily(lake, D))
        .as("impressions, clicks of D as the notes' policy has it: late set aside")
        .containsExactly(2L, 1L);
    BatchView before = load(config);
    assertThat(before.coverage().restatement(D)).isEmpty();
    assertThat(before.late("p-1", Action.IMPRESSION, D))
        .as("owner D+1: e4, e1, e6; owner D+2: e6")
        .isEqualTo(4);
    assertThat(before.late("p-1", Action.CLICK, D)).isEqualTo(1);
    assertThat(before.lateRestated("p-1", Action.IMPRESSION, D)).isZero();

    assertSucceeded(restating.run(List.of(D), REBUILD, 1, r -> {}));
    assertThat(daily(lake, D))
        .as("e1, e3, e4, e6 and e2, e5: the late copy of e1 and the second e6 count once")
        .containsExactly(4L, 2L);
    Restatement expected = new Restatement(Set.of("20261111", "20261112"), 3);
    assertThat(Restatement.fromDetails(latestDetails(lake, "enrich_place_event", "20261110")))
        .contains(expected);
    assertThat(Restatement.fromDetails(latestDetails(lake, "aggregate_place", "20261110")))
        .contains(expected);
    BatchView restated = load(config);
    assertThat(restated.coverage().restatement(D)).contains(expected);
    assertThat(restated.late("p-1", Action.IMPRESSION, D))
        .as("nothing set aside any more")
        .isZero();
    assertThat(restated.late("p-1", Action.CLICK, D)).isZero();
    assertThat(restated.lateRestated("p-1", Action.IMPRESSION, D)).isEqualTo(4);
    assertThat(restated.lateRestated("p-1", Action.CLICK, D)).isEqualTo(1);
    assertThat(ServingQueries.daily(restated, "p-1", D, D.plusDays(1)).get(0))
        .extracting(
            ServingQueries.DailyBucket::impressions,
            ServingQueries.DailyBucket::lateImpressions,
            ServingQueries.DailyBucket::restated)
        .containsExactly(4L, 0L, true);
    assertThat(daily(lake, D.plusDays(1)))
        .as("the next day is untouched by D's restatement")
        .containsExactly(1L, 0L);

    // a late event that arrives after the restatement is set aside again until the next one
    raw("e7", "click", "2026-11-10T20:00", "2026-11-13T08:00");
    assertSucceeded(plain.run(List.of(D.plusDays(3)), EnumSet.of(Job.COLLECT), 1, r -> {}));
    BatchView later = load(config);
    assertThat(later.late("p-1", Action.CLICK, D))
        .as("e7, owned by D+3, which the restatement did not read")
        .isEqualTo(1);
    assertThat(later.lateRestated("p-1", Action.CLICK, D)).isEqualTo(1);
    assertThat(daily(lake, D)).containsExactly(4L, 2L);

    // a plain rerun of D undoes the restatement, and the serving view follows the ledger
    assertSucceeded(plain.run(List.of(D), REBUILD, 1, r -> {}));
    assertThat(daily(lake, D)).containsExactly(2L, 1L);
    BatchView undone = load(config);
    assertThat(undone.coverage().restatement(D)).isEmpty();
    assertThat(undone.late("p-1", Action.IMPRESSION, D)).isEqualTo(4);
    assertThat(undone.late("p-1", Action.CLICK, D)).as("e5 and e7").isEqualTo(2);
  }

  @Test
  void restateNeedsTheEnrichAndAggregateJobs() {
    BatchMain main = new BatchMain();
    new CommandLine(main)
        .parseArgs(
            "--env", "local", "--start-date", D.toString(), "--restate", "--job", "aggregate");
    assertThatThrownBy(main::call)
        .hasMessageContaining("--job")
        .hasMessageContaining("enrich and aggregate");
  }

  private void raw(String id, String action, String eventLocal, String arrivalLocal)
      throws IOException {
    Instant event = LocalDateTime.parse(eventLocal).atZone(SEOUL).toInstant();
    Instant arrival = LocalDateTime.parse(arrivalLocal).atZone(SEOUL).toInstant();
    String line =
        "{\"event_id\":\""
            + id
            + "\",\"event_time\":\""
            + event
            + "\",\"processing_time\":\""
            + arrival
            + "\",\"country\":\"KR\",\"category\":\"place\",\"sub_category\":\"cafe\",\"table_name\":\"place_event\","
            + "\"records\":{\"place_id\":\"p-1\",\"user_id\":\"u-"
            + id
            + "\",\"action\":\""
            + action
            + "\"}}";
    Path file =
        root.resolve("datasource/place_event")
            .resolve(Partitions.rawArrivalPartition(arrival).path())
            .resolve("part-0.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static void writePlaceDump(SparkSession spark, PlatformConfig config, LocalDate day) {
    StructType schema = SparkSchemas.withColumns(new StructType(), PlaceMaster.COLUMNS);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    "p-1",
                    "Cafe",
                    "cafe",
                    "Seoul",
                    "s-1",
                    Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")))),
            schema)
        .write()
        .parquet(
            config.storage().rawSourceLocation(config.sourceDb().dumpSource())
                + "/p_ymd="
                + Partitions.day(day));
  }

  private static List<Long> daily(Lake lake, LocalDate day) {
    List<Row> rows =
        lake.day(PlatformTables.PLACE_IMPRESSION_1D, Partitions.day(day))
            .filter(col("place_id").equalTo("p-1"))
            .select("impressions", "clicks")
            .collectAsList();
    assertThat(rows).hasSize(1);
    return List.of(rows.get(0).getLong(0), rows.get(0).getLong(1));
  }

  private static String latestDetails(Lake lake, String job, String period) {
    return lake.read(PlatformTables.BATCH_LEDGER)
        .filter(col("job").equalTo(job).and(col("period").equalTo(period)))
        .orderBy(col("ended_at").desc())
        .first()
        .getAs("details");
  }

  private static BatchView load(PlatformConfig config) {
    return new BatchViewLoader(
            new DeltaTableReader(HadoopSettings.of(config)),
            config.storage(),
            SEOUL,
            PeriodUnit.DAY,
            Clock.systemUTC())
        .load(BatchView.empty(SEOUL));
  }

  private static void assertSucceeded(List<BatchPipeline.PeriodResult> results) {
    for (BatchPipeline.PeriodResult r : results) {
      assertThat(r.status()).as("%s: %s", r.period(), r.error()).isEqualTo(RunStatus.SUCCEEDED);
    }
  }
}
