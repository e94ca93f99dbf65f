package org.lambdaref.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class BenchReportingTest {

  @TempDir Path dir;

  @Test
  void mediansIgnoreOneSlowRun() {
    assertThat(Stats.median(List.of(10, 11, 95))).isEqualTo(11.0);
    assertThat(Stats.median(List.of(10, 12))).isEqualTo(11.0);
    assertThat(Stats.ratio(66.2, 14.1)).isEqualTo(4.7);
  }

  @Test
  void checkFilesThatDifferNameThePartAndALineOnlyInOneSide() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    for (String part : BatchCheck.PARTS) {
      BatchCheck.write(a, part, List.of("p-1\t2", "p-0\t1"));
      BatchCheck.write(b, part, List.of("p-0\t1", "p-1\t2"));
    }
    assertThat(BatchCheck.differences(a, b)).as("order does not matter").isEmpty();
    BatchCheck.write(b, "place_action_1h", List.of("p-0\t1", "p-1\t3"));
    assertThat(BatchCheck.differences(a, b))
        .singleElement()
        .asString()
        .startsWith("place_action_1h: 1 line(s) only in")
        .contains("p-1\t2")
        .contains("p-1\t3");
  }

  @Test
  void chartsAreWellFormedSvgWithABarPerValue() throws Exception {
    String svg =
        SvgChart.of("t <&> t", "seconds", List.of("collect", "enrich"))
            .series("Spark", List.of(30.0, 10.0))
            .series("DuckDB", List.of(12.0, 0.9))
            .bars();
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    // one background rect, one per bar, one per legend entry
    assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 4 + 2);
    assertThat(svg).contains("t &lt;&amp;&gt; t");
    assertThatThrownBy(
            () -> SvgChart.of("x", "s", List.of("a", "b")).series("one value", List.of(1.0)))
        .hasMessageContaining("one value");
  }

  @Test
  void theReportReplacesOnlyItsGeneratedBlockAndRefusesADocumentWithoutIt() {
    String doc = "intro\n<!-- generated:batch -->\nold\n<!-- /generated:batch -->\nprose kept\n";
    assertThat(ReportCommand.replaceBlock(doc, "batch", "new table\n"))
        .isEqualTo(
            "intro\n<!-- generated:batch -->\nnew table\n<!-- /generated:batch -->\nprose kept\n");
    assertThatThrownBy(() -> ReportCommand.replaceBlock("no markers", "replay", "x"))
        .hasMessageContaining("<!-- generated:replay -->");
  }

  @Test
  void theBatchBlockShowsEachSizeWithItsRatioAndWhetherTheNumbersAgree() throws Exception {
    Map<String, Object> median =
        Map.of(
            "spark",
                Map.of(
                    "start_ms",
                    2000,
                    "collect_ms",
                    30000,
                    "snapshot_ms",
                    1000,
                    "enrich_ms",
                    10000,
                    "aggregate_ms",
                    12000,
                    "total_ms",
                    55000,
                    "wall_ms",
                    58000,
                    "peak_rss_mb",
                    3000),
            "duckdb",
                Map.of(
                    "start_ms",
                    1000,
                    "collect_ms",
                    12000,
                    "snapshot_ms",
                    10,
                    "enrich_ms",
                    900,
                    "aggregate_ms",
                    600,
                    "total_ms",
                    14500,
                    "wall_ms",
                    15000,
                    "peak_rss_mb",
                    900));
    Map<String, Object> result =
        Map.of(
            "started_at", "2026-11-23T19:31:00Z",
            "machine", machine(),
            "settings", Map.of("runs", 3),
            "sizes",
                List.of(
                    Map.of(
                        "events_per_day",
                        1000000,
                        "raw_lines_read",
                        1014698,
                        "median",
                        median,
                        "ratio_spark_over_duckdb",
                        Map.of("total_ms", 3.79),
                        "raw_lines_per_second",
                        Map.of("spark", 18449, "duckdb", 69979),
                        "same_results",
                        true)));
    String block = ReportCommand.batchBlock(new ObjectMapper().valueToTree(result), dir);
    assertThat(block)
        .contains("| 1,000,000 | 1,014,698 | 55.0 s | 14.5 s | 3.8× | 18,449 | 69,979 | yes |")
        .contains("| collect | 30.00 s | 12.00 s | 2.5× |");
    assertThat(Files.exists(dir.resolve("batch-steps.svg"))).isTrue();
  }

  @Test
  void theLinesBlockPutsEachFigureOfTheTwoLinesSideBySideWithTheirRatio() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path older = Files.createDirectories(dir.resolve("lines/3.5"));
    Path newer = Files.createDirectories(dir.resolve("lines/4.0"));
    json.writeValue(
        older.resolve("batch.json").toFile(),
        Map.of(
            "started_at",
            "2026-12-03T13:47:19Z",
            "machine",
            machine(),
            "sizes",
            List.of(
                Map.of(
                    "median",
                    Map.of("spark", Map.of("total_ms", 50000), "duckdb", Map.of("total_ms", 14000)),
                    "same_results",
                    true))));
    json.writeValue(
        newer.resolve("batch.json").toFile(),
        Map.of(
            "started_at",
            "2026-12-03T13:52:00Z",
            "machine",
            machine(),
            "sizes",
            List.of(
                Map.of(
                    "median",
                    Map.of("spark", Map.of("total_ms", 40000), "duckdb", Map.of("total_ms", 14000)),
                    "same_results",
                    false))));
    json.writeValue(
        newer.resolve("speed-5000.json").toFile(),
        Map.of("machine", machine(), "counter_latency_ms_p99", 3000, "counters_exact", true));
    json.writeValue(
        older.resolve("speed-20000.json").toFile(),
        Map.of("machine", machine(), "heap_after_full_gc_mb_end", -1.0));
    json.writeValue(
        newer.resolve("speed-20000.json").toFile(),
        Map.of("machine", machine(), "heap_after_full_gc_mb_end", 300.0));
    String block = LineComparison.block(older, newer);
    assertThat(block)
        .contains("| Spark 3.5 | Spark 4.0 | 4.0 / 3.5 |")
        .contains("| batch, one day | Spark, raw → t3 | 50.0 s | 40.0 s | 0.80 |")
        .contains("| batch, one day | same t3 numbers as DuckDB | yes | **no** | – |")
        .as("a figure measured on one line only shows a dash for the other")
        .contains("| speed, 5,000/s | counter readable p99 | – | 3.0 s | – |")
        .as("-1, what the harness writes when it could not measure, is not a figure")
        .contains(
            "| speed, 20,000/s | speed JVM heap after a full GC, end of window | – | 300 MB | – |")
        .as("a benchmark run on neither line has no rows")
        .doesNotContain("serving")
        .contains("batch.json at 2026-12-03 13:47 UTC");
  }

  /** The machine block every result file carries. */
  private static Map<String, Object> machine() {
    return Map.of(
        "cores",
        2,
        "memory_mb",
        24000,
        "jvm",
        "OpenJDK 17",
        "versions",
        Map.of("spark", "3.5.7"),
        "load_average_at_start",
        List.of(0.5));
  }

  @Test
  void theReplayBlockShowsTheHourlyCostBesideTheDailyOne() {
    Map<String, Object> result =
        Map.of(
            "started_at",
            "2026-12-01T09:00:00Z",
            "machine",
            machine(),
            "variants",
            List.of(
                Map.of(
                    "name",
                    "2 days as daily periods, 100 events/day",
                    "periods",
                    2,
                    "total_ms",
                    30000.0,
                    "per_period_ms",
                    10000.0,
                    "per_period_kind",
                    "mean"),
                Map.of(
                    "name",
                    "the same days as hourly periods (24 a day + the daily stage)",
                    "periods",
                    48,
                    "total_ms",
                    250000.0,
                    "per_period_ms",
                    5000.0,
                    "per_period_kind",
                    "mean")),
            "hourly_fixed_cost_ms_per_hour",
            5000.0,
            "hourly_over_daily_per_day",
            12.0);
    String block = ReportCommand.replayBlock(new ObjectMapper().valueToTree(result));
    assertThat(block)
        .contains(
            "| the same days as hourly periods (24 a day + the daily stage) | 48 | 250.0 s | 5.00 s (mean) |")
        .contains("pays **5.00 s** an hour; a day costs **12.0×**");
  }

  @Test
  void theCountersBlockShowsEachWayAgainstPlainAndWhatAReplayedBatchDid() {
    Map<String, Object> result =
        Map.of(
            "started_at", "2026-12-01T09:00:00Z",
            "machine", machine(),
            "settings", Map.of("keys_per_batch", 3000, "writers", 8, "batches", 5, "runs", 3),
            "ways",
                List.of(
                    Map.of(
                        "way",
                        "exactly-once, TransactWriteItems of 100",
                        "ms_per_batch_median",
                        812.0,
                        "keys_per_second",
                        3695,
                        "time_over_plain",
                        0.5,
                        "replayed_batch",
                        Map.of("ms", 300.0, "keys_double_counted", 0)),
                    Map.of(
                        "way",
                        "at-least-once, plain ADD (no condition)",
                        "ms_per_batch_median",
                        1624.0,
                        "keys_per_second",
                        1847,
                        "time_over_plain",
                        1.0,
                        "replayed_batch",
                        Map.of("ms", 1600.0, "keys_double_counted", 3000))));
    String block = ReportCommand.countersBlock(new ObjectMapper().valueToTree(result));
    assertThat(block)
        .as("settings in the heading line")
        .contains("Batches of 3,000 keys, 8 concurrent writers")
        .contains(
            "| exactly-once, TransactWriteItems of 100 | 812 ms | 3,695 | 0.50× | 300 ms, 0 |")
        .contains(
            "| at-least-once, plain ADD (no condition) | 1624 ms | 1,847 | 1.00× | 1600 ms, 3,000 |");
  }

  @Test
  void speedRowsSayWhetherCountersWereExactAndMemoryFlatAndOlderFilesSaySoInstead() {
    ObjectMapper json = new ObjectMapper();
    assertThat(
            ReportCommand.exactness(
                json.valueToTree(
                    Map.of(
                        "counters_exact",
                        false,
                        "counters_counted",
                        99,
                        "counters_expected",
                        100))))
        .isEqualTo("**no** (99 of 100)");
    assertThat(ReportCommand.exactness(json.valueToTree(Map.of()))).isEqualTo("not checked");
    assertThat(
            ReportCommand.memory(
                json.valueToTree(
                    Map.of(
                        "heap_after_full_gc_mb_start",
                        300.0,
                        "heap_after_full_gc_mb_end",
                        310.0,
                        "rss_mb_first_third_p50",
                        1500.0,
                        "rss_mb_last_third_p50",
                        1520.0,
                        "memory_flat",
                        true))))
        .isEqualTo("300 → 310 MB (flat); RSS 1500 → 1520 MB");
    assertThat(ReportCommand.memory(json.valueToTree(Map.of()))).isEqualTo("not measured");
  }
}
