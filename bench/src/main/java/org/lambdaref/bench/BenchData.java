package org.lambdaref.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.stream.Stream;
import org.lambdaref.cli.LambdaCli;
import org.lambdaref.config.Console;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.generator.PlaceMaster;

/**
 * The benchmarks' input: the project's own seeded generator (so a rerun reads the same bytes) and a
 * place-master dump per day, written once per shape and reused.
 */
final class BenchData {

  private BenchData() {}

  /**
   * {@code <dir>/datasource} with {@code days} days of raw events and dumps, generated if absent.
   */
  static Path prepare(
      Path dir,
      LocalDate start,
      int days,
      int eventsPerDay,
      int places,
      int users,
      String zone,
      Console console)
      throws Exception {
    Path data = dir.toAbsolutePath();
    Path done = data.resolve(".complete");
    if (Files.exists(done)) {
      return data.resolve("datasource");
    }
    delete(data);
    console.line(
        "generating %d day(s) of %,d events from %s into %s", days, eventsPerDay, start, data);
    int code =
        LambdaCli.commandLine()
            .execute(
                "generate",
                "--conf",
                "platform.storage.datasource=" + data.resolve("datasource"),
                "--conf",
                "platform.timezone=" + zone,
                "--start-date",
                start.toString(),
                "--days",
                Integer.toString(days),
                "--events-per-day",
                Integer.toString(eventsPerDay),
                "--places",
                Integer.toString(places),
                "--users",
                Integer.toString(users),
                "--replace");
    if (code != 0) {
      throw new IllegalStateException("generating the benchmark data failed (exit " + code + ")");
    }
    for (int d = 0; d < days; d++) {
      writePlaceMasterDump(
          data.resolve("datasource")
              .resolve("place_master")
              .resolve(Partitions.DAY_COLUMN + "=" + Partitions.day(start.plusDays(d))),
          places);
    }
    Files.writeString(done, Instant.now().toString());
    return data.resolve("datasource");
  }

  /** The place master as a nightly dump would leave it: one Parquet file in the day's folder. */
  static void writePlaceMasterDump(Path folder, int places) throws Exception {
    Files.createDirectories(folder);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE place (place_id VARCHAR, name VARCHAR, category VARCHAR, region VARCHAR,"
              + " seller_id VARCHAR, updated_at TIMESTAMPTZ)");
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO place VALUES (?, ?, ?, ?, ?, to_timestamp(?))")) {
        for (PlaceMaster.Place p : PlaceMaster.places(places, 50, 7L)) {
          insert.setString(1, p.placeId());
          insert.setString(2, p.name());
          insert.setString(3, p.category());
          insert.setString(4, p.region());
          insert.setString(5, p.sellerId());
          insert.setLong(6, p.updatedAt().getEpochSecond());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      s.execute(
          "COPY place TO '"
              + folder.resolve("part-00000.parquet").toString().replace("'", "''")
              + "' (FORMAT parquet)");
    }
  }

  static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
