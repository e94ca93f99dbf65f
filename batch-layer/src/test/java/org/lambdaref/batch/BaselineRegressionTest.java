package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.PlatformTables.TableSpec;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.PlaceMaster;

/**
 * The same answers on every Spark line: a fixed, hand-written input (resources {@code
 * regression/raw-lines.tsv} and {@code places.tsv}) run through every batch job for two days, and
 * every table the batch writes (t1, t2, t3: columns, types, partitions and rows), the ledger's
 * accounting and details, and the rows exported to PostgreSQL compared with {@code
 * regression/baseline.txt}. The baseline was recorded on the Spark 3.5 line before the move to
 * Spark 4 and each of its figures checked by hand against the rules (the derivation is in
 * {@code regression/README.md}). Only what differs between two runs of the same input is masked:
 * run ids, wall-clock times, the input fingerprint (it holds file modification times) and the
 * temporary folder in source file paths.
 *
 * <p>To record a new baseline after a deliberate change of behaviour: {@code ./mvnw -pl batch-layer
 * -am verify -Dit.test=none -Dtest=BaselineRegressionTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dregression.record=true}, then check every changed figure by hand and say why in the commit.
 */
class BaselineRegressionTest {

  private static final List<LocalDate> DAYS = List.of(LocalDate.of(2019, 6, 8), LocalDate.of(2019, 6, 9));
  private static final String BASELINE = "regression/baseline.txt";
  /** Columns whose values are different on every run of the same input. */
  private static final Set<String> VOLATILE_COLUMNS = Set.of("run_id", "started_at", "ended_at", "exported_at");
  /** Keys of the ledger's details whose values are different on every run of the same input. */
  private static final Set<String> VOLATILE_DETAILS = Set.of("inputs");

  @TempDir static Path root;
  private static LocalStack postgres;
  private static PlatformConfig config;
  private static SparkSession spark;
  private static Lake lake;

  @BeforeAll
  static void setUp() throws Exception {
    postgres = LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.POSTGRES));
    Path lakeRoot = root.resolve("lake");
    config = ConfigLoader.load("local", Map.of(
        "platform.storage.root", lakeRoot.toString(),
        "platform.timezone", "Asia/Seoul",
        "platform.jdbc.url", postgres.jdbcUrl(),
        "platform.jdbc.user", postgres.jdbcUser()), Map.of(), lakeRoot);
    spark = SparkSessions.getOrCreate(config, "BaselineRegressionTest");
    lake = new Lake(spark, config);
    RawFixtures.writeRaw(lakeRoot, rawLines());
    RawFixtures.writePlaces(postgres.jdbcUrl(), postgres.jdbcUser(), "", places());
  }

  @AfterAll
  static void tearDown() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void everyTableLedgerRowAndExportedRowIsTheBaselines() throws Exception {
    List<BatchPipeline.PeriodResult> results =
        new BatchPipeline(lake, "place_event").run(DAYS, BatchPipeline.Job.parse("all"), 1, r -> { });
    assertThat(results).allSatisfy(r -> assertThat(r.status()).as("%s: %s", r.day(), r.error()).isEqualTo("succeeded"));

    String actual = dump();
    Path written = Path.of("target", "regression", "actual.txt");
    Files.createDirectories(written.getParent());
    Files.writeString(written, actual, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("regression.record")) {
      Path baseline = Path.of("src", "test", "resources", BASELINE);
      Files.writeString(baseline, actual, StandardCharsets.UTF_8);
      throw new AssertionError("recorded " + baseline.toAbsolutePath() + ": check every changed figure by hand,"
          + " then run again without -Dregression.record");
    }
    assertThat(actual).as("the tables of the fixed input (this run's: %s)", written.toAbsolutePath())
        .isEqualTo(resource(BASELINE));
  }

  /** Every batch table, then the export, as text: a header per table, its columns, its rows sorted. */
  private static String dump() throws Exception {
    StringBuilder out = new StringBuilder();
    out.append("# written by BaselineRegressionTest; the figures are derived in README.md beside it\n");
    for (TableSpec table : PlatformTables.ALL) {
      if (table.name().qualified().startsWith("hot.") || !lake.exists(table)) {
        continue;
      }
      Dataset<Row> rows = lake.read(table);
      out.append("\n## ").append(table.name().qualified()).append(" partitioned by ").append(table.partitionColumns())
          .append('\n');
      for (StructField f : rows.schema().fields()) {
        out.append("column ").append(f.name()).append(' ').append(f.dataType().simpleString())
            .append(f.nullable() ? "" : " not null").append('\n');
      }
      List<String> lines = new ArrayList<>();
      for (Row r : rows.collectAsList()) {
        StringBuilder line = new StringBuilder("row");
        for (StructField f : rows.schema().fields()) {
          Object value = r.getAs(f.name());
          line.append(" | ").append(f.name()).append('=').append(
              VOLATILE_COLUMNS.contains(f.name()) ? "*" : f.name().equals("details") ? details(value) : text(value));
        }
        lines.add(line.toString());
      }
      lines.sort(null);
      lines.forEach(l -> out.append(l).append('\n'));
    }
    out.append("\n## jdbc ").append(config.export().sellerTable()).append('\n');
    List<String> exported = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.jdbcUser(), "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + config.export().sellerTable())) {
      ResultSetMetaData meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        out.append("column ").append(meta.getColumnName(i)).append(' ').append(meta.getColumnTypeName(i)).append('\n');
      }
      while (rs.next()) {
        StringBuilder line = new StringBuilder("row");
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          String column = meta.getColumnName(i);
          line.append(" | ").append(column).append('=').append(VOLATILE_COLUMNS.contains(column) ? "*" : text(rs.getObject(i)));
        }
        exported.add(line.toString());
      }
    }
    exported.sort(null);
    exported.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }

  private static String text(Object value) {
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Row r) {
      return r.toString();
    }
    return Objects.toString(value).replace("\n", "\\n").replace(root.toUri().toString(), "<root>/");
  }

  /** The ledger's details ({@code {key=value, ...}}, keys sorted) with the volatile values masked. */
  private static String details(Object value) {
    String details = Objects.toString(value);
    for (String key : VOLATILE_DETAILS) {
      details = details.replaceAll("\\b" + key + "=[^,}]*", key + "=*");
    }
    return details;
  }

  private static List<GeneratedLine> rawLines() throws IOException {
    List<GeneratedLine> lines = new ArrayList<>();
    for (String row : resource("regression/raw-lines.tsv").split("\n")) {
      if (row.startsWith("#") || row.isEmpty()) {
        continue;
      }
      String[] cells = row.split("\t", 2);
      // the kind is not used: the pipeline classifies each line itself
      lines.add(new GeneratedLine(cells[1], Instant.parse(cells[0]), GeneratedLine.Kind.VALID));
    }
    return lines;
  }

  private static List<PlaceMaster.Place> places() throws IOException {
    List<PlaceMaster.Place> places = new ArrayList<>();
    for (String row : resource("regression/places.tsv").split("\n")) {
      if (row.startsWith("#") || row.isEmpty()) {
        continue;
      }
      String[] c = row.split("\t");
      places.add(new PlaceMaster.Place(c[0], c[1], c[2], c[3], c[4], Instant.parse(c[5])));
    }
    return places;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = BaselineRegressionTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("no test resource " + name + ": record it with -Dregression.record=true (see the class comment)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
