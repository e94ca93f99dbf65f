package org.lambdaref.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A lake table's qualified name, {@code <database>.<name>}, checked against the naming rule of the
 * source notes (004, section 14): {@code
 * <domain>[_<subject>]_<timeseries|snapshot|aggr>[_<range>]_<daily|hourly>}.
 *
 * <p>The kind says what the data is (raw time series, a dump, or an aggregate), the range how far
 * back an aggregate looks (needed for exact distinct counts over several days, e.g. {@code 30d}),
 * and the period how often it is loaded. The notes' own {@code t1_db.place_snapshot_daily} has no
 * subject, so the subject is optional.
 *
 * <p>Operational tables ({@code ops}) and query views ({@code serving}) are not data tiers: their
 * names need only be snake_case.
 */
public record TableName(String database, String name) {

  public static final String RULE =
      "<domain>[_<subject>]_<timeseries|snapshot|aggr>[_<range e.g. 1h, 1d, 30d>]_<daily|hourly>";
  public static final String EXAMPLES =
      "t1_log.place_event_timeseries_hourly, t1_db.place_snapshot_daily,"
          + " t3.place_impression_aggr_30d_daily";

  /**
   * Data tier databases: collected (t1_*), processed and shared (t2), service (t3), speed (hot).
   */
  public static final Set<String> TIER_DATABASES =
      Set.of("t1_log", "t1_db", "t1_meta", "t2", "t3", "hot");

  /** Databases whose tables are not data tiers and follow only snake_case. */
  public static final Set<String> SERVICE_DATABASES = Set.of("ops", "serving");

  static final List<String> DATABASES =
      List.of("t1_log", "t1_db", "t1_meta", "t2", "t2_<area>", "t3", "hot", "ops", "serving");

  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern RANGE = Pattern.compile("[1-9][0-9]*[hdwmy]");
  private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  private static final Pattern T2_AREA = Pattern.compile("t2_[a-z][a-z0-9]*");
  private static final Set<String> KINDS = Set.of("timeseries", "snapshot", "aggr");
  private static final Set<String> PERIODS = Set.of("daily", "hourly");

  public TableName {
    validate(database, name);
  }

  /** Parses {@code database.name}; the dot is required so that no table lands in a default db. */
  public static TableName parse(String qualified) {
    if (qualified == null || qualified.isBlank()) {
      throw Errors.badTableName(String.valueOf(qualified), "the name is empty");
    }
    int dot = qualified.indexOf('.');
    if (dot <= 0 || dot != qualified.lastIndexOf('.') || dot == qualified.length() - 1) {
      throw Errors.badTableName(
          qualified, "a table is named <database>.<table>, with exactly one dot");
    }
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  public String qualified() {
    return database + "." + name;
  }

  /** The load period of a tier table, {@code daily} or {@code hourly}; empty for ops and views. */
  public Optional<String> period() {
    if (!isTierTable()) {
      return Optional.empty();
    }
    String[] tokens = name.split("_");
    return Optional.of(tokens[tokens.length - 1]);
  }

  public boolean isTierTable() {
    return !SERVICE_DATABASES.contains(database);
  }

  @Override
  public String toString() {
    return qualified();
  }

  private static void validate(String database, String name) {
    String shown = database + "." + name;
    if (database == null || name == null) {
      throw Errors.badTableName(shown, "database and name are both required");
    }
    if (!TIER_DATABASES.contains(database)
        && !SERVICE_DATABASES.contains(database)
        && !T2_AREA.matcher(database).matches()) {
      throw Errors.badTableName(shown, "unknown database '" + database + "'");
    }
    if (!SNAKE.matcher(name).matches()) {
      throw Errors.badTableName(
          shown, "names are lower-case snake_case: letters, digits and single underscores");
    }
    if (SERVICE_DATABASES.contains(database)) {
      return;
    }
    List<String> tokens = new ArrayList<>(Arrays.asList(name.split("_")));
    String period = tokens.remove(tokens.size() - 1);
    if (!PERIODS.contains(period)) {
      throw Errors.badTableName(
          shown, "the name must end with the load period _daily or _hourly, not _" + period);
    }
    if (!tokens.isEmpty() && RANGE.matcher(tokens.get(tokens.size() - 1)).matches()) {
      String range = tokens.remove(tokens.size() - 1);
      if (!tokens.isEmpty() && !tokens.get(tokens.size() - 1).equals("aggr")) {
        throw Errors.badTableName(
            shown,
            "a range (_" + range + ") belongs only to aggregated tables (_aggr_" + range + ")");
      }
    }
    if (tokens.isEmpty() || !KINDS.contains(tokens.get(tokens.size() - 1))) {
      throw Errors.badTableName(
          shown,
          "the kind _timeseries, _snapshot or _aggr must stand before the "
              + "(range and) period, e.g. _timeseries_hourly or _aggr_30d_daily");
    }
    tokens.remove(tokens.size() - 1);
    if (tokens.isEmpty()) {
      throw Errors.badTableName(shown, "the name must start with a domain, e.g. place_");
    }
    for (String token : tokens) {
      if (!WORD.matcher(token).matches() || KINDS.contains(token) || PERIODS.contains(token)) {
        throw Errors.badTableName(
            shown,
            "'"
                + token
                + "' is not a valid domain or subject word (lower-case, starts with a letter, not a kind or period)");
      }
    }
  }
}
