package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Action;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.Rejection;
import org.lambdaref.model.TimeBasis;
import org.lambdaref.model.ValidationResult;

class OwnershipTest {

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

  private static SourceConfig source(TimeBasis basis, ZoneId zone) {
    return new SourceConfig(
        "place_event", basis, zone, Duration.ofHours(6), Duration.ofMinutes(10), 1 << 20);
  }

  private static ValidationResult event(String eventTime, String processingTime) {
    return new ValidationResult.Valid(
        new PlaceEvent(
            "e",
            Instant.parse(eventTime),
            Instant.parse(processingTime),
            null,
            null,
            null,
            "place_event",
            "p",
            "u",
            Action.CLICK));
  }

  private static Instant hourOf(String t) {
    return Instant.parse(t).truncatedTo(ChronoUnit.HOURS);
  }

  @Test
  void theDayFollowsThePlatformZone() {
    ValidationResult e = event("2019-06-08T15:30:00Z", "2019-06-08T15:30:30Z");
    Instant hour = hourOf("2019-06-08T15:30:30Z");

    assertThat(new Ownership(SEOUL, source(TimeBasis.EVENT, SEOUL)).decide(e, hour).ownerDay())
        .isEqualTo(LocalDate.of(2019, 6, 9));
    assertThat(new Ownership(UTC, source(TimeBasis.EVENT, UTC)).decide(e, hour).ownerDay())
        .isEqualTo(LocalDate.of(2019, 6, 8));
  }

  @Test
  void anArrivalExactlyAtTheCloseIsLateAndOneMillisecondBeforeIsNot() {
    Ownership ownership = new Ownership(UTC, source(TimeBasis.EVENT, UTC));
    ValidationResult justInTime = event("2019-06-08T23:00:00Z", "2019-06-09T05:59:59.999Z");
    ValidationResult atClose = event("2019-06-08T23:00:00Z", "2019-06-09T06:00:00Z");

    Ownership.Decision inTime = ownership.decide(justInTime, hourOf("2019-06-09T05:59:59.999Z"));
    Ownership.Decision late = ownership.decide(atClose, hourOf("2019-06-09T06:00:00Z"));

    assertThat(inTime.status()).isEqualTo(Ownership.Status.ON_TIME);
    assertThat(inTime.ownerDay()).isEqualTo(LocalDate.of(2019, 6, 8));
    assertThat(late.status()).isEqualTo(Ownership.Status.LATE);
    assertThat(late.ownerDay())
        .as("late lines belong to their arrival day's run")
        .isEqualTo(LocalDate.of(2019, 6, 9));
  }

  @Test
  void processingTimeSourcesTakeTheArrivalDayAndAreNeverLate() {
    Ownership ownership = new Ownership(UTC, source(TimeBasis.PROCESSING, UTC));
    ValidationResult deviceWithOldClock = event("2019-06-01T10:00:00Z", "2019-06-09T08:00:00Z");

    Ownership.Decision decision =
        ownership.decide(deviceWithOldClock, hourOf("2019-06-09T08:00:00Z"));

    assertThat(decision.status()).isEqualTo(Ownership.Status.ON_TIME);
    assertThat(decision.ownerDay()).isEqualTo(LocalDate.of(2019, 6, 9));
  }

  @Test
  void rejectedLinesBelongToTheirArrivalHoursDay() {
    Ownership ownership = new Ownership(SEOUL, source(TimeBasis.EVENT, SEOUL));
    ValidationResult broken = new ValidationResult.Rejected(Rejection.malformedJson("x"));

    assertThat(ownership.decide(broken, Instant.parse("2019-06-08T15:00:00Z")).ownerDay())
        .as("15:00 UTC is 00:00 in Seoul")
        .isEqualTo(LocalDate.of(2019, 6, 9));
  }

  @Test
  void aRecordWhoseArrivalPartitionItsOwnerNeverReadsIsRejected() {
    Ownership ownership = new Ownership(UTC, source(TimeBasis.EVENT, UTC));
    ValidationResult e = event("2019-06-08T10:00:00Z", "2019-06-08T10:00:05Z");

    Ownership.Decision decision = ownership.decide(e, Instant.parse("2019-06-12T03:00:00Z"));

    assertThat(decision.status()).isEqualTo(Ownership.Status.REJECTED);
    assertThat(decision.rejection().reason()).isEqualTo("arrival_mismatch");
    assertThat(decision.ownerDay()).isEqualTo(LocalDate.of(2019, 6, 12));
  }

