package org.lambdaref.model;

import java.util.Collection;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every SQL predicate over the tier partitions ({@code p_ymd}, {@code p_hh}) the platform builds,
 * for Delta {@code replaceWhere}, deletes, {@code OPTIMIZE} and reads: one place that quotes the
 * values and refuses one that is not a partition value (so nothing else can reach the SQL).
 */
public final class PartitionPredicates {

  private static final Pattern DAY = Pattern.compile("\\d{8}");
  private static final Pattern HOUR = Pattern.compile("\\d{2}");
  private static final Pattern PERIOD_ID = Pattern.compile("\\d{8}(\\d{2})?");

  private PartitionPredicates() {}

  /** The rows of one day partition. */
  public static String day(String ymd) {
    return Partitions.DAY_COLUMN + " = " + quoted(ymd, DAY, Partitions.DAY_COLUMN);
  }

  /** The rows of one day and hour partition. */
  public static String hour(String ymd, String hh) {
    return day(ymd)
        + " AND "
        + Partitions.HOUR_COLUMN
        + " = "
        + quoted(hh, HOUR, Partitions.HOUR_COLUMN);
  }

  /** The rows of any of {@code ymds}; never empty (it would match nothing, silently). */
  public static String days(Collection<String> ymds) {
    if (ymds.isEmpty()) {
      throw new IllegalArgumentException(
          "no days to select: a predicate over no partitions matches nothing");
    }
    return Partitions.DAY_COLUMN
        + " IN ("
        + ymds.stream()
            .map(d -> quoted(d, DAY, Partitions.DAY_COLUMN))
            .collect(Collectors.joining(", "))
        + ")";
  }

  /** The rows of the days {@code fromYmd} to {@code toYmd}, both included. */
  public static String dayRange(String fromYmd, String toYmd) {
    return Partitions.DAY_COLUMN
        + " >= "
        + quoted(fromYmd, DAY, Partitions.DAY_COLUMN)
        + " AND "
        + Partitions.DAY_COLUMN
        + " <= "
        + quoted(toYmd, DAY, Partitions.DAY_COLUMN);
  }

  /** The rows of the hours at or after {@code from} (by partition: day, then hour of day). */
  public static String hoursFrom(Partitions.DayHour from) {
    String ymd = quoted(from.ymd(), DAY, Partitions.DAY_COLUMN);
    return "("
        + Partitions.DAY_COLUMN
        + " > "
        + ymd
        + " OR ("
        + Partitions.DAY_COLUMN
        + " = "
        + ymd
        + " AND "
        + Partitions.HOUR_COLUMN
        + " >= "
        + quoted(from.hh(), HOUR, Partitions.HOUR_COLUMN)
        + "))";
  }

  /**
   * The rows a period's run owns in a daily table: the day's partition, or, for an hourly run, its
   * own rows of the day's partition ({@code owner_period} = the hour's period id).
   */
  public static String ownedRows(Period period) {
    if (!period.isHour()) {
      return period.partitionPredicate();
    }
    return period.dayPeriod().partitionPredicate()
        + " AND "
        + Columns.OWNER_PERIOD.name()
        + " = "
        + quoted(period.id(), PERIOD_ID, Columns.OWNER_PERIOD.name());
  }

  private static String quoted(String value, Pattern form, String column) {
    if (value == null || !form.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is not a value of "
              + column
              + " ("
              + form.pattern()
              + "): partition predicates take only values made by Partitions and Period");
    }
    return "'" + value + "'";
  }
}
