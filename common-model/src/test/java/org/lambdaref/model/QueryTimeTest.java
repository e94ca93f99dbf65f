package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The times people give queries and commands (serving API, bin/lambda counters). */
class QueryTimeTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

  @Test
  void queryTimesAreDatesLocalTimesInTheZoneOrInstantsWithAnOffset() {
    assertThat(Timestamps.parseQueryTime("2026-11-20", SEOUL))
        .contains(Instant.parse("2026-11-19T15:00:00Z"));
    assertThat(Timestamps.parseQueryTime("2026-11-20T13:00", SEOUL))
        .contains(Instant.parse("2026-11-20T04:00:00Z"));
    assertThat(Timestamps.parseQueryTime("2026-11-20T13:00+09:00", SEOUL))
        .contains(Instant.parse("2026-11-20T04:00:00Z"));
    assertThat(Timestamps.parseQueryTime("2026-11-20T04:00:00Z", SEOUL))
        .contains(Instant.parse("2026-11-20T04:00:00Z"));
    assertThat(Timestamps.parseQueryTime("yesterday", SEOUL)).isEmpty();
    assertThat(Timestamps.parseQueryTime(null, SEOUL)).isEmpty();
  }
}
