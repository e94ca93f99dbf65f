package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.batch.MergedHourlyView;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.TrinoConfig;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableName;
import org.lambdaref.model.TableSpec;
import org.lambdaref.serving.ServingService;

/**
 * Another engine reads what Spark wrote: the whole local stack with Trino, a batch replay and a
 * speed run through the command line, then every t3 table row by row and the hot table's counts as
 * Trino's Delta Lake connector reads them, against Spark's reading of the same tables. Run by
 * {@code ./mvnw -B -Ptrino verify -pl platform-cli}.
 */
@Tag("trino")
class TrinoInteropTest {

  private static final LocalDate FIRST_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(4);
  private static final int DAYS = 2;

  @TempDir static Path root;
  private static LocalStack stack;
  private static PlatformConfig config;
  private static final List<String> conf = new ArrayList<>();

  @BeforeAll
  static void runTheLayers() {
    stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"),
                ServerKind.KAFKA,
                ServerKind.DYNAMODB,
                ServerKind.POSTGRES,
                ServerKind.S3,
                ServerKind.TRINO));
    stack.advertise(); // 'sql --engine auto' in this JVM finds it
    Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
    overrides.put("platform.storage.root", root.resolve("lake").toString());
    overrides.put("platform.work-dir", root.resolve("work").toString());
    // 'sql --engine auto' finds this test's stack, not one 'local up' left on the machine
    overrides.put("platform.local-stack.dir", root.resolve("stack").toString());
    overrides.put("platform.kafka.topic", "trino_interop");
    overrides.put("platform.dynamodb.counters-table", "trino_interop");
    config = ConfigLoader.load("local", overrides, Map.of(), root);
    LocalProvisioning.createTopic(config.kafka().bootstrapServers(), config.kafka().topic());
    LocalProvisioning.createCountersTable(config);
    overrides.forEach(
        (k, v) -> {
          conf.add("--conf");
          conf.add(k + "=" + v);
        });
    expectSuccess(
        run(
            "generate",
            "--start-date",
            FIRST_DAY.toString(),
            "--days",
            Integer.toString(DAYS),
            "--events-per-day",
            "4000",
            "--places",
            "200",
            "--place-master",
            "--seed",
            "11"));
    expectSuccess(
        run(
            "batch",
            "--start-date",
            FIRST_DAY.toString(),
            "--iteration-count",
            Integer.toString(DAYS)));
    expectSuccess(run("produce", "--events", "600", "--rate", "5000", "--places", "20"));
    expectSuccess(run("speed", "--available-now", "--starting-offsets", "earliest"));
    // events the speed layer kept of a day the batch has since covered (hot retention has not run
    // since): the merged views must read that day from t3 only
    SparkSession spark = SparkSessions.getOrCreate(config, "interop");
    List<Map<String, ?>> late = new ArrayList<>();
    for (int i = 0; i < COVERED_DAY_HOT_ROWS; i++) {
      late.add(
          Map.of(
              "event_id",
              "covered-" + i,
              "place_id",
              "p-covered",
              "action",
              "impression",
              config.eventSource().timeBasis().column().name(),
              Timestamp.from(FIRST_DAY.atTime(10, i).toInstant(ZoneOffset.UTC)),
              "p_ymd",
              FIRST_DAY.toString().replace("-", ""),
              "p_hh",
              "10"));
    }
    SparkSchemas.frame(spark, PlatformTables.HOT_PLACE_EVENT, late)
        .write()
        .format("delta")
        .mode("append")
        .save(config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name()));
  }

  private static final int COVERED_DAY_HOT_ROWS = 5;

  @AfterAll
  static void tearDown() {
    if (stack != null) {
      stack.close();
    }
  }

  private static CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(conf);
    return CliRun.run(all.toArray(String[]::new));
  }

  private static void expectSuccess(CliRun run) {
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
  }

  /** A plain JDBC client, as any tool would connect: only the URL and a user. */
  private static Connection trino() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "interop-check");
    return DriverManager.getConnection(stack.trinoJdbcUrl().orElseThrow(), p);
  }

  @Test
  void everyT3TableReadsRowForRowTheSameInTrinoAsInSpark() throws Exception {
    try (TrinoSql sql = TrinoSql.connect(stack.trinoJdbcUrl().orElseThrow())) {
      sql.registerAll(config);
    }
    assertThat(
            trinoRows(
                "SELECT table_schema || '.' || table_name FROM "
                    + TrinoConfig.CATALOG
                    + ".information_schema.tables"))
        .contains(
            PlatformTables.PLACE_ACTION_1H.name().qualified(),
            PlatformTables.SELLER_PLACE_1D.name().qualified(),
            PlatformTables.HOT_PLACE_EVENT.name().qualified());
    SparkSession spark = SparkSessions.getOrCreate(config, "interop");
    for (TableSpec spec :
        List.of(
            PlatformTables.PLACE_ACTION_1H,
            PlatformTables.PLACE_IMPRESSION_1D,
            PlatformTables.PLACE_IMPRESSION_30D,
            PlatformTables.SELLER_PLACE_1D)) {
      List<String> columns = spec.columns().stream().map(c -> c.name()).toList();
      List<String> sparkRows = new ArrayList<>();
      for (Row r :
          spark
              .read()
              .format("delta")
              .load(config.storage().tableLocation(spec.name()))
              .selectExpr(columns.toArray(String[]::new))
              .collectAsList()) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          Object v = r.get(i);
          values.add(v instanceof Timestamp t ? t.toInstant().toString() : String.valueOf(v));
        }
        sparkRows.add(String.join("|", values));
      }
      List<String> trinoRows =
          trinoRows("SELECT " + String.join(", ", columns) + " FROM " + spec.name().qualified());

      assertThat(sparkRows).as(spec.name() + " has rows").isNotEmpty();
      assertThat(trinoRows)
          .as(spec.name() + " as Trino reads it")
          .containsExactlyInAnyOrderElementsOf(sparkRows);
    }
  }

  @Test
  void theHotTableCountsTheSameInTrinoAsInSpark() throws Exception {
    try (TrinoSql sql = TrinoSql.connect(stack.trinoJdbcUrl().orElseThrow())) {
      sql.registerAll(config);
    }
    String counts =
        "SELECT place_id, action, p_ymd, p_hh, count(*) AS events FROM "
            + PlatformTables.HOT_PLACE_EVENT.name().qualified()
            + " GROUP BY place_id, action, p_ymd, p_hh";
    SparkSession spark = SparkSessions.getOrCreate(config, "interop");
    spark
        .read()
        .format("delta")
        .load(config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name()))
        .createOrReplaceTempView("hot_events");
    List<String> sparkRows =
        spark
            .sql(counts.replace(PlatformTables.HOT_PLACE_EVENT.name().qualified(), "hot_events"))
            .collectAsList()
            .stream()
            .map(r -> r.mkString("|"))
            .toList();

    List<String> trinoRows = trinoRows(counts);

    assertThat(sparkRows).isNotEmpty();
    assertThat(trinoRows).containsExactlyInAnyOrderElementsOf(sparkRows);
    assertThat(
            trinoRows.stream()
                .mapToLong(r -> Long.parseLong(r.substring(r.lastIndexOf('|') + 1)))
                .sum())
        .as(
            "every produced event counted once (duplicates dropped, malformed ones quarantined),"
                + " and the rows kept of a covered day")
        .isEqualTo(600 + COVERED_DAY_HOT_ROWS);
  }

  @Test
  void sqlAndTablesRunOnTrinoWhenItRunsAndAgreeWithSpark() {
    String query =
        "select p_ymd, count(*) as places, sum(impressions) as impressions"
            + " from t3.place_impression_aggr_1d_daily group by p_ymd order by p_ymd";
    CliRun onTrino = run("sql", "--format", "csv", query);
    CliRun onSpark = run("sql", "--engine", "spark", "--format", "csv", query);
    expectSuccess(onTrino);
    expectSuccess(onSpark);
    assertThat(onTrino.out().lines().count()).as(onTrino.out()).isEqualTo(1 + DAYS);
    assertThat(onTrino.out()).isEqualTo(onSpark.out());
    // the engines name a type differently: Trino 'integer', Spark 'int'
    CliRun auto = run("sql", "--format", "csv", "select typeof(1) as t");
    expectSuccess(auto);
    assertThat(auto.out()).as("auto chose the running Trino").isEqualTo("t\ninteger\n");
    CliRun spark = run("sql", "--engine", "spark", "--format", "csv", "select typeof(1) as t");
    assertThat(spark.out()).isEqualTo("t\nint\n");

    CliRun cut = run("sql", "--engine", "trino", "--format", "csv", "--max-rows", "1", query);
    expectSuccess(cut);
    assertThat(cut.out().lines().count()).as("header and one row").isEqualTo(2);
    assertThat(cut.err()).contains("more than 1 rows");

    CliRun tables = run("tables", "--format", "csv");
    CliRun sparkTables = run("tables", "--engine", "spark", "--format", "csv");
    expectSuccess(tables);
    expectSuccess(sparkTables);
    // partitions, rows and data files of every table: the same numbers from both engines
    assertThat(tables.out()).isEqualTo(sparkTables.out());
  }

  @Test
  void aTableOfAnotherLakeOnTheSameStackIsRegisteredAgainNotReadThere() throws Exception {
    Path otherLake = root.resolve("other-lake");
    PlatformConfig other =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root",
                otherLake.toString(),
                "platform.local-stack.dir",
                root.resolve("stack").toString()),
            Map.of(),
            root);
    SparkSession spark = SparkSessions.getOrCreate(config, "interop");
    String table = PlatformTables.PLACE_IMPRESSION_1D.name().qualified();
    spark
        .read()
        .format("delta")
        .load(config.storage().tableLocation(PlatformTables.PLACE_IMPRESSION_1D.name()))
        .limit(3)
        .write()
        .format("delta")
        .partitionBy("p_ymd")
        .save(other.storage().tableLocation(PlatformTables.PLACE_IMPRESSION_1D.name()));

    try (TrinoSql sql = TrinoSql.connect(stack.trinoJdbcUrl().orElseThrow())) {
      sql.registerAll(other);
      assertThat(trinoRows("SELECT count(*) FROM " + table)).containsExactly("3");
      sql.registerAll(config);
      assertThat(trinoRows("SELECT count(*) FROM " + table))
          .containsExactly(Long.toString(200L * DAYS));
    }
  }

  @Test
  void trinosMergedViewAnswersWhatTheHttpApiAnswers() throws Exception {
    try (TrinoSql sql = TrinoSql.connect(stack.trinoJdbcUrl().orElseThrow())) {
      sql.registerAll(config);
    }
    // the batch published its cut as data: the two closed days
    assertThat(trinoRows("SELECT p_ymd FROM ops.batch_coverage ORDER BY p_ymd"))
        .containsExactly(
            FIRST_DAY.toString().replace("-", ""),
            FIRST_DAY.plusDays(1).toString().replace("-", ""));
    List<String> keys =
        trinoRows(
            "SELECT DISTINCT place_id || '|' || action FROM "
                + MergedHourlyView.NAME
                + " WHERE source = 'speed' ORDER BY 1 LIMIT 4");
    keys.addAll(
        trinoRows(
            "SELECT DISTINCT place_id || '|' || action FROM "
                + MergedHourlyView.NAME
                + " WHERE source = 'batch' ORDER BY 1 LIMIT 4"));
    assertThat(keys).as("places with speed and with batch buckets").hasSize(8);
    String covered =
        "('"
            + FIRST_DAY.toString().replace("-", "")
            + "', '"
            + FIRST_DAY.plusDays(1).toString().replace("-", "")
            + "')";
    assertThat(
            trinoRows(
                "SELECT count(*) FROM "
                    + PlatformTables.HOT_PLACE_EVENT.name().qualified()
                    + " WHERE p_ymd IN "
                    + covered))
        .as("the hot table holds rows of a covered day")
        .containsExactly(Integer.toString(COVERED_DAY_HOT_ROWS));
    assertThat(
            trinoRows(
                "SELECT count(*) FROM "
                    + MergedHourlyView.NAME
                    + " WHERE source = 'speed' AND p_ymd IN "
                    + covered))
        .as("the view reads a covered day from t3 only")
        .containsExactly("0");
    keys.add("p-covered|impression"); // its batch buckets only, as the API answers
    String from = FIRST_DAY.toString();
    String to = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try (ServingService service =
        ServingService.start(config, config.serving().withListen("127.0.0.1", 0))) {
      for (String key : keys) {
        String place = key.substring(0, key.indexOf('|'));
        String action = key.substring(key.indexOf('|') + 1);
        List<String> fromApi = new ArrayList<>();
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + service.port()
                                + "/v1/places/"
                                + place
                                + "/actions/"
                                + action
                                + "?from="
                                + from
                                + "&to="
                                + to
                                + "&granularity=hour"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode b : json.readTree(response.body()).get("buckets")) {
          if (b.get("count").asLong() > 0) {
            fromApi.add(
                OffsetDateTime.parse(b.get("start").asText()).toInstant()
                    + "|"
                    + b.get("count").asLong()
                    + "|"
                    + b.get("source").asText());
          }
        }
        List<String> fromTrino =
            trinoRows(
                "SELECT hour_start, events, source FROM "
                    + MergedHourlyView.NAME
                    + " WHERE place_id = '"
                    + place
                    + "' AND action = '"
                    + action
                    + "'");
        if (!key.startsWith("p-covered")) {
          assertThat(fromApi).as(key + " from the API").isNotEmpty();
        }
        assertThat(fromTrino).as(key).containsExactlyInAnyOrderElementsOf(fromApi);
      }
    }
  }

  @Test
  void aTableOnTheS3ServerIsReadThroughTrinosS3FileSystem() throws Exception {
    // the daily table's files as a user's S3 lake holds them (the log names them relatively)
    LocalProvisioning.createBucket(stack, "interop");
    Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
    overrides.put("platform.storage.root", "s3a://interop");
    overrides.put("platform.local-stack.dir", root.resolve("stack").toString());
    PlatformConfig onS3 = ConfigLoader.load("local-s3", overrides, Map.of(), root);
    TableName daily = PlatformTables.PLACE_IMPRESSION_1D.name();
    Path local = Path.of(URI.create(config.storage().tableLocation(daily)));
    String prefix = onS3.storage().tableLocation(daily).substring("s3a://interop/".length());
    try (var files = Files.walk(local)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        LocalProvisioning.putFile(
            stack, "interop", prefix + "/" + local.relativize(f).toString().replace('\\', '/'), f);
      }
    }
    String query =
        "SELECT p_ymd, count(*), sum(impressions) FROM " + daily.qualified() + " GROUP BY p_ymd";
    try (TrinoSql sql = TrinoSql.connect(stack.trinoJdbcUrl().orElseThrow())) {
      sql.registerAll(config);
      List<String> fromLocal = trinoRows(query);
      sql.registerAll(onS3);
      assertThat(trinoRows("SHOW CREATE TABLE " + daily.qualified()).get(0))
          .contains("location = 's3://interop/" + prefix + "'");
      assertThat(trinoRows(query)).isNotEmpty().containsExactlyInAnyOrderElementsOf(fromLocal);
      sql.registerAll(config);
    }
  }

  @Test
  void trinosHourStartIsThePlatformsInEveryKindOfZone() throws Exception {
    for (String id :
        List.of(
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "America/St_Johns",
            "Australia/Lord_Howe")) {
      ZoneId zone = ZoneId.of(id);
      List<Instant> instants = new ArrayList<>();
      // every 10 minutes around the zone's next two clock changes, and a plain day
      Instant from = Instant.parse("2026-01-01T00:00:00Z");
      for (int t = 0; t < 2; t++) {
        ZoneOffsetTransition change = zone.getRules().nextTransition(from);
        if (change == null) {
          break;
        }
        for (int m = -180; m <= 180; m += 10) {
          instants.add(change.getInstant().plusSeconds(m * 60L + 7));
        }
        from = change.getInstant();
      }
      for (int m = 0; m < 24 * 60; m += 50) {
        instants.add(Instant.parse("2026-06-15T00:00:00Z").plusSeconds(m * 60L + 13));
      }
      String values = String.join(", ", instants.stream().map(i -> "('" + i + "')").toList());
      List<String> fromTrino =
          trinoRows(
              "SELECT x || '|' || to_iso8601("
                  + TrinoSql.hourStartSql("from_iso8601_timestamp(x)", zone)
                  + ") FROM (VALUES "
                  + values
                  + ") AS v(x)");
      List<String> expected =
          instants.stream()
              .map(
                  i ->
                      i
                          + "|"
                          + Partitions.hourStart(i, zone)
                              .atOffset(ZoneOffset.UTC)
                              .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")))
              .toList();
      assertThat(fromTrino).as(id).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void theCatalogTheStackPrintsIsTheOneAJdbcUrlNames() {
    assertThat(stack.trinoJdbcUrl().orElseThrow())
        .startsWith("jdbc:trino://127.0.0.1:")
        .endsWith("/" + TrinoConfig.CATALOG);
  }

  private static List<String> trinoRows(String query) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = trino();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          int type = meta.getColumnType(i);
          if (type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE) {
            Timestamp t = rs.getTimestamp(i);
            values.add(t == null ? "null" : t.toInstant().toString());
          } else {
            values.add(String.valueOf(rs.getObject(i)));
          }
        }
        rows.add(String.join("|", values));
      }
    }
    return rows;
  }
}
