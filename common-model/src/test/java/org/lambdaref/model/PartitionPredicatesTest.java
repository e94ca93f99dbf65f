package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionPredicatesTest {

  @Test
  void eachPredicateNamesThePartitionsAndQuotesTheirValues() {
    assertThat(PartitionPredicates.day("20261101")).isEqualTo("p_ymd = '20261101'");
    assertThat(PartitionPredicates.hour("20261101", "07"))
        .isEqualTo("p_ymd = '20261101' AND p_hh = '07'");
    assertThat(PartitionPredicates.days(List.of("20261101", "20261103")))
        .isEqualTo("p_ymd IN ('20261101', '20261103')");
    assertThat(PartitionPredicates.dayRange("20261101", "20261130"))
        .isEqualTo("p_ymd >= '20261101' AND p_ymd <= '20261130'");
    assertThat(PartitionPredicates.hoursFrom(new Partitions.DayHour("20261101", "22")))
        .isEqualTo("(p_ymd > '20261101' OR (p_ymd = '20261101' AND p_hh >= '22'))");
  }

  @Test
  void aRunOwnsItsDayOrAnHourlyRunItsOwnRowsOfTheDay() {
    LocalDate day = LocalDate.of(2026, 11, 1);
    assertThat(PartitionPredicates.ownedRows(Period.ofDay(day))).isEqualTo("p_ymd = '20261101'");
    assertThat(PartitionPredicates.ownedRows(Period.ofHour(day, 5)))
        .isEqualTo("p_ymd = '20261101' AND owner_period = '2026110105'");
    assertThat(Period.ofHour(day, 5).partitionPredicate())
        .isEqualTo("p_ymd = '20261101' AND p_hh = '05'");
  }

  @Test
  void aValueThatIsNotAPartitionValueIsRefusedBeforeItReachesSql() {
    assertThatThrownBy(() -> PartitionPredicates.day("2026-11-01' OR '1'='1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a value of p_ymd");
    assertThatThrownBy(() -> PartitionPredicates.hour("20261101", "7"))
        .hasMessageContaining("'7' is not a value of p_hh");
    assertThatThrownBy(() -> PartitionPredicates.days(List.of()))
        .hasMessageContaining("matches nothing");
  }
}
