package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorageLayoutTest {

  @Test
  void oneRootPlacesTheThreeAreasUnderIt() {
    StorageLayout layout = StorageLayout.underRoot("s3a://lake/");

    assertThat(layout.datasource()).isEqualTo("s3a://lake/datasource");
    assertThat(layout.datastaging()).isEqualTo("s3a://lake/datastaging");
    assertThat(layout.datastore()).isEqualTo("s3a://lake/datastore");
    assertThat(layout.rawSourceLocation("place_event"))
        .isEqualTo("s3a://lake/datasource/place_event");
  }

  @Test
  void tiersLiveInTheirAreas() {
    StorageLayout layout = new StorageLayout("file:/raw", "file:/staging", "file:/store");

    assertThat(layout.tableLocation(PlatformTables.PLACE_EVENT.name()))
        .isEqualTo("file:/staging/t1_log/place_event_timeseries_hourly");
    assertThat(layout.tableLocation(PlatformTables.PLACE_EVENT_ENRICHED.name()))
        .startsWith("file:/staging/t2/");
    assertThat(layout.tableLocation(PlatformTables.PLACE_IMPRESSION_30D.name()))
        .isEqualTo("file:/store/t3/place_impression_aggr_30d_daily");
    assertThat(layout.tableLocation(PlatformTables.BATCH_LEDGER.name()))
        .startsWith("file:/store/ops/");
    assertThat(layout.tableLocation(PlatformTables.HOT_PLACE_EVENT.name()))
        .startsWith("file:/staging/hot/");
  }
}
