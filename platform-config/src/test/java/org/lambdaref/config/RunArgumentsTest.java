package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformException;

class RunArgumentsTest {

  @Test
  void applicationNameFollowsTheNotes() {
    RunArguments args = RunArguments.parse("2019-05-08", "30", null, "prod");

    assertThat(args.applicationName("PlaceImpression"))
        .isEqualTo("PlaceImpression_30Range_20190508_PROD");
    assertThat(
            RunArguments.parse("2019-06-08", null, null, "local-s3")
                .applicationName("PlaceImpression"))
        .isEqualTo("PlaceImpression_1Range_20190608_LOCAL_S3");
  }

  @Test
  void iterationCountCoversConsecutiveDaysAcrossMonthEnds() {
    RunArguments args = RunArguments.parse("2019-05-08", "30", "2", "local");

    assertThat(args.days())
        .hasSize(30)
        .startsWith(LocalDate.of(2019, 5, 8))
        .endsWith(LocalDate.of(2019, 6, 6));
    assertThat(args.endDateInclusive()).isEqualTo(LocalDate.of(2019, 6, 6));
    assertThat(args.parallelism()).isEqualTo(2);
  }

  @Test
  void badArgumentsSayWhatIsAllowed() {
    assertThatThrownBy(() -> RunArguments.parse(null, "1", "1", "local"))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("Missing --start-date (YYYY-MM-DD, or YYYY-MM-DDTHH")
        .hasMessageContaining("START_DATE");
    assertThatThrownBy(() -> RunArguments.parse("2019-5-8", "1", "1", "local"))
        .hasMessageContaining("YYYY-MM-DD");
    assertThatThrownBy(() -> RunArguments.parse("2019-05-08", "0", "1", "local"))
        .hasMessageContaining("--iteration-count")
        .hasMessageContaining("1 to 3660");
    assertThatThrownBy(() -> RunArguments.parse("2019-05-08", "ten", "1", "local"))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> RunArguments.parse("2019-05-08", "1", "65", "local"))
        .hasMessageContaining("--parallelism");
  }

  @Test
  void anHourStartCountsHoursAndADayStartOfAnHourlySourceCountsWholeDays() {
    RunArguments hours = RunArguments.parse("2019-06-08T22", "3", null, "prod");
    assertThat(hours.periods(PeriodUnit.HOUR))
        .extracting(Period::id)
        .containsExactly("2019060822", "2019060823", "2019060900");
    assertThat(hours.applicationName("PlaceImpression"))
        .isEqualTo("PlaceImpression_3Range_2019060822_PROD");
    assertThat(RunArguments.parse("2019-06-08T22:00", "1", null, "prod").start())
        .isEqualTo(hours.start());

    RunArguments days = RunArguments.parse("2019-06-08", "2", null, "prod");
    assertThat(days.periods(PeriodUnit.HOUR)).hasSize(48);
    assertThat(days.periods(PeriodUnit.DAY)).hasSize(2);
  }

  @Test
  void anHourStartIsRefusedWhereThePeriodsAreDaysAndMinutesAreRefused() {
    RunArguments hours = RunArguments.parse("2019-06-08T22", "3", null, "prod");
    assertThatThrownBy(() -> hours.periods(PeriodUnit.DAY))
        .hasMessageContaining("--start-date")
        .hasMessageContaining("period = hour");
    assertThatThrownBy(hours::days).hasMessageContaining("whole days");
    assertThatThrownBy(() -> RunArguments.parse("2019-06-08T22:30", "1", null, "prod"))
        .hasMessageContaining("2019-06-08T22:30")
        .hasMessageContaining("YYYY-MM-DDTHH");
  }
}
