package org.lambdaref.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformException;

/**
 * The arguments every batch job takes: a start and an iteration count, so that one {@code
 * spark-submit} replays a whole range (notes 004, section 15), plus how many periods run at once
 * and which environment overlay to load. The start is a day ({@code 2019-06-08}: the count counts
 * days) or, for sources cut into hours, an hour ({@code 2019-06-08T15}: the count counts hours).
 */
public record RunArguments(Period start, int iterationCount, int parallelism, String env) {

  public static final int ITERATION_COUNT_DEFAULT = 1;
  public static final int PARALLELISM_DEFAULT = 1;

  /** Ten years of daily periods: more is almost certainly a typo. */
  public static final int MAX_ITERATIONS = 3660;

  public static final int MAX_PARALLELISM = 64;

  /** What a start looks like, for the messages about it. */
  static final String START_FORM = "YYYY-MM-DD, or YYYY-MM-DDTHH for an hourly source";

  /** A range of days. */
  public RunArguments(LocalDate startDate, int iterationCount, int parallelism, String env) {
    this(startDate == null ? null : Period.ofDay(startDate), iterationCount, parallelism, env);
  }

  public RunArguments {
    if (start == null) {
      throw missingStart();
    }
    if (iterationCount < 1 || iterationCount > MAX_ITERATIONS) {
      throw Errors.badArgument(
          "--iteration-count", iterationCount, Errors.wholeNumber(1, MAX_ITERATIONS));
    }
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw Errors.badArgument(
          "--parallelism", parallelism, Errors.wholeNumber(1, MAX_PARALLELISM));
    }
    if (env == null || env.isBlank()) {
      throw Errors.missingArgument(
          "--env",
          "one of " + ConfigLoader.KNOWN_ENVS,
          "run the command again with --env local (or set the environment variable LAMBDA_ENV)");
    }
  }

  /** Parses the textual forms given on a command line or in environment variables. */
  public static RunArguments parse(
      String startDate, String iterationCount, String parallelism, String env) {
    return new RunArguments(
        date(startDate),
        integer(
            "--iteration-count",
            iterationCount,
            ITERATION_COUNT_DEFAULT,
            Errors.wholeNumber(1, MAX_ITERATIONS)),
        integer(
            "--parallelism",
            parallelism,
            PARALLELISM_DEFAULT,
            Errors.wholeNumber(1, MAX_PARALLELISM)),
        env);
  }

  public LocalDate startDate() {
    return start.day();
  }

  /** The consecutive days this run covers, oldest first; for commands that work on days. */
  public List<LocalDate> days() {
    if (start.isHour()) {
      throw Errors.badArgument(
          "--start-date", start, "a day YYYY-MM-DD: this command works on whole days");
    }
    return IntStream.range(0, iterationCount).mapToObj(start.day()::plusDays).toList();
  }

  public LocalDate endDateInclusive() {
    return days().get(iterationCount - 1);
  }

  /**
   * The periods of a source cut by {@code unit}, oldest first: the days; the hours from an hour
   * start; or, from a day start, every hour of the days counted.
   */
  public List<Period> periods(PeriodUnit unit) {
    if (start.isHour() && unit == PeriodUnit.DAY) {
      throw Errors.badArgument(
          "--start-date",
          start,
          "a day YYYY-MM-DD: this source's runs are days (set platform.sources.<source>.period = hour for hourly runs)");
    }
    return IntStream.range(0, iterationCount)
        .mapToObj(start::plus)
        .flatMap(p -> p.split(unit).stream())
        .toList();
  }

  /**
   * The Spark application name of the notes: {@code PlaceImpression_30Range_20190508_PROD} for job
   * {@code PlaceImpression}, 30 periods from 2019-05-08, env {@code prod}.
   */
  public String applicationName(String jobName) {
    return jobName
        + "_"
        + iterationCount
        + "Range_"
        + start.id()
        + "_"
        + env.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static Period date(String text) {
    if (text == null || text.isBlank()) {
      throw missingStart();
    }
    String t = text.trim();
    try {
      if (t.contains("T")) {
        // an hour: 2019-06-08T15 or 2019-06-08T15:00; minutes other than :00 name no period
        String[] parts = t.split("T", 2);
        String hour = parts[1];
        if (!hour.matches("\\d{2}(:00)?")) {
          throw new DateTimeParseException("not an hour", t, 0);
        }
        return Period.ofHour(LocalDate.parse(parts[0]), Integer.parseInt(hour.substring(0, 2)));
      }
      return Period.ofDay(LocalDate.parse(t));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw Errors.badArgument(
          "--start-date",
          text,
          "a date YYYY-MM-DD such as 2019-05-08, or for hourly sources an hour YYYY-MM-DDTHH such as 2019-05-08T15");
    }
  }

  private static PlatformException missingStart() {
    return Errors.missingArgument(
        "--start-date",
        START_FORM,
        "run the command again with --start-date, such as --start-date 2019-06-08 (or set the"
            + " environment variable START_DATE)");
  }

  private static int integer(String option, String text, int defaultValue, String allowed) {
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw Errors.badArgument(option, text, allowed);
    }
  }
}
