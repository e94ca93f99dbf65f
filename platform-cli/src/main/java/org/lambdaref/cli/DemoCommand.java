package org.lambdaref.cli;

import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the platform end to end on this machine: start the local stack, create its topic, table",
      "and bucket, generate the past days of raw events, and print what was done."
    })
final class DemoCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(names = "--days", defaultValue = "3", description = "Past days of events to generate (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--events-per-day", defaultValue = "20000", description = "Distinct events per day (default ${DEFAULT-VALUE}).")
  int eventsPerDay;

  @Override
  public Integer call() {
    PlatformConfig initial = configOptions.load();
    Console console = Console.stdout();
    console.line("Lambda platform demo (env %s, zone %s)", initial.env(), initial.timezone());
    try (LocalCommand.StackLease lease = LocalCommand.attachOrStart(initial, console)) {
      // point every layer at where the services really listen (containers get random ports)
      PlatformConfig config = configOptions.load(lease.stack().configOverrides());
      console.step("creating Kafka topic, DynamoDB counters table, S3 bucket, checking PostgreSQL",
          () -> LocalProvisioning.provision(config, lease.stack()));
      // the past days whose windows have closed, so the batch can own every line of them
      LocalDate lastClosed = LocalDate.now(config.timezone()).minusDays(1);
      while (!org.lambdaref.batch.IngestWindow.of(lastClosed, config.timezone(), config.source("place_event"))
          .isClosedAt(java.time.Instant.now())) {
        lastClosed = lastClosed.minusDays(1);
      }
      GenerateCommand generate = new GenerateCommand();
      generate.startDate = lastClosed.minusDays(days - 1L);
      generate.days = days;
      generate.eventsPerDay = eventsPerDay;
      generate.places = 1000;
      generate.users = 5000;
      generate.duplicates = 0.02;
      generate.late = 0.01;
      generate.malformed = 0.005;
      generate.seed = 42;
      generate.source = "place_event";
      generate.replace = true;
      GenerateCommand.Summary summary =
          console.step(
              "generating " + days + " days of raw events from " + generate.startDate,
              () -> generate.run(config, console));

      org.lambdaref.config.RunArguments replay =
          new org.lambdaref.config.RunArguments(generate.startDate, days + 1, 1, config.env());
      int batchExit = console.step(
          "batch replay: collect raw -> t1 for " + replay.iterationCount() + " days in one Spark application",
          () -> new BatchCommand().withSource("place_event").run(config, replay, console));

      console.line("");
      console.line("Summary");
      console.line("  local stack:");
      LocalProvisioning.describe(config, lease.stack()).forEach((k, v) -> console.line("    %-9s %s", k, v));
      console.line("  raw events: %d lines in %d files under %s", summary.lines(), summary.files(), summary.location());
      console.line("    by kind:  %s", summary.kinds());
      console.line("  batch:      t1 tables and ops.batch_ledger written%s", batchExit == 0 ? "" : " (some periods FAILED)");
      console.line("  next:       bin/lambda tables; bin/lambda sql \"select * from ops.batch_ledger\"");
      console.line("  total time: %s", console.elapsed());
    }
    return 0;
  }
}
