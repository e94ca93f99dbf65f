package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
import org.lambdaref.config.SparkSessions;

/**
 * A source column whose type changed is cast back to the table's type; a value that does not
 * convert becomes null whether ANSI mode is on (Spark 4's default) or off (Spark 3.5's).
 */
class SnapshotRetypeTest {

  @TempDir Path root;

  @Test
  void aRetypedColumnIsCastBackAndAValueThatDoesNotConvertBecomesNullInAnsiModeToo() {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "SnapshotRetypeTest");
    StructType now =
        new StructType().add("place_id", DataTypes.StringType).add("rating", DataTypes.StringType);
    StructType previous =
        new StructType().add("place_id", DataTypes.StringType).add("rating", DataTypes.IntegerType);
    List<SnapshotJob.SchemaChange> changes =
        List.of(new SnapshotJob.SchemaChange("type_changed", "rating", "int", "string"));
    String ansiBefore = spark.conf().get("spark.sql.ansi.enabled");
    try {
      for (String ansi : List.of("true", "false")) {
        spark.conf().set("spark.sql.ansi.enabled", ansi);
        List<Row> out =
            SnapshotJob.castRetypedColumns(
                    spark.createDataFrame(
                        List.of(RowFactory.create("p1", "12"), RowFactory.create("p2", "five")),
                        now),
                    previous,
                    changes)
                .orderBy("place_id")
                .collectAsList();
        assertThat(out).as("ansi %s", ansi).hasSize(2);
        assertThat(out.get(0).schema().apply("rating").dataType()).isEqualTo(DataTypes.IntegerType);
        assertThat(out.get(0).<Integer>getAs("rating")).isEqualTo(12);
        assertThat(out.get(1).<Object>getAs("rating")).as("ansi %s", ansi).isNull();
      }
    } finally {
      spark.conf().set("spark.sql.ansi.enabled", ansiBefore);
    }
  }
}
