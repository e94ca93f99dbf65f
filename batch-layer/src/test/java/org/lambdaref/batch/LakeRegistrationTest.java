package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

class LakeRegistrationTest {

  @TempDir Path root;

  @Test
  void aTableIsRegisteredInTheCatalogAtItsFirstWriteWhenConfigured() {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root", root.toString(), "platform.spark.register-tables", "true"),
            Map.of(),
            root);
    SparkSession spark = SparkSessions.getOrCreate(config, "LakeRegistrationTest");
    Lake lake = new Lake(spark, config);
    spark.sql("DROP TABLE IF EXISTS t3.seller_place_aggr_1d_daily");
    lake.replaceDay(
        SparkSchemas.frame(
            spark,
            PlatformTables.SELLER_PLACE_1D,
            List.of(Map.of("seller_id", "s-1", "places", 3L, Partitions.DAY_COLUMN, "20261101"))),
        PlatformTables.SELLER_PLACE_1D,
        "20261101");

    assertThat(spark.catalog().tableExists("t3.seller_place_aggr_1d_daily")).isTrue();
    assertThat(spark.sql("select places from t3.seller_place_aggr_1d_daily").first().getLong(0))
        .isEqualTo(3);
    spark.sql(
        "DROP TABLE t3.seller_place_aggr_1d_daily"); // the catalog is shared by the JVM's other
    // tests
  }
}
