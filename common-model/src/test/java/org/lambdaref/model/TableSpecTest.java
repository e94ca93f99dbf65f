package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableSpecTest {

  @Test
  void aColumnTheDeclarationLacksFailsNamingTheTableTheClosestColumnAndHowToFix() {
    assertThatThrownBy(() -> PlatformTables.PLACE_ACTION_1H.column("event"))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("t3.place_action_aggr_1h_hourly declares no column 'event'")
        .hasMessageContaining("close to it: events")
        .hasMessageContaining("declare the new column in PlatformTables");
    assertThatThrownBy(() -> PlatformTables.BATCH_LEDGER.names("job", "periods"))
        .hasMessageContaining("declares no column 'periods'");
  }

  @Test
  void namesAreTheDeclaredOnesInTheOrderAskedFor() {
    assertThat(PlatformTables.BATCH_LEDGER.names("status", "job")).containsExactly("status", "job");
  }

  @Test
  void aPartitionColumnMustBeDeclaredAndAColumnDeclaredOnce() {
    TableName name = TableName.parse("t3.place_action_aggr_1h_hourly");
    assertThatThrownBy(
            () -> new TableSpec(name, List.of(Columns.PLACE_ID), List.of("p_ymd"), false, ""))
        .hasMessageContaining("partitioned by 'p_ymd', which is not among its columns [place_id]");
    assertThatThrownBy(
            () ->
                new TableSpec(
                    name, List.of(Columns.PLACE_ID, Columns.PLACE_ID), List.of(), false, ""))
        .hasMessageContaining("declares column 'place_id' twice");
    assertThatThrownBy(() -> Column.string("Place Id"))
        .hasMessageContaining("'Place Id' is not snake_case");
  }

  @Test
  void everyPlatformTableDeclaresItsPartitionsAndDataColumns() {
    // written out by hand from the tables the platform wrote before the declarations existed
    assertThat(PlatformTables.PLACE_ACTION_1H.columnNames())
        .containsExactly("place_id", "action", "p_ymd", "p_hh", "hour_start", "events");
    assertThat(PlatformTables.PLACE_ACTION_1H.dataColumns())
        .extracting(Column::name)
        .containsExactly("place_id", "action", "hour_start", "events");
    assertThat(PlatformTables.HOT_PLACE_EVENT.column("kafka_partition").type())
        .isEqualTo(ColumnType.INT32);
    assertThat(PlatformTables.ALL).allSatisfy(t -> assertThat(t.columns()).isNotEmpty());
    assertThat(PlatformTables.ALL)
        .filteredOn(TableSpec::sourceColumns)
        .containsExactly(PlatformTables.PLACE_SNAPSHOT);
  }
}
