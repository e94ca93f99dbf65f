package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.Action;
import org.lambdaref.model.Column;
import org.lambdaref.model.Columns;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.PlatformTables;

/** The declaration's Spark schema and the check of a stored table against it, without a session. */
class SparkSchemasTest {

  private static final StructType HOURLY_AS_WRITTEN =
      new StructType()
          .add("place_id", DataTypes.StringType)
          .add("action", DataTypes.StringType)
          .add("p_ymd", DataTypes.StringType)
          .add("p_hh", DataTypes.StringType)
          .add("hour_start", DataTypes.TimestampType)
          .add("events", DataTypes.LongType);

  @Test
  void theDeclarationsSparkSchemaIsTheTableAsTheBatchWroteIt() {
    assertThat(SparkSchemas.of(PlatformTables.PLACE_ACTION_1H)).isEqualTo(HOURLY_AS_WRITTEN);
    assertThat(
            SparkSchemas.mismatches(
                HOURLY_AS_WRITTEN, List.of("p_ymd", "p_hh"), PlatformTables.PLACE_ACTION_1H))
        .isEmpty();
  }

  @Test
  void aRenamedRetypedOrReorderedColumnAndOtherPartitionsAreMismatches() {
    StructType renamed =
        new StructType()
            .add("place_id", DataTypes.StringType)
            .add("action", DataTypes.StringType)
            .add("p_ymd", DataTypes.StringType)
            .add("p_hh", DataTypes.StringType)
            .add("hour_start", DataTypes.TimestampType)
            .add("event_count", DataTypes.LongType);
    assertThat(
            SparkSchemas.mismatches(
                renamed, List.of("p_ymd", "p_hh"), PlatformTables.PLACE_ACTION_1H))
        .singleElement()
        .asString()
        .contains("event_count BIGINT")
        .contains("events BIGINT");
    StructType retyped =
        new StructType()
            .add("place_id", DataTypes.StringType)
            .add("action", DataTypes.StringType)
            .add("p_ymd", DataTypes.StringType)
            .add("p_hh", DataTypes.StringType)
            .add("hour_start", DataTypes.TimestampType)
            .add("events", DataTypes.IntegerType);
    assertThat(
            SparkSchemas.mismatches(
                retyped, List.of("p_ymd", "p_hh"), PlatformTables.PLACE_ACTION_1H))
        .hasSize(1);
    assertThat(
            SparkSchemas.mismatches(
                HOURLY_AS_WRITTEN, List.of("p_ymd"), PlatformTables.PLACE_ACTION_1H))
        .containsExactly("partitioned by [p_ymd], declared [p_ymd, p_hh]");
  }

  @Test
  void aSnapshotMayCarryItsSourcesColumnsButNotLackTheDeclaredOnes() {
    StructType dump =
        new StructType()
            .add("place_id", DataTypes.StringType)
            .add("rating", DataTypes.IntegerType)
            .add("p_ymd", DataTypes.StringType);
    assertThat(SparkSchemas.mismatches(dump, List.of("p_ymd"), PlatformTables.PLACE_SNAPSHOT))
        .isEmpty();
    StructType noId =
        new StructType().add("name", DataTypes.StringType).add("p_ymd", DataTypes.StringType);
    assertThat(SparkSchemas.mismatches(noId, List.of("p_ymd"), PlatformTables.PLACE_SNAPSHOT))
        .containsExactly("no column place_id string");
  }

  @Test
  void anEventsValuesStandInTheOrderOfTheEnvelopesDeclaration() {
    Instant t = Instant.parse("2026-11-01T01:02:03Z");
    Instant p = Instant.parse("2026-11-01T01:02:04Z");
    PlaceEvent e =
        new PlaceEvent("e1", t, p, "KR", "food", "cafe", "place", "p-1", "u-1", Action.CLICK);
    Object[] values = SparkSchemas.eventValues(e);
    assertThat(Columns.EVENT)
        .extracting(Column::name)
        .containsExactly(
            "event_id",
            "event_time",
            "processing_time",
            "country",
            "category",
            "sub_category",
            "table_name",
            "place_id",
            "user_id",
            "action");
    assertThat(values)
        .containsExactly(
            "e1",
            Timestamp.from(t),
            Timestamp.from(p),
            "KR",
            "food",
            "cafe",
            "place",
            "p-1",
            "u-1",
            "click");
    assertThat(SparkSchemas.noEvent()).hasSize(10).containsOnlyNulls();
    assertThat(
            SparkSchemas.row(new Object[] {"a"}, SparkSchemas.noEvent(), new Object[] {"z"}).size())
        .isEqualTo(12);
  }
}
