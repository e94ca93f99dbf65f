package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.Action;
import org.lambdaref.serving.ServingQueries.Granularity;
import org.lambdaref.serving.ServingRequests.ActionQuery;

class ServingRequestsTest {

  private final ServingRequests requests =
      new ServingRequests(ZoneId.of("Asia/Seoul"), Duration.ofDays(31));

  private static void refused(Runnable call, String parameter, String allowedFragment) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            BadRequest.class,
            e -> {
              assertThat(e.parameter()).as("the parameter named in the 400").isEqualTo(parameter);
              assertThat(e.allowed()).as("what is allowed").contains(allowedFragment);
            });
  }

  @Test
  void datesLocalTimesAndInstantsAreReadInThePlatformZone() {
    ActionQuery q = requests.actionQuery("p-1", "click", "2026-11-20", "2026-11-20T13:00", null);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-11-19T15:00:00Z"));
    assertThat(q.to()).isEqualTo(Instant.parse("2026-11-20T04:00:00Z"));
    assertThat(q.granularity()).isEqualTo(Granularity.HOUR);
    assertThat(q.action()).isEqualTo(Action.CLICK);
    ActionQuery utc =
        requests.actionQuery(
            "p-1", "impression", "2026-11-20T04:00:00Z", "2026-11-21T04:00:00+09:00", "hour");
    assertThat(utc.to()).isEqualTo(Instant.parse("2026-11-20T19:00:00Z"));
  }

  @Test
  void everyBadParameterIsRefusedByName() {
    refused(
        () -> requests.actionQuery("p 1", "click", "2026-11-20", "2026-11-21", null),
        "placeId",
        "printable");
    refused(
        () -> requests.actionQuery("p-1", "view", "2026-11-20", "2026-11-21", null),
        "action",
        "impression");
    refused(
        () -> requests.actionQuery("p-1", "click", "yesterday", "2026-11-21", null),
        "from",
        "2026-11-20");
    refused(
        () -> requests.actionQuery("p-1", "click", null, "2026-11-21", null), "from", "2026-11-20");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-11-20", "2026-13-01", null),
        "to",
        "2026-11-20");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-11-21", "2026-11-20", null),
        "to",
        "after from");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-11-20", "2026-11-20", null),
        "to",
        "after from");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-10-01", "2026-11-20", null),
        "to",
        "31 days");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-11-20T10:30", "2026-11-21", null),
        "from",
        "start of an hour");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-11-20T10:00", "2026-11-21", "day"),
        "from",
        "start of a day");
    refused(
        () -> requests.actionQuery("p-1", "click", "2026-11-20", "2026-11-21", "week"),
        "granularity",
        "day");
    refused(
        () -> requests.dailyQuery("p-1", "2026-11-20T00:00", "2026-11-21"), "from", "2026-11-20");
    refused(() -> requests.dailyQuery("p-1", "2026-11-21", "2026-11-20"), "to", "after from");
  }
}
