package org.lambdaref.model.generator;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What {@link EventGenerator} produces: {@code eventsPerDay} distinct events on each of {@code
 * days} days starting at {@code startDate} (days of {@code zone}), plus extra raw lines that are
 * duplicates, late arrivals and malformed records, each as a fraction of the distinct events.
 *
 * @param lateness the source's allowed lateness: late events arrive after their day's close
 * @param seed the same seed gives byte-identical output
 */
public record GeneratorSpec(
    LocalDate startDate,
    int days,
    int eventsPerDay,
    int places,
    int users,
    double duplicateFraction,
    double lateFraction,
    double malformedFraction,
    ZoneId zone,
    Duration lateness,
    long seed) {

  /** Ten years of days: more is almost certainly a typo. */
  public static final int MAX_DAYS = 3660;

  public GeneratorSpec {
    Objects.requireNonNull(startDate, "startDate");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(lateness, "lateness");
    check(days >= 1 && days <= MAX_DAYS, "days", days, "1 to " + MAX_DAYS);
    check(eventsPerDay >= 0, "eventsPerDay", eventsPerDay, "0 or more");
    check(places >= 1, "places", places, "1 or more");
    check(users >= 1, "users", users, "1 or more");
    check(fraction(duplicateFraction), "duplicateFraction", duplicateFraction, "0.0 to 1.0");
    check(fraction(lateFraction), "lateFraction", lateFraction, "0.0 to 1.0");
    check(fraction(malformedFraction), "malformedFraction", malformedFraction, "0.0 to 1.0");
  }

  /** The same mix for one day with its own seed: lets a caller write day by day. */
  public GeneratorSpec forDay(LocalDate day, long daySeed) {
    return new GeneratorSpec(
        day,
        1,
        eventsPerDay,
        places,
        users,
        duplicateFraction,
        lateFraction,
        malformedFraction,
        zone,
        lateness,
        daySeed);
  }

  private static boolean fraction(double value) {
    return value >= 0.0 && value <= 1.0;
  }

  private static void check(boolean ok, String name, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(name + " must be " + allowed + ", was " + value);
    }
  }
}
