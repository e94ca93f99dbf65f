package org.lambdaref.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.PlaceMaster;

/** Writes generated raw lines in the collector layout and the place master into a database. */
final class RawFixtures {

  private RawFixtures() {}

  static void writeRaw(Path root, List<GeneratedLine> lines) {
    try {
      for (GeneratedLine line : lines) {
        Path file =
            root.resolve("datasource/place_event")
                .resolve(Partitions.rawArrivalPartition(line.arrival()).path())
                .resolve("part-0.json");
        Files.createDirectories(file.getParent());
        Files.writeString(
            file,
            line.line() + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The lines in the collector layout under the source's raw location of {@code config}, on any
   * Hadoop file system (s3a:// too).
   */
  static void writeRaw(PlatformConfig config, List<GeneratedLine> lines) {
    Configuration hadoop = new Configuration();
    SparkSessions.settings(config)
        .forEach(
            (k, v) -> {
              if (k.startsWith("spark.hadoop.")) {
                hadoop.set(k.substring("spark.hadoop.".length()), v);
              }
            });
    Map<String, StringBuilder> files = new TreeMap<>();
    for (GeneratedLine line : lines) {
      files
          .computeIfAbsent(
              Partitions.rawArrivalPartition(line.arrival()).path(), k -> new StringBuilder())
          .append(line.line())
          .append('\n');
    }
    String root = config.storage().rawSourceLocation("place_event");
    try (FileSystem fs = FileSystem.newInstance(URI.create(root), hadoop)) {
      for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
        try (OutputStream out =
            fs.create(new org.apache.hadoop.fs.Path(root + "/" + f.getKey() + "/part-0.json"))) {
          out.write(f.getValue().toString().getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writePlaces(String url, String user, String password, List<PlaceMaster.Place> places)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      // dropped, not emptied: a test may have left the table with other columns
      s.execute("DROP TABLE IF EXISTS public.place");
      PlaceMaster.replaceAll(c, "public.place", places);
    }
  }

  /**
   * The place master of {@code day} as the snapshot job reads it in dump mode ({@code
   * platform.source-db.mode = dump}): 20 places of 4 sellers as Parquet under the dump source's raw
   * folder, partition {@code p_ymd}.
   */
  static void writePlaceDump(SparkSession spark, PlatformConfig config, LocalDate day) {
    StructType schema = SparkSchemas.withColumns(new StructType(), PlaceMaster.COLUMNS);
    List<Row> rows =
        PlaceMaster.places(20, 4, 3).stream()
            .map(p -> RowFactory.create(PlaceMaster.values(p)))
            .toList();
    spark
        .createDataFrame(rows, schema)
        .write()
        .parquet(
            config.storage().rawSourceLocation(config.sourceDb().dumpSource())
                + "/p_ymd="
                + Partitions.day(day));
  }
}
