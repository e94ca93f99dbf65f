package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PartitionsTest {

  private static final Instant AFTERNOON_UTC = Instant.parse("2019-06-08T15:30:00Z");

  @Test
  void tierPartitionFollowsThePlatformZoneAcrossMidnight() {
    assertThat(Partitions.tierPartition(AFTERNOON_UTC, ZoneId.of("Asia/Seoul")))
        .as("15:30 UTC is 00:30 the next day in Seoul")
        .isEqualTo(new Partitions.DayHour("20190609", "00"));
    assertThat(Partitions.tierPartition(AFTERNOON_UTC, ZoneOffset.UTC))
        .isEqualTo(new Partitions.DayHour("20190608", "15"));
  }

  @Test
  void rawArrivalPartitionsAreAlwaysUtcHours() {
    assertThat(Partitions.rawArrivalPartition(AFTERNOON_UTC).path())
        .isEqualTo("p_ymd=20190608/p_hh=15");
  }

  @Test
  void dayBoundaryIsExclusiveAtMidnight() {
    ZoneId seoul = ZoneId.of("Asia/Seoul");
    assertThat(Partitions.tierPartition(Instant.parse("2019-06-08T14:59:59.999Z"), seoul).ymd())
        .isEqualTo("20190608");
    assertThat(Partitions.tierPartition(Instant.parse("2019-06-08T15:00:00Z"), seoul).ymd())
        .isEqualTo("20190609");
  }
}
