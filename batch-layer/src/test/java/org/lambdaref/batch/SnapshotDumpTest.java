package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.lambdaref.model.generator.PlaceMaster;

/** The place snapshot from the day's dump files in the raw area instead of JDBC. */
class SnapshotDumpTest {

  private static final LocalDate D1 = LocalDate.of(2019, 6, 8);
  private static final LocalDate D2 = D1.plusDays(1);

  @TempDir Path root;

  @Test
  void eachDayIsReadFromItsOwnDumpAndANewColumnRaisesASchemaAlert() {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of("platform.storage.root", root.toString(), "platform.source-db.mode", "dump"),
            Map.of(),
            root);
    SparkSession spark = SparkSessions.getOrCreate(config, "SnapshotDumpTest");
    Lake lake = new Lake(spark, config);
    String dumps = config.storage().rawSourceLocation(config.sourceDb().dumpSource());
    StructType v1 = SparkSchemas.withColumns(new StructType(), PlaceMaster.COLUMNS);
    Timestamp now = Timestamp.from(Instant.parse("2019-06-08T00:00:00Z"));
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("p-1", "Cafe", "food", "seoul", "s-1", now),
                RowFactory.create("p-2", "Bar", "food", "busan", "s-1", now)),
            v1)
        .write()
        .parquet(dumps + "/p_ymd=" + Partitions.day(D1));
    StructType v2 = v1.add("rating", DataTypes.IntegerType);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("p-1", "Cafe", "food", "seoul", "s-1", now, 4),
                RowFactory.create("p-2", "Bar", "food", "busan", "s-1", now, 5),
                RowFactory.create("p-3", "Gym", "sport", "seoul", "s-2", now, 3)),
            v2)
        .write()
        .parquet(dumps + "/p_ymd=" + Partitions.day(D2));

    SnapshotJob job = new SnapshotJob(lake);
    assertThat(job.run(D1).rowsWritten()).isEqualTo(2);
    assertThat(job.run(D2).rowsWritten()).isEqualTo(3);

    assertThat(lake.day(PlatformTables.PLACE_SNAPSHOT, Partitions.day(D1)).count()).isEqualTo(2);
    List<Row> alerts = lake.read(PlatformTables.SCHEMA_CHANGE_ALERTS).collectAsList();
    assertThat(alerts).hasSize(1);
    assertThat((String) alerts.get(0).getAs("change")).isEqualTo("added");
    assertThat((String) alerts.get(0).getAs("column_name")).isEqualTo("rating");
    assertThat((String) alerts.get(0).getAs("period")).isEqualTo(Partitions.day(D2));
    // the alerts table and the snapshot (the dump's columns plus the declared ones) as declared
    for (TableSpec table :
        List.of(PlatformTables.SCHEMA_CHANGE_ALERTS, PlatformTables.PLACE_SNAPSHOT)) {
      assertThat(SparkSchemas.mismatches(spark, lake.location(table), table))
          .as(table.name().qualified())
          .isEmpty();
    }
  }

  @Test
  void aMissingDumpFailsThePeriodSayingWhereItWasLookedFor() {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of("platform.storage.root", root.toString(), "platform.source-db.mode", "dump"),
            Map.of(),
            root);
    Lake lake = new Lake(SparkSessions.getOrCreate(config, "SnapshotDumpTest"), config);

    assertThatThrownBy(() -> new SnapshotJob(lake).run(D1))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("No dump of the place master for 20190608")
        .hasMessageContaining("place_master/p_ymd=20190608");
    assertThat(
            lake.read(PlatformTables.BATCH_LEDGER)
                .filter("job = 'snapshot_place' and status = 'failed'")
                .count())
        .as("the failure is in the ledger with its cause")
        .isEqualTo(1);
  }
}
