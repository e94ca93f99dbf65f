package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "t1_log.place_event_timeseries_hourly",
        "t1_log.place_event_quarantine_timeseries_daily",
        "t1_db.place_snapshot_daily",
        "t1_db.place_order_snapshot_daily",
        "t1_meta.place_search_snapshot_hourly",
        "t2.place_event_enriched_timeseries_hourly",
        "t2_customer.customer_profile_snapshot_daily",
        "t3.place_action_aggr_1h_hourly",
        "t3.place_impression_aggr_30d_daily",
        "t3.place_comparative_client_aggr_1d_daily",
        "hot.place_event_timeseries_hourly",
        "ops.batch_ledger",
        "serving.place_action_merged_hourly",
      })
  void acceptsNamesThatFollowTheRule(String qualified) {
    assertThat(TableName.parse(qualified).qualified()).isEqualTo(qualified);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "place_event_timeseries_hourly", // no database
        "t4.place_event_timeseries_hourly", // unknown database
        "t1_log.place_event_timeseries", // no period
        "t1_log.place_event_weekly", // no kind, bad period
        "t1_log.place_event_hourly", // no kind
        "t3.place_impression_30d_daily", // range without aggr
        "t1_log.place_timeseries_1d_hourly", // range on a time series
        "t1_log.timeseries_hourly", // no domain
        "t1_log.Place_event_timeseries_hourly", // upper case
        "t1_log.place__event_timeseries_hourly", // empty word
        "t1_log.place-event_timeseries_hourly", // hyphen
        "t1_log.2place_event_timeseries_hourly", // starts with a digit
        "t1_log.a.b_timeseries_daily",
        "ops.Batch-Ledger",
      })
  void refusesNamesThatBreakTheRuleAndShowsTheRule(String qualified) {
    assertThatThrownBy(() -> TableName.parse(qualified))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining(
            qualified.contains(".") ? qualified.substring(qualified.indexOf('.') + 1) : qualified)
        .hasMessageContaining(TableName.RULE)
        .hasMessageContaining("fix:");
  }

  @Test
  void periodComesFromTheName() {
    assertThat(TableName.parse("t3.place_action_aggr_1h_hourly").period()).contains("hourly");
    assertThat(TableName.parse("t1_db.place_snapshot_daily").period()).contains("daily");
    assertThat(TableName.parse("ops.batch_ledger").period()).isEmpty();
  }

  @Test
  void everyPlatformTableFollowsTheRule() {
    assertThat(PlatformTables.ALL)
        .as("PlatformTables builds every name through TableName.parse")
        .allSatisfy(
            spec -> assertThat(TableName.parse(spec.name().qualified())).isEqualTo(spec.name()));
  }
}
