package org.lambdaref.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.PlaceMaster;

/**
 * The fixed input of {@code regression/} and the text form of everything the batch wrote from it,
 * masked where two runs of the same input differ, for the tests that compare a run with {@code
 * regression/baseline.txt} ({@link BaselineRegressionTest}, {@code BatchLineUpgradeTest}).
 */
final class RegressionBaseline {

  static final String BASELINE = "regression/baseline.txt";

  /** Columns whose values are different on every run of the same input. */
  private static final Set<String> VOLATILE_COLUMNS =
      Set.of("run_id", "started_at", "ended_at", "exported_at", "covered_at");

  /** Keys of the ledger's details whose values are different on every run of the same input. */
  private static final Set<String> VOLATILE_DETAILS = Set.of("inputs");

  private RegressionBaseline() {}

  /**
   * Every batch table of {@code lake}, then the rows exported to the database at {@code jdbcUrl},
   * as text: a header per table, its columns, its rows sorted. {@code root} is masked in file
   * paths.
   */
  static String dump(Lake lake, PlatformConfig config, String jdbcUrl, String jdbcUser, Path root)
      throws Exception {
    StringBuilder out = new StringBuilder();
    out.append(
        "# written by BaselineRegressionTest; the figures are derived in README.md beside it\n");
    for (TableSpec table : PlatformTables.ALL) {
      if (table.name().qualified().startsWith("hot.") || !lake.exists(table)) {
        continue;
      }
      Dataset<Row> rows = lake.read(table);
      out.append("\n## ")
          .append(table.name().qualified())
          .append(" partitioned by ")
          .append(table.partitionColumns())
          .append('\n');
      for (StructField f : rows.schema().fields()) {
        out.append("column ")
            .append(f.name())
            .append(' ')
            .append(f.dataType().simpleString())
            .append(f.nullable() ? "" : " not null")
            .append('\n');
      }
      List<String> lines = new ArrayList<>();
      for (Row r : rows.collectAsList()) {
        StringBuilder line = new StringBuilder("row");
        for (StructField f : rows.schema().fields()) {
          Object value = r.getAs(f.name());
          line.append(" | ")
              .append(f.name())
              .append('=')
              .append(
                  VOLATILE_COLUMNS.contains(f.name())
                      ? "*"
                      : f.name().equals("details") ? details(value) : text(value, root));
        }
        lines.add(line.toString());
      }
      lines.sort(null);
      lines.forEach(l -> out.append(l).append('\n'));
    }
    out.append("\n## jdbc ").append(config.export().sellerTable()).append('\n');
    List<String> exported = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + config.export().sellerTable())) {
      ResultSetMetaData meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        out.append("column ")
            .append(meta.getColumnName(i))
            .append(' ')
            .append(meta.getColumnTypeName(i))
            .append('\n');
      }
      while (rs.next()) {
        StringBuilder line = new StringBuilder("row");
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          String column = meta.getColumnName(i);
          line.append(" | ")
              .append(column)
              .append('=')
              .append(VOLATILE_COLUMNS.contains(column) ? "*" : text(rs.getObject(i), root));
        }
        exported.add(line.toString());
      }
    }
    exported.sort(null);
    exported.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }

  private static String text(Object value, Path root) {
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Row r) {
      return r.toString();
    }
    return Objects.toString(value).replace("\n", "\\n").replace(root.toUri().toString(), "<root>/");
  }

  /**
   * The ledger's details ({@code {key=value, ...}}, keys sorted) with the volatile values masked.
   */
  private static String details(Object value) {
    String details = Objects.toString(value);
    for (String key : VOLATILE_DETAILS) {
      details = details.replaceAll("\\b" + key + "=[^,}]*", key + "=*");
    }
    return details;
  }

  /** {@code regression/raw-lines.tsv}: arrival instant and line. */
  static List<GeneratedLine> rawLines() throws IOException {
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

  /** {@code regression/places.tsv}: the place master in the database. */
  static List<PlaceMaster.Place> places() throws IOException {
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

  static String resource(String name) throws IOException {
    try (InputStream in = RegressionBaseline.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError(
            "no test resource "
                + name
                + ": record it with -Dregression.record=true (see the class comment)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
