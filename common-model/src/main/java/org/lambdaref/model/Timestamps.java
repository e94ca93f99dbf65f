package org.lambdaref.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The three timestamp forms a collector may send, and nothing else:
 *
 * <ul>
 *   <li>ISO-8601 with {@code Z} or an offset: {@code 2019-06-08T15:30:02.123Z}, {@code
 *       2019-06-09T00:30:02+09:00};
 *   <li>epoch milliseconds, as a JSON number or a string of digits: {@code 1560007802123};
 *   <li>the notes' {@code yyyy-MM-dd HH:mm:ss:SSS} (milliseconds after a colon, no zone): read in
 *       the source's configured zone, because the collector wrote its local wall clock.
 * </ul>
 *
 * Instants outside [1970-01-01, 2100-01-01) are refused: no collector of ours produced them, and a
 * device clock that says 1969 or 2200 is wrong rather than early or late.
 */
public final class Timestamps {

  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant LATEST_EXCLUSIVE = Instant.parse("2100-01-01T00:00:00Z");

  /** The notes' log format. STRICT resolving refuses 2019-02-30 instead of rolling it over. */
  public static final DateTimeFormatter NOTES_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss:SSS")
          .withResolverStyle(ResolverStyle.STRICT);

  private static final Pattern DIGITS = Pattern.compile("-?[0-9]{1,18}");
  private static final Pattern NOTES_SHAPE =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}:[0-9]{3}");

  private Timestamps() {}

  /** Parses a textual timestamp; empty if it is in none of the accepted forms or out of range. */
  public static Optional<Instant> parse(String text, ZoneId zoneOfLocalTimes) {
    if (text == null) {
      return Optional.empty();
    }
    String trimmed = text.trim();
    try {
      Instant instant;
      if (DIGITS.matcher(trimmed).matches()) {
        instant = Instant.ofEpochMilli(Long.parseLong(trimmed));
      } else if (NOTES_SHAPE.matcher(trimmed).matches()) {
        instant = LocalDateTime.parse(trimmed, NOTES_FORMAT).atZone(zoneOfLocalTimes).toInstant();
      } else if (trimmed.indexOf('T') == 10) {
        // ISO_OFFSET_DATE_TIME accepts both Z and +hh:mm, and any fraction of a second
        instant = OffsetDateTime.parse(trimmed, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } else {
        return Optional.empty();
      }
      return inRange(instant);
    } catch (DateTimeParseException | NumberFormatException e) {
      return Optional.empty();
    } catch (DateTimeException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** Epoch milliseconds given as a JSON number. */
  /** What {@link #parseQueryTime} accepts, in words for error messages; {@code %s} is the zone. */
  public static final String QUERY_TIME_FORMS =
      "a date (2026-11-20, the start of that day in %s), a local time (2026-11-20T13:00) or an instant with an offset"
          + " (2026-11-22T14:00:00Z)";

  /**
   * A time a person gives a query or a command ({@code --from}, {@code ?to=}): a date (the start of
   * that day in {@code zone}), a local date-time in {@code zone}, or an instant with Z or an
   * offset.
   */
  public static Optional<Instant> parseQueryTime(String text, ZoneId zone) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      if (text.length() == 10) {
        return Optional.of(LocalDate.parse(text).atStartOfDay(zone).toInstant());
      }
      if (text.endsWith("Z") || text.matches(".*[+-]\\d{2}:?\\d{2}$")) {
        return Optional.of(OffsetDateTime.parse(text).toInstant());
      }
      return Optional.of(LocalDateTime.parse(text).atZone(zone).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public static Optional<Instant> ofEpochMillis(long millis) {
    return inRange(Instant.ofEpochMilli(millis));
  }

  private static Optional<Instant> inRange(Instant instant) {
    if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST_EXCLUSIVE)) {
      return Optional.empty();
    }
    return Optional.of(instant);
  }
}
