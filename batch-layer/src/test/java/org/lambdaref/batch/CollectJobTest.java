package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;

/** The collect job on generated data whose answers are known line by line. */
class CollectJobTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final LocalDate FIRST = LocalDate.of(2019, 6, 8);
  private static final int DAYS = 2;

  @TempDir static Path root;
  private static PlatformConfig config;
  private static SparkSession spark;
  private static List<GeneratedLine> lines;

  @BeforeAll
  static void writeRawData() throws IOException {
    config =
        ConfigLoader.load(
            "local",
            Map.of("platform.storage.root", root.toString(), "platform.timezone", "Asia/Seoul"),
            Map.of(),
            root);
    spark = SparkSessions.getOrCreate(config, "CollectJobTest");
    lines =
        EventGenerator.generate(
            new GeneratorSpec(
                FIRST, DAYS, 400, 20, 50, 0.1, 0.05, 0.03, SEOUL, Duration.ofHours(6), 5));
    RawFixtures.writeRaw(root, lines);
  }

  /** What the rules say run {@code day} must count, computed here from the generator's truth. */
  private static Map<GeneratedLine.Kind, Long> expectedKinds(LocalDate day) {
    EventValidator validator = new EventValidator(config.source("place_event").validationRules());
    Ownership ownership = new Ownership(SEOUL, config.source("place_event"));
    return lines.stream()
        .filter(
            l ->
                ownership
                    .decide(validator.validate(l.line()), l.arrival().truncatedTo(ChronoUnit.HOURS))
                    .ownerDay()
                    .equals(day))
        .collect(Collectors.groupingBy(GeneratedLine::kind, Collectors.counting()));
  }

  @Test
  void everyRawLineIsOwnedByExactlyOneRunAndEachRunBalances() {
    long ownedTotal = 0;
    for (int d = 0; d < DAYS + 3; d++) {
      LocalDate day = FIRST.plusDays(d);
      CollectJob.Counts counts = new CollectJob(spark, config, "place_event").run(day);
      Map<GeneratedLine.Kind, Long> expected = expectedKinds(day);

      assertThat(counts.owned())
          .as("owned = accepted + duplicates + late + rejected on %s", day)
          .isEqualTo(counts.accepted() + counts.duplicates() + counts.late() + counts.rejected());
      assertThat(counts.accepted())
          .as("accepted on %s", day)
          .isEqualTo(expected.getOrDefault(GeneratedLine.Kind.VALID, 0L));
      assertThat(counts.duplicates())
          .as("duplicates on %s", day)
          .isEqualTo(expected.getOrDefault(GeneratedLine.Kind.DUPLICATE, 0L));
      assertThat(counts.late())
          .as("late on %s", day)
          .isEqualTo(expected.getOrDefault(GeneratedLine.Kind.LATE, 0L));
      assertThat(counts.rejected())
          .as("rejected on %s", day)
          .isEqualTo(expected.getOrDefault(GeneratedLine.Kind.MALFORMED, 0L));
      ownedTotal += counts.owned();
    }
    assertThat(ownedTotal).as("every raw line accounted for once").isEqualTo(lines.size());
    assertThat(expectedKinds(FIRST).get(GeneratedLine.Kind.DUPLICATE))
        .as("the data has duplicates")
        .isPositive();
  }

  @Test
  void acceptedEventsArePartitionedByTheirDayInThePlatformZoneAndUnique() {
    new CollectJob(spark, config, "place_event").run(FIRST);
    List<Row> rows =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.PLACE_EVENT.name()))
            .filter("p_ymd = '20190608'")
            .collectAsList();

    assertThat(rows)
        .isNotEmpty()
        .allSatisfy(
            row -> {
              assertThat(
                      Partitions.tierPartition(
                              ((Timestamp) row.getAs("event_time")).toInstant(), SEOUL)
                          .ymd())
                  .isEqualTo("20190608");
              assertThat(
                      Partitions.tierPartition(
                              ((Timestamp) row.getAs("event_time")).toInstant(), SEOUL)
                          .hh())
                  .isEqualTo(row.getAs("p_hh"));
            });
    assertThat(rows.stream().map(r -> r.getAs("event_id")).distinct().count())
        .isEqualTo(rows.size());
  }

  @Test
  void rerunningADayLeavesEveryTableAsTheFirstRunDid() {
    CollectJob job = new CollectJob(spark, config, "place_event");
    job.run(FIRST.plusDays(1));
    List<String> events = snapshot(PlatformTables.PLACE_EVENT.name().qualified());
    List<String> quarantine = snapshot(PlatformTables.PLACE_EVENT_QUARANTINE.name().qualified());

    job.run(FIRST.plusDays(1));

    assertThat(snapshot(PlatformTables.PLACE_EVENT.name().qualified())).isEqualTo(events);
    assertThat(snapshot(PlatformTables.PLACE_EVENT_QUARANTINE.name().qualified()))
        .isEqualTo(quarantine);
  }

  @Test
  void quarantineKeepsTheRawLineWithItsReason() {
    new CollectJob(spark, config, "place_event").run(FIRST);
    List<Row> rows =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.PLACE_EVENT_QUARANTINE.name()))
            .filter("p_ymd = '20190608'")
            .collectAsList();

    assertThat(rows)
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(lines.stream().map(GeneratedLine::line))
                  .contains((String) r.getAs("raw_line"));
              assertThat((String) r.getAs("reason"))
                  .matches(
                      "malformed_json|unknown_action|missing_field:.*|bad_timestamp:.*|wrong_type:.*");
              assertThat((String) r.getAs("source_file")).contains("p_ymd=");
            });
  }

  @Test
  void ofTheCopiesOfAnEventTheEarliestProcessedIsKeptAndATieGoesToTheFirstSourceFile() {
    Timestamp early = Timestamp.from(Instant.parse("2026-11-01T01:01:00Z"));
    Timestamp late = Timestamp.from(Instant.parse("2026-11-01T01:05:00Z"));
    Dataset<Row> copies =
        SparkSchemas.frame(
            spark,
            PlatformTables.PLACE_EVENT,
            List.of(
                Map.of("event_id", "e1", "processing_time", late, "source_file", "b.gz"),
                Map.of("event_id", "e1", "processing_time", early, "source_file", "z.gz"),
                Map.of("event_id", "e1", "processing_time", early, "source_file", "a.gz"),
                Map.of("event_id", "e2", "processing_time", late, "source_file", "c.gz")));
    List<String> kept =
        CollectJob.keepEarliestCopy(copies)
            .select("event_id", "source_file")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0) + "@" + r.getString(1))
            .sorted()
            .toList();
    assertThat(kept).containsExactly("e1@a.gz", "e2@c.gz");
  }

  private static List<String> snapshot(String qualified) {
    var table = PlatformTables.find(qualified).orElseThrow();
    return spark
        .read()
        .format("delta")
        .load(config.storage().tableLocation(table.name()))
        .drop("source_file")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }
}
