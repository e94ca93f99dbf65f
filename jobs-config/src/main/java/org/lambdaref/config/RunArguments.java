package org.lambdaref.config;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.lambdaref.model.Errors;

/**
 * The arguments every batch job takes: a start date and an iteration count, so that one {@code
 * spark-submit} replays a whole date range (notes 004, section 15), plus how many periods run at
 * once and which environment overlay to load.
 */
public record RunArguments(LocalDate startDate, int iterationCount, int parallelism, String env) {

  public static final int ITERATION_COUNT_DEFAULT = 1;
  public static final int PARALLELISM_DEFAULT = 1;
  /** Ten years of daily periods: more is almost certainly a typo. */
  public static final int MAX_ITERATIONS = 3660;
  public static final int MAX_PARALLELISM = 64;

  public RunArguments {
    if (startDate == null) {
      throw Errors.badArgument("--start-date", null, "a date YYYY-MM-DD (or START_DATE)");
    }
    if (iterationCount < 1 || iterationCount > MAX_ITERATIONS) {
      throw Errors.badArgument("--iteration-count", iterationCount, "1 to " + MAX_ITERATIONS);
    }
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw Errors.badArgument("--parallelism", parallelism, "1 to " + MAX_PARALLELISM);
    }
    if (env == null || env.isBlank()) {
      throw Errors.badArgument("--env", env, "one of " + ConfigLoader.KNOWN_ENVS);
    }
  }

  /** Parses the textual forms given on a command line or in environment variables. */
  public static RunArguments parse(String startDate, String iterationCount, String parallelism, String env) {
    return new RunArguments(
        date(startDate),
        integer("--iteration-count", iterationCount, ITERATION_COUNT_DEFAULT),
        integer("--parallelism", parallelism, PARALLELISM_DEFAULT),
        env);
  }

  /** The consecutive days this run covers, oldest first. */
  public List<LocalDate> days() {
    return IntStream.range(0, iterationCount).mapToObj(startDate::plusDays).toList();
  }

  public LocalDate endDateInclusive() {
    return startDate.plusDays(iterationCount - 1L);
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
        + DateTimeFormatter.BASIC_ISO_DATE.format(startDate)
        + "_"
        + env.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static LocalDate date(String text) {
    if (text == null || text.isBlank()) {
      throw Errors.badArgument("--start-date", text, "a date YYYY-MM-DD; set --start-date or START_DATE");
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw Errors.badArgument("--start-date", text, "a date YYYY-MM-DD such as 2019-05-08");
    }
  }

  private static int integer(String option, String text, int defaultValue) {
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw Errors.badArgument(option, text, "a whole number");
    }
  }

}
