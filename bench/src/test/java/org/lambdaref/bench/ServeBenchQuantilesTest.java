package org.lambdaref.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeBenchQuantilesTest {

  private static String scrape(long upTo5ms, long upTo10ms, long upTo25ms, long all) {
    String b = "lambda_serving_request_duration_seconds_bucket{route=\"/v1/places\",le=\"";
    return "# HELP lambda_serving_request_duration_seconds time\n"
        + b
        + "0.005\"} "
        + upTo5ms
        + "\n"
        + b
        + "0.01\"} "
        + upTo10ms
        + "\n"
        + b
        + "0.025\"} "
        + upTo25ms
        + "\n"
        + b
        + "+Inf\"} "
        + all
        + "\n"
        + "lambda_serving_request_duration_seconds_count{route=\"/v1/places\"} "
        + all
        + "\n";
  }

  @Test
  void quantilesCoverOnlyTheRequestsBetweenTheTwoScrapes() {
    // before: 100 warm-up requests, all slow (> 25 ms); after: 1,000 more, 900 under 5 ms, 99 under
    // 10 ms, 1 under 25 ms
    String before = scrape(0, 0, 0, 100);
    String after = scrape(900, 999, 1000, 1100);
    Map<String, Double> q = ServeBenchCommand.serverQuantiles(before, after, 0.5, 0.99, 0.999);
    assertThat(q.get("0.5")).as("the warm-up's slow requests are not counted").isEqualTo(5.0);
    assertThat(q.get("0.99")).isEqualTo(10.0);
    assertThat(q.get("0.999")).isEqualTo(10.0);
    assertThat(ServeBenchCommand.serverQuantiles(after, after, 0.5).get("0.5"))
        .as("no requests: no quantile")
        .isEqualTo(-1.0);
  }
}
