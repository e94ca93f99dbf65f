package org.lambdaref.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Timestamps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "counters",
    mixinStandardHelpOptions = true,
    description = {
      "Read one place's speed-layer counters, per hour and action.",
      "Reads the speed layer's DynamoDB counters: one row per hour and action."
    })
final class CountersCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(names = "--place", required = true, description = "The place id, e.g. p-17.")
  String place;

  @Option(
      names = "--from",
      description =
          "Start: a date (yyyy-MM-dd, in platform.timezone) or an ISO instant. Default: today.")
  String from;

  @Option(
      names = "--to",
      description = "End, exclusive: a date or an ISO instant. Default: now + 1 hour.")
  String to;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, csv or json (default ${DEFAULT-VALUE}).")
  TablePrinter.Format format;

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    ZoneId zone = config.timezone();
    Instant start =
        from == null
            ? LocalDate.now(zone).atStartOfDay(zone).toInstant()
            : parse("--from", from, zone);
    Instant end = to == null ? Instant.now().plusSeconds(3600) : parse("--to", to, zone);
    if (!start.isBefore(end)) {
      // the option the user gave is the one to change: --to, or --from past the default end
      throw to == null
          ? Errors.badArgument(
              "--from", from, "a time before --to (default now + 1 hour, " + end + ")")
          : Errors.badArgument("--to", to, "a time after --from (" + start + ")");
    }
    List<List<Object>> rows = new ArrayList<>();
    try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
      for (CounterStore.Counter c : store.read(place, start, end)) {
        rows.add(
            List.of(
                c.hour().atZone(zone).toLocalDateTime().toString(),
                c.hour().toString(),
                c.action(),
                c.count()));
      }
    }
    TablePrinter.print(
        System.out, format, List.of("hour_local", "hour_utc", "action", "events"), rows);
    return 0;
  }

  static Instant parse(String option, String value, ZoneId zone) {
    return Timestamps.parseQueryTime(value, zone)
        .orElseThrow(
            () -> Errors.badArgument(option, value, Timestamps.QUERY_TIME_FORMS.formatted(zone)));
  }
}
