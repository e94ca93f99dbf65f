package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lambdaref.config.Console;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.model.Action;
import org.lambdaref.serving.SpeedView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench serving-memory}: the heap the serving layer's remembered real-time hours take
 * (what a stale answer serves during a DynamoDB outage), measured after a full GC, against the
 * estimate that {@code platform.serving.stale-cache-max-bytes} is enforced with. The counters come
 * from an in-process store that answers every hour: the store is not what is measured, and DynamoDB
 * Local would take minutes to return tens of millions of items.
 */
@Command(
    name = "serving-memory",
    mixinStandardHelpOptions = true,
    description =
        "Heap of the serving layer's remembered real-time hours against its byte estimate.")
final class ServingMemoryBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--keys",
      defaultValue = "20000",
      description = "Place-and-action keys (default ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--hours",
      split = ",",
      defaultValue = "168,744",
      description =
          "Hours read per key, one run each (default ${DEFAULT-VALUE}: a week and the 31-day max-range).")
  List<Integer> hours;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs per size; figures are medians (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--result",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results/serving-memory.json",
      description = "The JSON result (default docs/benchmarks/results/serving-memory.json).")
  Path result;

  @Override
  public Integer call() throws Exception {
    Console console = Console.stdout();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "serving-memory");
    out.put("started_at", Instant.now().toString());
    out.put("machine", Machine.describe());
    out.put(
        "settings",
        Map.of(
            "keys",
            keys,
            "hours",
            hours,
            "runs",
            runs,
            "reads_per_key",
            "one of all its hours, then one of its last 6 hours (two spans per key)"));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int h : hours) {
      List<Double> measured = new ArrayList<>();
      List<Double> estimated = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        long[] m = measure(keys, h);
        measured.add((double) m[0] / keys);
        estimated.add((double) m[1] / keys);
      }
      double med = Stats.median(measured);
      double est = Stats.median(estimated);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("hours_per_key", h);
      row.put("heap_bytes_per_key_median", Math.round(med));
      row.put("estimate_bytes_per_key_median", Math.round(est));
      row.put("estimate_over_heap", Stats.ratio(est, med));
      row.put("keys_in_256m_budget", Math.round(256.0 * 1024 * 1024 / est));
      row.put("heap_bytes_per_key_by_run", measured.stream().map(Math::round).toList());
      rows.add(row);
      console.line(
          "%,d keys x %d hours: heap %,.0f B/key, estimate %,.0f B/key (%.2fx), 256m holds %,d keys",
          keys, h, med, est, est / med, row.get("keys_in_256m_budget"));
    }
    out.put("sizes", rows);
    out.put("load_average_at_end", Machine.loadAverage());
    Files.createDirectories(result.getParent());
    Files.writeString(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    console.line("result: %s", result);
    return 0;
  }

  /**
   * {heap bytes after a full GC, the view's own estimate} for {@code keys} keys of {@code hours}
   * hours.
   */
  private static long[] measure(int keys, int hours) throws InterruptedException {
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    SpeedView view =
        new SpeedView(
            new EveryHourStore(),
            new SpeedView.Limits(
                Duration.ZERO,
                Duration.ofMillis(500),
                Duration.ofSeconds(5),
                3,
                Duration.ofSeconds(1),
                keys + 1,
                Long.MAX_VALUE,
                hours + 48),
            Clock.systemUTC());
    view.start();
    view.read("warm-up", Action.IMPRESSION, t0, t0.plusSeconds(3600));
    long before = heapAfterGc();
    Instant end = t0.plusSeconds(3600L * hours);
    for (int k = 0; k < keys; k++) {
      view.read("place-" + k, Action.IMPRESSION, t0, end);
      view.read("place-" + k, Action.IMPRESSION, end.minusSeconds(6 * 3600L), end);
    }
    long after = heapAfterGc();
    long estimate = view.cachedBytes();
    view.close();
    return new long[] {after - before, estimate};
  }

  private static long heapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * A count of 7 in every hour asked, made up at each read. Not {@code InMemoryCounterStore}: that
   * would need every key's hours stored up front (15 million counters at the defaults, some
   * gigabytes) in the JVM whose heap is being measured.
   */
  private static final class EveryHourStore implements CounterStore {
    @Override
    public AddResult add(List<Delta> deltas, String queryId, long batchId) {
      throw new UnsupportedOperationException("the serving layer never writes counters");
    }

    @Override
    public List<Counter> read(String placeId, Instant fromHour, Instant toHour) {
      throw new UnsupportedOperationException("the view reads one action at a time");
    }

    @Override
    public List<Counter> read(String placeId, String action, Instant fromHour, Instant toHour) {
      List<Counter> out = new ArrayList<>();
      for (Instant h = fromHour; h.isBefore(toHour); h = h.plusSeconds(3600)) {
        out.add(new Counter(placeId, action, h, 7, "bench", 0));
      }
      return out;
    }

    @Override
    public long deleteFrom(Instant fromHour) {
      return 0;
    }

    @Override
    public void close() {}
  }
}