  @Test
  void theWindowReadsFromTheSkewBeforeMidnightToTheClose() {
    IngestWindow window =
        IngestWindow.of(LocalDate.of(2019, 6, 8), UTC, source(TimeBasis.EVENT, UTC));

    assertThat(window.arrivalHours()).hasSize(1 + 24 + 6);
    assertThat(window.arrivalHours().get(0).path()).isEqualTo("p_ymd=20190607/p_hh=23");
    assertThat(window.arrivalHours().get(30).path()).isEqualTo("p_ymd=20190609/p_hh=05");

    IngestWindow seoul =
        IngestWindow.of(LocalDate.of(2019, 6, 9), SEOUL, source(TimeBasis.EVENT, SEOUL));
    assertThat(seoul.arrivalHours().get(0).path())
        .as("Seoul midnight is 15:00 UTC")
        .isEqualTo("p_ymd=20190608/p_hh=14");
  }

  private static Ownership hourly(TimeBasis basis, ZoneId zone, Duration lateness) {
    return new Ownership(
        zone,
        new SourceConfig(
            "place_event",
            basis,
            zone,
            lateness,
            Duration.ofMinutes(10),
            1 << 20,
            PeriodUnit.HOUR));
  }

  @Test
  void anHourlySourceClosesEachHourAtItsEndPlusTheLatenessExactlyAtTheCutoff() {
    Ownership ownership = hourly(TimeBasis.EVENT, SEOUL, Duration.ofHours(1));
    // 15:59 in Seoul is 06:59 UTC; the hour closes at 16:00 + 1 h = 08:00 UTC
    ValidationResult justInTime = event("2019-06-08T06:59:00Z", "2019-06-08T07:59:59.999Z");
    ValidationResult atCutoff = event("2019-06-08T06:59:00Z", "2019-06-08T08:00:00Z");

    Ownership.Decision inTime = ownership.decide(justInTime, hourOf("2019-06-08T07:59:59.999Z"));
    Ownership.Decision late = ownership.decide(atCutoff, hourOf("2019-06-08T08:00:00Z"));

    assertThat(inTime.status()).isEqualTo(Ownership.Status.ON_TIME);
    assertThat(inTime.owner().id()).as("owned by its event hour").isEqualTo("2019060815");
    assertThat(late.status()).isEqualTo(Ownership.Status.LATE);
    assertThat(late.owner().id())
        .as("a late line belongs to its arrival hour's run")
        .isEqualTo("2019060817");
  }

  @Test
  void anHourlyRunOwnsTheRejectedLinesOfTheLocalHourTheirArrivalHourStartsIn() {
    ValidationResult broken = new ValidationResult.Rejected(Rejection.malformedJson("x"));
    Ownership seoul = hourly(TimeBasis.EVENT, SEOUL, Duration.ofHours(6));
    // India is 5:30 ahead: the UTC arrival hour 10:00 starts at 15:30 local, in the local hour 15
    Ownership india = hourly(TimeBasis.EVENT, ZoneId.of("Asia/Kolkata"), Duration.ofHours(6));

    assertThat(seoul.decide(broken, Instant.parse("2019-06-08T15:00:00Z")).owner().id())
        .isEqualTo("2019060900");
    assertThat(india.decide(broken, Instant.parse("2019-06-08T10:00:00Z")).owner().id())
        .isEqualTo("2019060815");
  }

  @Test
  void anHourlyProcessingTimeSourceTakesTheArrivalHour() {
    Ownership ownership = hourly(TimeBasis.PROCESSING, UTC, Duration.ofHours(1));
    ValidationResult deviceWithOldClock = event("2019-06-01T10:00:00Z", "2019-06-09T08:30:00Z");

    Ownership.Decision decision =
        ownership.decide(deviceWithOldClock, hourOf("2019-06-09T08:30:00Z"));

    assertThat(decision.status()).isEqualTo(Ownership.Status.ON_TIME);
    assertThat(decision.owner().id()).isEqualTo("2019060908");
  }

  @Test
  void anHourlyWindowReadsTheArrivalHoursFromTheSkewBeforeItToItsClose() {
    IngestWindow window =
        IngestWindow.of(
            Period.ofHour(LocalDate.of(2019, 6, 8), 15),
            SEOUL,
            new SourceConfig(
                "place_event",
                TimeBasis.EVENT,
                SEOUL,
                Duration.ofHours(2),
                Duration.ofMinutes(10),
                1 << 20,
                PeriodUnit.HOUR));

    // 15:00-16:00 Seoul is 06:00-07:00 UTC; from 05:50 (skew) to the close at 09:00 UTC
    assertThat(window.arrivalHours())
        .extracting(Partitions.DayHour::path)
        .containsExactly(
            "p_ymd=20190608/p_hh=05",
            "p_ymd=20190608/p_hh=06",
            "p_ymd=20190608/p_hh=07",
            "p_ymd=20190608/p_hh=08");
    assertThat(window.close()).isEqualTo(Instant.parse("2019-06-08T09:00:00Z"));
  }
}
