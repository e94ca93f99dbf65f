package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PeriodTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @Test
  void idsAreThoseOfTheLedgerAndThePartitionsAndParseBack() {
    assertThat(Period.ofDay(DAY).id()).isEqualTo("20190608");
    assertThat(Period.ofHour(DAY, 7).id()).isEqualTo("2019060807");
    assertThat(Period.parseId("2019060807")).isEqualTo(Period.ofHour(DAY, 7));
    assertThat(Period.parseId("20190608")).isEqualTo(Period.ofDay(DAY));
    assertThat(Period.ofHour(DAY, 7).partitionPredicate())
        .isEqualTo("p_ymd = '20190608' AND p_hh = '07'");
    assertThatThrownBy(() -> Period.parseId("2019060824")).hasMessageContaining("2019060824");
    assertThatThrownBy(() -> Period.ofHour(DAY, 24)).hasMessageContaining("hour 24");
  }

  @Test
  void hoursRollOverMidnightAndADaySplitsIntoItsTwentyFourHours() {
    assertThat(Period.ofHour(DAY, 23).plus(1)).isEqualTo(Period.ofHour(DAY.plusDays(1), 0));
    assertThat(Period.ofDay(DAY).split(PeriodUnit.HOUR))
        .hasSize(24)
        .startsWith(Period.ofHour(DAY, 0))
        .endsWith(Period.ofHour(DAY, 23));
    assertThat(Period.ofHour(DAY, 23).endsDay()).isTrue();
    assertThat(Period.ofHour(DAY, 22).endsDay()).isFalse();
    assertThat(Period.ofHour(DAY, 23))
        .as("a day sorts after its hours")
        .isLessThan(Period.ofDay(DAY));
  }

  @Test
  void everyInstantBelongsToExactlyOneHourAcrossBothClockChanges() {
    // 2019-03-10: New York skips 02:00-03:00; 2019-11-03: 01:00-02:00 happens twice
    Period skipped = Period.ofHour(LocalDate.of(2019, 3, 10), 2);
    Period doubled = Period.ofHour(LocalDate.of(2019, 11, 3), 1);

    assertThat(Duration.between(skipped.start(NEW_YORK), skipped.end(NEW_YORK))).isZero();
    assertThat(Duration.between(doubled.start(NEW_YORK), doubled.end(NEW_YORK)))
        .isEqualTo(Duration.ofHours(2));
    for (Instant t = Instant.parse("2019-11-03T04:00:00Z");
        t.isBefore(Instant.parse("2019-11-03T08:00:00Z"));
        t = t.plus(Duration.ofMinutes(10))) {
      Period p = Period.containing(t, NEW_YORK, PeriodUnit.HOUR);
      assertThat(!t.isBefore(p.start(NEW_YORK)) && t.isBefore(p.end(NEW_YORK)))
          .as("%s lies in its own period %s", t, p)
          .isTrue();
    }
  }
}
