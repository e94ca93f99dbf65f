package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lambdaref.config.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench replay}: a replay of {@code --days} days in ONE Spark application (what {@code
 * bin/lambda batch --iteration-count N} does) against N separate launches of one day each, on the
 * same generated data and the same jobs; and the same one-application replay over nearly empty
 * days, whose time per period is the fixed cost of a period (Delta commits, ledger rows, job
 * planning), independent of the data.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "A replay in one application against separate launches; the fixed cost per period.")
public final class ReplayBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--days",
      defaultValue = "30",
      description = "Periods replayed (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--events-per-day",
      defaultValue = "100000",
      description = "Distinct events per day (default ${DEFAULT-VALUE}).")
  int eventsPerDay;

  @Option(
      names = "--fixed-cost-events",
      defaultValue = "100",
      description =
          "Events per day of the nearly empty replay that isolates the fixed cost (default ${DEFAULT-VALUE}).")
  int fixedCostEvents;

  @Option(
      names = "--places",
      defaultValue = "10000",
      description = "Distinct places (default ${DEFAULT-VALUE}).")
  int places;

  @Option(
      names = "--users",
      defaultValue = "200000",
      description = "Distinct users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--start",
      defaultValue = "2019-06-01",
      description = "First day (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(
      names = "--jobs",
      defaultValue = "collect,snapshot,enrich,aggregate",
      description =
          "The jobs of each period (default ${DEFAULT-VALUE}; the JDBC export needs a database).")
  String jobs;

  @Option(
      names = "--hourly-days",
      defaultValue = "2",
      description =
          "Days of the fixed-cost data also run as hourly periods (period = hour), side by side with the same"
              + " days as daily periods; 0 skips it (default ${DEFAULT-VALUE}).")
  int hourlyDays;

  @Option(
      names = "--hourly-only",
      negatable = false,
      description = "Only the daily-against-hourly comparison (write it to another --result).")
  boolean hourlyOnly;

  @Option(
      names = "--no-launches",
      negatable = false,
      description = "Skip the separate launches (the longest part).")
  boolean noLaunches;

  @Option(
      names = "--dir",
      defaultValue = "${sys:lambda.home:-.}/.lambda/bench/replay",
      description = "Data and runs.")
  Path dir;

  @Option(
      names = "--result",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results/replay.json",
      description = "The JSON result (default docs/benchmarks/results/replay.json).")
  Path result;

  @Override
  public Integer call() throws Exception {
    Console console = Console.stdout();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "replay");
    out.put("started_at", Instant.now().toString());
    out.put("machine", Machine.describe());
    out.put(
        "settings",
        Map.of(
            "days",
            days,
            "events_per_day",
            eventsPerDay,
            "fixed_cost_events_per_day",
            fixedCostEvents,
            "places",
            places,
            "users",
            users,
            "jobs",
            jobs,
            "spark_master",
            "local[2]"));
    List<Map<String, Object>> variants = new ArrayList<>();
    out.put("variants", variants);

    Path tiny =
        BenchData.prepare(
            dir.resolve("data-" + days + "x" + fixedCostEvents),
            start,
            days,
            fixedCostEvents,
            places,
            users,
            "UTC",
            console);
    if (!hourlyOnly) {
      fullReplay(out, variants, tiny, console);
    }
    if (hourlyDays > 0) {
      // the same nearly empty days, one after the other in one session each: a day's cost as one
      // period against the same day as 24 hourly periods and its daily stage
      Map<String, Object> daily = replay(tiny, start, hourlyDays, dir.resolve("runs/daily"), "day");
      Map<String, Object> hourly =
          replay(tiny, start, hourlyDays, dir.resolve("runs/hourly"), "hour");
      double dayMs = ((Number) daily.get("replay_ms")).doubleValue() / hourlyDays;
      double hourlyDayMs = ((Number) hourly.get("replay_ms")).doubleValue() / hourlyDays;
      variants.add(
          variant(
              hourlyDays + " days as daily periods, " + fixedCostEvents + " events/day",
              hourlyDays,
              ((Number) daily.get("wall_ms")).doubleValue(),
              dayMs,
              "mean",
              daily));
      variants.add(
          variant(
              "the same days as hourly periods (24 a day + the daily stage)",
              hourlyDays * 24,
              ((Number) hourly.get("wall_ms")).doubleValue(),
              hourlyDayMs / 24,
              "mean",
              hourly));
      out.put("hourly_fixed_cost_ms_per_hour", hourlyDayMs / 24);
      out.put("hourly_over_daily_per_day", Stats.ratio(hourlyDayMs, dayMs));
      console.line(
          "a day: %.0f ms as one period, %.0f ms as 24 hourly periods (%.0f ms an hour)",
          dayMs, hourlyDayMs, hourlyDayMs / 24);
      write(out);
    }

    out.put("load_average_at_end", Machine.loadAverage());
    write(out);
    console.line("result: %s", result);
    return 0;
  }

  /**
   * The 30-day replay in one application, its fixed cost, and (unless --no-launches) the separate
   * launches.
   */
  private void fullReplay(
      Map<String, Object> out, List<Map<String, Object>> variants, Path tiny, Console console)
      throws Exception {
    Path data =
        BenchData.prepare(
            dir.resolve("data-" + days + "x" + eventsPerDay),
            start,
            days,
            eventsPerDay,
            places,
            users,
            "UTC",
            console);
    Map<String, Object> oneApp = replay(data, start, days, dir.resolve("runs/one-app"));
    variants.add(
        variant(
            "one application",
            days,
            ((Number) oneApp.get("wall_ms")).doubleValue(),
            ((Number) oneApp.get("replay_ms")).doubleValue() / days,
            "mean",
            oneApp));
    console.line(
        "one application: %d periods in %,d ms (app clock %,d ms)",
        days, oneApp.get("wall_ms"), oneApp.get("replay_ms"));
    write(out);

    Map<String, Object> empty = replay(tiny, start, days, dir.resolve("runs/fixed-cost"));
    double fixed = ((Number) empty.get("replay_ms")).doubleValue() / days;
    variants.add(
        variant(
            "one application, " + fixedCostEvents + " events/day (fixed cost)",
            days,
            ((Number) empty.get("wall_ms")).doubleValue(),
            fixed,
            "mean",
            empty));
    out.put("fixed_cost_ms_per_period", fixed);
    console.line("fixed cost: %.0f ms per period", fixed);
    write(out);

    if (!noLaunches) {
      Path runs = dir.resolve("runs/launches");
      BenchData.delete(runs);
      List<Long> walls = new ArrayList<>();
      for (int d = 0; d < days; d++) {
        Map<String, Object> one =
            ChildJvm.run(
                ReplayRun.class,
                ChildJvm.sparkJvmArgs("4g"),
                args(data, start.plusDays(d), 1, runs));
        walls.add(((Number) one.get("wall_ms")).longValue());
        console.line("  launch %d/%d: %,d ms", d + 1, days, walls.get(d));
      }
      double total = walls.stream().mapToLong(Long::longValue).sum();
      variants.add(
          variant(
              days + " separate launches",
              days,
              total,
              Stats.median(walls),
              "median",
              Map.of("walls_ms", walls)));
      out.put(
          "speedup_one_app_over_launches",
          Stats.ratio(total, ((Number) oneApp.get("wall_ms")).doubleValue()));
      console.line(
          "%d launches: %,.0f ms; one application is %.2fx faster",
          days, total, out.get("speedup_one_app_over_launches"));
    }
  }

  private Map<String, Object> replay(Path data, LocalDate from, int count, Path work)
      throws Exception {
    return replay(data, from, count, work, "day");
  }

  private Map<String, Object> replay(Path data, LocalDate from, int count, Path work, String period)
      throws Exception {
    BenchData.delete(work);
    return ChildJvm.run(
        ReplayRun.class, ChildJvm.sparkJvmArgs("4g"), args(data, from, count, work, period));
  }

  private List<String> args(Path data, LocalDate from, int count, Path work) {
    return args(data, from, count, work, "day");
  }

  private List<String> args(Path data, LocalDate from, int count, Path work, String period) {
    return List.of(
        "--datasource",
        data.toString(),
        "--work-dir",
        work.toString(),
        "--zone",
        "UTC",
        "--start",
        from.toString(),
        "--days",
        Integer.toString(count),
        "--jobs",
        jobs,
        "--period",
        period);
  }

  private static Map<String, Object> variant(
      String name,
      int periods,
      double totalMs,
      double perPeriodMs,
      String kind,
      Map<String, Object> raw) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", name);
    v.put("periods", periods);
    v.put("total_ms", totalMs);
    v.put("per_period_ms", perPeriodMs);
    v.put("per_period_kind", kind);
    v.put("raw", raw);
    return v;
  }

  private void write(Map<String, Object> out) throws IOException {
    Files.createDirectories(result.toAbsolutePath().getParent());
    Files.writeString(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
  }
}
