package org.lambdaref.cli;

import java.io.IOException;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Errors;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Write synthetic raw place events for a range of days.",
      "They go to <datasource>/<source>/p_ymd=YYYYMMDD/p_hh=HH/ (UTC arrival hours), with chosen"
          + " fractions of duplicates, late arrivals and malformed lines. Seeded: the same arguments"
          + " write the same bytes, so reruns overwrite rather than add."
    })
final class GenerateCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  /**
   * A generation as the command line makes it, replacing the source's raw files: the options'
   * defaults (duplicates, late and malformed fractions, seed) with these set. The demo and the
   * rehearsal generate through here so that they keep to the defaults a user gets.
   */
  static GenerateCommand replacing(
      LocalDate startDate, int days, int eventsPerDay, int places, int users) {
    return CommandLine.populateCommand(
        new GenerateCommand(),
        "--start-date=" + startDate,
        "--days=" + days,
        "--events-per-day=" + eventsPerDay,
        "--places=" + places,
        "--users=" + users,
        "--replace");
  }

  @Option(
      names = "--start-date",
      required = true,
      paramLabel = "YYYY-MM-DD",
      description = "First event day (platform zone).")
  LocalDate startDate;

  @Option(
      names = "--days",
      defaultValue = "3",
      description = "Number of days (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--events-per-day",
      defaultValue = "10000",
      description = "Distinct events per day (default ${DEFAULT-VALUE}).")
  int eventsPerDay;

  @Option(
      names = "--places",
      defaultValue = "1000",
      description = "Distinct places (default ${DEFAULT-VALUE}).")
  int places;

  @Option(
      names = "--users",
      defaultValue = "5000",
      description = "Distinct users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--duplicates",
      defaultValue = "0.02",
      description = "Fraction re-sent with the same event_id (default ${DEFAULT-VALUE}).")
  double duplicates;

  @Option(
      names = "--late",
      defaultValue = "0.01",
      description = "Fraction arriving after their day closed (default ${DEFAULT-VALUE}).")
  double late;

  @Option(
      names = "--malformed",
      defaultValue = "0.005",
      description = "Fraction of extra broken lines (default ${DEFAULT-VALUE}).")
  double malformed;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--source", description = "Raw source name (default: platform.event-source).")
  String source;

  @Option(
      names = "--no-gzip",
      negatable = false,
      description = "Write plain .json instead of .json.gz.")
  boolean plain;

  @Option(names = "--replace", description = "Delete the source's raw files first.")
  boolean replace;

  @Option(
      names = "--place-master",
      description =
          "Also write the --places places into the source database (platform.source-db), as the snapshot job reads them.")
  boolean placeMaster;

  @Option(
      names = "--sellers",
      defaultValue = "50",
      description = "Sellers the places belong to, with --place-master (default ${DEFAULT-VALUE}).")
  int sellers = 50;

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    Summary summary = run(config, Console.stdout());
    summary.print(Console.stdout());
    if (placeMaster) {
      LocalProvisioning.seedPlaces(config, places, sellers);
      Console.stdout()
          .line(
              "    wrote %d places of %d sellers to %s",
              places, sellers, config.sourceDb().placeTable());
    }
    return 0;
  }

  record Summary(String location, long files, long lines, Map<GeneratedLine.Kind, Long> kinds) {
    void print(Console console) {
      console.line("    wrote %d lines in %d files under %s", lines, files, location);
      console.line("    by kind: %s", kinds);
    }
  }

  Summary run(PlatformConfig config, Console console) {
    checkOptions();
    SourceConfig sourceConfig = source == null ? config.eventSource() : config.source(source);
    GeneratorSpec spec =
        new GeneratorSpec(
            startDate,
            days,
            eventsPerDay,
            places,
            users,
            duplicates,
            late,
            malformed,
            config.timezone(),
            sourceConfig.allowedLateness(),
            seed);
    Map<GeneratedLine.Kind, Long> kinds = new EnumMap<>(GeneratedLine.Kind.class);
    try (RawFiles files = new RawFiles(config, sourceConfig.name(), "part-s" + seed, !plain)) {
      if (replace) {
        deleteRecursively(config, files.sourceRoot());
      }
      long started = System.nanoTime();
      for (int d = 0; d < days; d++) {
        LocalDate day = startDate.plusDays(d);
        EventGenerator.generate(
            spec.forDay(day, seed + d),
            line -> {
              files.write(line, day);
              kinds.merge(line.kind(), 1L, Long::sum);
            });
        files.closeFiles();
        console.progress("days", d + 1, days, started);
      }
      return new Summary(files.sourceRoot(), files.files(), files.lines(), kinds);
    }
  }

  /**
   * Refuses a value out of range naming the option it came from, before anything is deleted or
   * written ({@link GeneratorSpec} checks the same, but knows its fields, not the options). No
   * distinct events write no lines at all, so --events-per-day starts at 1.
   */
  private void checkOptions() {
    check(
        "--days",
        days,
        days >= 1 && days <= GeneratorSpec.MAX_DAYS,
        Errors.wholeNumber(1, GeneratorSpec.MAX_DAYS));
    check("--events-per-day", eventsPerDay, eventsPerDay >= 1, Errors.wholeNumberFrom(1));
    check("--places", places, places >= 1, Errors.wholeNumberFrom(1));
    check("--users", users, users >= 1, Errors.wholeNumberFrom(1));
    check("--sellers", sellers, sellers >= 1, Errors.wholeNumberFrom(1));
    check("--duplicates", duplicates, isFraction(duplicates), Errors.fraction());
    check("--late", late, isFraction(late), Errors.fraction());
    check("--malformed", malformed, isFraction(malformed), Errors.fraction());
  }

  private static void check(String option, Object value, boolean ok, String allowed) {
    if (!ok) {
      throw Errors.badArgument(option, value, allowed);
    }
  }

  private static boolean isFraction(double value) {
    return value >= 0.0 && value <= 1.0;
  }

  private static void deleteRecursively(PlatformConfig config, String location) {
    FileSystem fs = RawFiles.fileSystem(config, location);
    try {
      fs.delete(new Path(location), true);
    } catch (IOException e) {
      throw Errors.ioFailure("delete", location, e);
    }
  }
}
