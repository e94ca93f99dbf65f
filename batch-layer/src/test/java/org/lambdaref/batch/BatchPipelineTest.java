package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;
import org.lambdaref.model.TableSpec;
import org.lambdaref.model.ValidationResult;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;
import org.lambdaref.model.generator.PlaceMaster;

/**
 * The whole batch pipeline, raw to t3 and the JDBC export, on generated data whose answers are
 * computed here independently, against a real PostgreSQL.
 *
 * <p>The setup replays the whole pipeline once ({@code all} jobs over the three days); the tests
 * check its tables and export, and those that run more on top (a re-export, the database stopped, a
 * source column changed, a parallel replay into other folders, resume over the same raw files)
 * change nothing another test reads, so they hold in any order.
 */
class BatchPipelineTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final LocalDate FIRST = LocalDate.of(2019, 6, 8);
  private static final int DAYS = 3;
  private static final int PLACES = 40;
  private static final int SELLERS = 6;

  @RegisterExtension
  static final PostgresLake db =
      PostgresLake.named("BatchPipelineTest").with("platform.timezone", SEOUL.getId());

  private static Path root;
  private static PlatformConfig config;
  private static SparkSession spark;
  private static Lake lake;
  private static List<PlaceEvent> accepted;
  private static Map<String, String> sellerOf;

  /** The setup's replay of every job over {@link #days()}. */
  private static List<BatchPipeline.PeriodResult> replay;

  @BeforeAll
  static void setUp() throws Exception {
    root = db.root();
    config = db.config();
    lake = db.lake();
    spark = lake.spark();
    List<GeneratedLine> lines =
        EventGenerator.generate(
            new GeneratorSpec(
                FIRST, DAYS, 300, PLACES + 5, 60, 0.1, 0.03, 0.02, SEOUL, Duration.ofHours(6), 9));
    RawFixtures.writeRaw(root.resolve("lake"), lines);
    List<PlaceMaster.Place> places = PlaceMaster.places(PLACES, SELLERS, 3);
    RawFixtures.writePlaces(db.stack().jdbcUrl(), db.stack().jdbcUser(), "", places);
    sellerOf =
        places.stream()
            .collect(Collectors.toMap(PlaceMaster.Place::placeId, PlaceMaster.Place::sellerId));
    accepted = truth(lines);
    replay =
        new BatchPipeline(lake, "place_event")
            .run(days(), BatchPipeline.Job.parse("all"), 1, r -> {});
  }

  /**
   * The accepted events, derived from the generator's labels alone (first copy of each valid id).
   */
  private static List<PlaceEvent> truth(List<GeneratedLine> lines) {
    EventValidator validator = new EventValidator(config.source("place_event").validationRules());
    List<PlaceEvent> out = new ArrayList<>();
    for (GeneratedLine line : lines) {
      if (line.kind() == GeneratedLine.Kind.VALID) {
        out.add(((ValidationResult.Valid) validator.validate(line.line())).event());
      }
    }
    return out;
  }

  private static List<PlaceEvent> acceptedOn(LocalDate day) {
    return accepted.stream()
        .filter(e -> e.eventTime().atZone(SEOUL).toLocalDate().equals(day))
        .toList();
  }

  private static List<LocalDate> days() {
    return List.of(FIRST, FIRST.plusDays(1), FIRST.plusDays(2));
  }

  @Test
  void theWholeReplayRunsInDependencyOrderAndEveryPeriodSucceeds() {
    assertThat(replay)
        .hasSize(DAYS)
        .allSatisfy(
            r ->
                assertThat(r.status())
                    .as("%s: %s", r.day(), r.error())
                    .isEqualTo(RunStatus.SUCCEEDED));
  }

  @Test
  void hourlyBatchViewCountsEveryAcceptedEventInItsPlatformZoneHour() {
    for (LocalDate day : days()) {
      Map<String, Long> expected = new TreeMap<>();
      for (PlaceEvent e : acceptedOn(day)) {
        Partitions.DayHour h = Partitions.tierPartition(e.eventTime(), SEOUL);
        expected.merge(
            e.placeId() + "|" + e.action().wireName() + "|" + h.ymd() + "|" + h.hh(),
            1L,
            Long::sum);
      }
      Map<String, Long> actual = new TreeMap<>();
      for (Row r : lake.day(PlatformTables.PLACE_ACTION_1H, Partitions.day(day)).collectAsList()) {
        actual.put(
            r.getAs("place_id")
                + "|"
                + r.getAs("action")
                + "|"
                + r.getAs("p_ymd")
                + "|"
                + r.getAs("p_hh"),
            r.getAs("events"));
      }
      assertThat(actual).as("t3.place_action_aggr_1h_hourly on %s", day).isEqualTo(expected);
    }
  }

  @Test
  void uniqueUsersAreExactOverOneDayAndOverThirtyDays() {
    LocalDate last = FIRST.plusDays(DAYS - 1);
    Map<String, Set<String>> daily = usersPerPlace(acceptedOn(last));
    Map<String, Set<String>> range =
        usersPerPlace(
            accepted.stream()
                .filter(e -> !e.eventTime().atZone(SEOUL).toLocalDate().isAfter(last))
                .toList());

    Map<String, Long> actualDaily =
        column(PlatformTables.PLACE_IMPRESSION_1D, last, "unique_users");
    Map<String, Long> actualRange =
        column(PlatformTables.PLACE_IMPRESSION_30D, last, "unique_users");

    assertThat(actualDaily).isEqualTo(sizes(daily));
    assertThat(actualRange)
        .as("30 days ending on %s: distinct over the days, not a sum", last)
        .isEqualTo(sizes(range));
    long summedDaily =
        days().stream()
            .mapToLong(
                d ->
                    column(PlatformTables.PLACE_IMPRESSION_1D, d, "unique_users")
                        .getOrDefault("p-1", 0L))
            .sum();
    assertThat(actualRange.get("p-1")).isLessThan(summedDaily);
  }

  @Test
  void impressionsAndClicksAddUpPerPlaceAndPerSeller() {
    LocalDate day = FIRST.plusDays(1);
    Map<String, Long> clicks = new HashMap<>();
    Map<String, Long> sellerImpressions = new TreeMap<>();
    for (PlaceEvent e : acceptedOn(day)) {
      if (e.action().wireName().equals("click")) {
        clicks.merge(e.placeId(), 1L, Long::sum);
      } else if (sellerOf.containsKey(e.placeId())) {
        sellerImpressions.merge(sellerOf.get(e.placeId()), 1L, Long::sum);
      }
    }
    Map<String, Long> actualClicks = column(PlatformTables.PLACE_IMPRESSION_1D, day, "clicks");
    actualClicks.values().removeIf(v -> v == 0L);
    assertThat(actualClicks).isEqualTo(clicks);

    Map<String, Long> actualSeller = new TreeMap<>();
    lake.day(PlatformTables.SELLER_PLACE_1D, Partitions.day(day))
        .collectAsList()
        .forEach(r -> actualSeller.put(r.getAs("seller_id"), r.getAs("impressions")));
    assertThat(actualSeller)
        .as("events of places missing from the master have no seller")
        .isEqualTo(sellerImpressions);
  }

  @Test
  void theExportMatchesTheT3TableAndARerunReplacesRatherThanAdds() throws Exception {
    LocalDate day = FIRST.plusDays(1);
    Map<String, Long> t3 = new TreeMap<>();
    lake.day(PlatformTables.SELLER_PLACE_1D, Partitions.day(day))
        .collectAsList()
        .forEach(r -> t3.put(r.getAs("seller_id"), r.getAs("unique_users")));

    assertThat(exported(day)).isEqualTo(t3);
    new ExportJob(lake).run(day);
    assertThat(exported(day)).isEqualTo(t3);
  }

  @Test
  void whenTheDatabaseIsDownTheT3TableStaysAndAReExportFromItAloneRecovers() throws Exception {
    LocalDate day = FIRST.plusDays(2);
    Map<String, Long> before = exported(day);
    long t3Version =
        DeltaTable.forPath(spark, lake.location(PlatformTables.SELLER_PLACE_1D))
            .history(1)
            .collectAsList()
            .get(0)
            .getAs("version");
    db.stack().stop(ServerKind.POSTGRES);
    try {
      List<BatchPipeline.PeriodResult> failed =
          new BatchPipeline(lake, "place_event")
              .run(List.of(day), BatchPipeline.Job.parse("export"), 1, r -> {});
      assertThat(failed.get(0).failed()).isTrue();
      assertThat(failed.get(0).error())
          .contains("t3 table is intact")
          .contains("bin/lambda export");
    } finally {
      db.stack().restart(ServerKind.POSTGRES);
    }
    assertThat(lake.day(PlatformTables.SELLER_PLACE_1D, Partitions.day(day)).count()).isPositive();
    assertThat(
            lake.read(PlatformTables.BATCH_LEDGER)
                .filter(
                    "job = 'export_seller_jdbc' and period = '"
                        + Partitions.day(day)
                        + "' and status = 'failed'")
                .count())
        .isEqualTo(1);

    new ExportJob(lake).run(day);

    assertThat(exported(day)).isEqualTo(before);
    long after =
        DeltaTable.forPath(spark, lake.location(PlatformTables.SELLER_PLACE_1D))
            .history(1)
            .collectAsList()
            .get(0)
            .getAs("version");
    assertThat(after).as("re-export computes nothing: t3 unchanged").isEqualTo(t3Version);
  }

  @Test
  void aColumnAddedToTheSourceRaisesASchemaChangeAlert() throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE public.place ADD COLUMN rating integer");
      s.execute("ALTER TABLE public.place DROP COLUMN region");
    }
    new SnapshotJob(lake).run(FIRST.plusDays(2));

    List<String> alerts =
        lake.read(PlatformTables.SCHEMA_CHANGE_ALERTS).collectAsList().stream()
            .map(r -> r.getAs("change") + ":" + r.getAs("column_name"))
            .sorted()
            .toList();
    assertThat(alerts).containsExactly("added:rating", "dropped:region");
    assertThat(lake.day(PlatformTables.PLACE_SNAPSHOT, Partitions.day(FIRST)).columns())
        .contains("rating", "region");
  }

  @Test
  void twoPeriodsAtOnceGiveTheSameTablesAsOneByOne() {
    PlatformConfig parallelConfig =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root", root.resolve("lake").toString(),
                "platform.timezone", "Asia/Seoul",
                "platform.jdbc.url", db.stack().jdbcUrl(),
                "platform.jdbc.user", db.stack().jdbcUser(),
                "platform.storage.datastaging", root.resolve("parallel/datastaging").toString(),
                "platform.storage.datastore", root.resolve("parallel/datastore").toString()),
            Map.of(),
            root);
    Lake parallel = new Lake(spark, parallelConfig);
    // aColumnAddedToTheSourceRaisesASchemaChangeAlert may have changed the source schema already;
    // the parallel run reads the master table as it is now, so compare the tables that do not
    // depend on it
    new BatchPipeline(parallel, "place_event")
        .run(
            days(),
            EnumSet.of(
                BatchPipeline.Job.COLLECT,
                BatchPipeline.Job.SNAPSHOT,
                BatchPipeline.Job.ENRICH,
                BatchPipeline.Job.AGGREGATE),
            2,
            r -> {});

    for (var table :
        List.of(
            PlatformTables.PLACE_EVENT,
            PlatformTables.PLACE_ACTION_1H,
            PlatformTables.PLACE_IMPRESSION_1D,
            PlatformTables.PLACE_IMPRESSION_30D)) {
      assertThat(rows(parallel, table)).as(table.name().qualified()).isEqualTo(rows(lake, table));
    }
  }

  @Test
  void resumeSkipsDonePeriodsUntilTheirRawFilesChange() throws Exception {
    var jobs = EnumSet.of(BatchPipeline.Job.COLLECT, BatchPipeline.Job.ENRICH);
    BatchPipeline pipeline = new BatchPipeline(lake, "place_event");
    pipeline.run(days(), jobs, 1, r -> {});

    List<BatchPipeline.PeriodResult> resumed = pipeline.run(days(), jobs, 1, true, r -> {});
    assertThat(resumed).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.SKIPPED));

    Path someRawFile;
    try (var files = Files.walk(root.resolve("lake/datasource/place_event/p_ymd=20190609"))) {
      someRawFile = files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    Files.writeString(someRawFile, "not json\n", StandardOpenOption.APPEND);

    List<BatchPipeline.PeriodResult> after = pipeline.run(days(), jobs, 1, true, r -> {});
    assertThat(
            after.stream()
                .filter(r -> r.status() == RunStatus.SUCCEEDED)
                .map(BatchPipeline.PeriodResult::day))
        .as("only the periods that read the changed file run again")
        .isNotEmpty()
        .allSatisfy(d -> assertThat(d).isIn(FIRST.plusDays(1), FIRST.plusDays(2), FIRST));
    assertThat(after).anySatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.SKIPPED));
  }

  @Test
  void aSampleGoesToTheDevelopmentTableAndIsASubsetOfTheExport() throws Exception {
    LocalDate day = FIRST.plusDays(1);
    Map<String, Long> full = exported(day);

    Ledger.Entry entry = new ExportJob(lake).runSample(day, 0.5);

    Map<String, Long> sample = new TreeMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select seller_id, unique_users from t3_seller_exported_jdbc_sample")) {
      while (rs.next()) {
        sample.put(rs.getString(1), rs.getLong(2));
      }
    }
    assertThat(entry.rowsWritten()).isEqualTo(sample.size());
    assertThat(sample.size()).isBetween(1, full.size() - 1);
    assertThat(full).containsAllEntriesOf(sample);
  }

  private static List<String> rows(Lake l, TableSpec table) {
    var df = l.read(table);
    if (List.of(df.columns()).contains("source_file")) {
      df = df.drop("source_file");
    }
    return df.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static Map<String, Set<String>> usersPerPlace(List<PlaceEvent> events) {
    Map<String, Set<String>> users = new HashMap<>();
    events.forEach(e -> users.computeIfAbsent(e.placeId(), k -> new HashSet<>()).add(e.userId()));
    return users;
  }

  private static Map<String, Long> sizes(Map<String, Set<String>> sets) {
    Map<String, Long> out = new TreeMap<>();
    sets.forEach((k, v) -> out.put(k, (long) v.size()));
    return out;
  }

  private static Map<String, Long> column(TableSpec table, LocalDate day, String name) {
    Map<String, Long> out = new TreeMap<>();
    lake.day(table, Partitions.day(day))
        .collectAsList()
        .forEach(r -> out.put(r.getAs("place_id"), r.getAs(name)));
    return out;
  }

  private static Map<String, Long> exported(LocalDate day) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select seller_id, unique_users from t3_seller_exported_jdbc where p_ymd = '"
                    + Partitions.day(day)
                    + "'")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }
}
