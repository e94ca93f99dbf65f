package org.lambdaref.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lambdaref.batch.MergedHourlyView;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.StackEndpoints;
import org.lambdaref.localstack.TrinoConfig;
import org.lambdaref.localstack.TrinoDistribution;
import org.lambdaref.model.Columns;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;

/**
 * The lake's tables in the local Trino ({@code lambda local up --with-trino}), over trino-jdbc: a
 * standard JDBC client, so what works here works from any tool. Tables are registered by location
 * in catalog {@value TrinoConfig#CATALOG} under the same {@code <database>.<table>} names Spark
 * uses, so one query runs unchanged on either engine where the dialects agree.
 */
final class TrinoSql implements AutoCloseable {

  /** A result: its column names and at most the rows asked for, and whether more were left. */
  record Result(List<String> header, List<List<Object>> rows, boolean cut) {}

  private final Connection connection;

  private TrinoSql(Connection connection) {
    this.connection = connection;
  }

  static TrinoSql connect(String jdbcUrl) {
    Properties properties = new Properties();
    properties.setProperty("user", TrinoConfig.USER);
    try {
      return new TrinoSql(DriverManager.getConnection(jdbcUrl, properties));
    } catch (SQLException e) {
      throw new PlatformException(
          "Could not connect to Trino at " + jdbcUrl,
          e.getMessage(),
          "check 'bin/lambda local status'; restart the stack with 'bin/lambda local down' and"
              + " 'bin/lambda local up --with-trino'",
          e);
    }
  }

  /** The local stack's Trino, if 'local up --with-trino' left one running for this config. */
  static Optional<String> runningUrl(PlatformConfig config) {
    return LocalStack.attach(config.localStack().dir()).flatMap(StackEndpoints::trinoJdbcUrl);
  }

  /**
   * Registers every platform table whose location holds a Delta table and that Trino does not know
   * at that location yet; returns the names registered now. A name registered at another location
   * (another storage root on the same stack) is registered again at this one, so a query never
   * reads another lake's table. Trino reads the schema and partitions from the table's log, so a
   * table written after registration needs nothing more.
   */
  List<String> registerAll(PlatformConfig config) throws SQLException {
    Set<String> known = new HashSet<>();
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_schema || '.' || table_name FROM "
                    + TrinoConfig.CATALOG
                    + ".information_schema.tables WHERE table_schema <> 'information_schema'")) {
      while (rs.next()) {
        known.add(rs.getString(1));
      }
    }
    List<String> registered = new ArrayList<>();
    Set<String> schemas = new HashSet<>();
    Map<String, Optional<String>> locations = registeredLocations(known);
    for (TableSpec spec : PlatformTables.ALL) {
      String qualified = spec.name().qualified();
      String location = TrinoConfig.location(config.storage().tableLocation(spec.name()));
      if (known.contains(qualified)) {
        if (location.equals(locations.get(qualified).orElse(null))) {
          continue;
        }
        execute(
            "CALL "
                + TrinoConfig.CATALOG
                + ".system.unregister_table(schema_name => "
                + literal(spec.name().database())
                + ", table_name => "
                + literal(spec.name().name())
                + ")");
      }
      if (!holdsDeltaLog(location)) {
        continue;
      }
      if (schemas.add(spec.name().database())) {
        execute(
            "CREATE SCHEMA IF NOT EXISTS " + TrinoConfig.CATALOG + "." + spec.name().database());
      }
      try {
        // CALL takes no bind parameters in Trino: literals, quoted
        execute(
            "CALL "
                + TrinoConfig.CATALOG
                + ".system.register_table(schema_name => "
                + literal(spec.name().database())
                + ", table_name => "
                + literal(spec.name().name())
                + ", table_location => "
                + literal(location)
                + ")");
      } catch (SQLException e) {
        if (!isAbsentTable(e)) {
          throw e;
        }
        continue; // the location has no Delta table (yet): nothing to register
      }
      registered.add(qualified);
    }
    createMergedView(config);
    return registered;
  }

  /**
   * {@code serving.place_action_merged_hourly} in Trino, as Spark has it ({@link
   * MergedHourlyView}): the batch hourly table for the days {@code ops.batch_coverage} lists, the
   * hot table's events counted per place, action and hour for every other day. Plain SQL over
   * tables; the cut is live. Made only once the batch has published its coverage.
   */
  private void createMergedView(PlatformConfig config) throws SQLException {
    Set<String> tables = new HashSet<>();
    for (List<Object> row :
        query(
                "SELECT table_schema || '.' || table_name FROM "
                    + TrinoConfig.CATALOG
                    + ".information_schema.tables WHERE table_type = 'BASE TABLE'",
                0)
            .rows()) {
      tables.add((String) row.get(0));
    }
    boolean batch = tables.contains(PlatformTables.PLACE_ACTION_1H.name().qualified());
    boolean hot = tables.contains(PlatformTables.HOT_PLACE_EVENT.name().qualified());
    if (!tables.contains(PlatformTables.BATCH_COVERAGE.name().qualified()) || !(batch || hot)) {
      // no view over another lake's tables, or over none
      execute("DROP VIEW IF EXISTS " + TrinoConfig.CATALOG + "." + MergedHourlyView.NAME);
      return;
    }
    // a batch table written before hour_start existed: the hour from its partitions
    boolean batchHasStart =
        batch
            && !query(
                    "SELECT 1 FROM "
                        + TrinoConfig.CATALOG
                        + ".information_schema.columns WHERE table_schema = "
                        + literal(PlatformTables.PLACE_ACTION_1H.name().database())
                        + " AND table_name = "
                        + literal(PlatformTables.PLACE_ACTION_1H.name().name())
                        + " AND column_name = "
                        + literal(Columns.HOUR_START.name()),
                    0)
                .rows()
                .isEmpty();
    execute("CREATE SCHEMA IF NOT EXISTS " + TrinoConfig.CATALOG + ".serving");
    execute(
        "CREATE OR REPLACE VIEW "
            + TrinoConfig.CATALOG
            + "."
            + MergedHourlyView.NAME
            + " AS "
            + mergedViewSql(config, batch, batchHasStart, hot));
  }

  /**
   * The instant the local hour of {@code instant} (a timestamp with time zone) started in {@code
   * zone}, in Trino's SQL: {@link org.lambdaref.model.Partitions#hourStart}'s rule. The instant
   * less the local minutes and seconds is that start unless the offset changed within the hour (a
   * zone whose clocks move by half an hour, as Lord Howe's): then the local hour's start is taken
   * at the offset it has.
   */
  static String hourStartSql(String instant, ZoneId zone) {
    String z = literal(zone.getId());
    String local = "(" + instant + " AT TIME ZONE " + z + ")";
    String offset = offsetSeconds(local);
    String c1 =
        "date_add('second', -(minute("
            + local
            + ") * 60 + second("
            + local
            + ")), date_trunc('second', "
            + instant
            + "))";
    String offsetAtC1 = offsetSeconds("(" + c1 + " AT TIME ZONE " + z + ")");
    return "(CASE WHEN "
        + offsetAtC1
        + " = "
        + offset
        + " THEN "
        + c1
        + " ELSE date_add('second', "
        + offset
        + " - "
        + offsetAtC1
        + ", "
        + c1
        + ") END) AT TIME ZONE 'UTC'";
  }

  private static String offsetSeconds(String zoned) {
    return "(timezone_hour(" + zoned + ") * 3600 + timezone_minute(" + zoned + ") * 60)";
  }

  /** The merged view's query in Trino's dialect. */
  static String mergedViewSql(
      PlatformConfig config, boolean batch, boolean batchHasStart, boolean hot) {
    ZoneId zoneId = config.timezone();
    String zone = literal(zoneId.getId());
    String covered = MergedHourlyView.coveredByTable(config.eventSource().name());
    String keys = "place_id, action, p_ymd, p_hh";
    List<String> parts = new ArrayList<>();
    if (batch) {
      // a row written before hour_start existed: its local hour, the earlier one on a fall-back
      // night (as Spark's view reads it)
      String fromPartitions = "with_timezone(date_parse(p_ymd || p_hh, '%Y%m%d%H'), " + zone + ")";
      parts.add(
          "SELECT "
              + keys
              + ", "
              + (batchHasStart ? "coalesce(hour_start, " + fromPartitions + ")" : fromPartitions)
              + " AT TIME ZONE 'UTC' AS hour_start, events, 'batch' AS source FROM "
              + PlatformTables.PLACE_ACTION_1H.name().qualified()
              + " WHERE "
              + covered);
    }
    if (hot) {
      String start = hourStartSql(config.eventSource().timeBasis().column().name(), zoneId);
      parts.add(
          "SELECT "
              + keys
              + ", "
              + start
              + " AS hour_start, count(*) AS events, 'speed' AS source FROM "
              + PlatformTables.HOT_PLACE_EVENT.name().qualified()
              + " WHERE NOT ("
              + covered
              + ") GROUP BY "
              + keys
              + ", "
              + start);
    }
    return String.join(" UNION ALL ", parts);
  }

  private static final Pattern LOCATION = Pattern.compile("location = '((?:[^']|'')*)'");

  /**
   * Where Trino reads each of the registered platform tables, asked all at once: one {@code SHOW
   * CREATE TABLE} each, in parallel (Trino plans them side by side; one after the other they were
   * most of a command's second).
   */
  private Map<String, Optional<String>> registeredLocations(Set<String> known) throws SQLException {
    List<String> names =
        PlatformTables.ALL.stream().map(t -> t.name().qualified()).filter(known::contains).toList();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(names.size(), 8)));
    try {
      Map<String, Future<Optional<String>>> asked = new HashMap<>();
      for (String name : names) {
        asked.put(name, pool.submit(() -> registeredLocation(name)));
      }
      Map<String, Optional<String>> locations = new HashMap<>();
      for (Map.Entry<String, Future<Optional<String>>> e : asked.entrySet()) {
        try {
          locations.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException x) {
          if (x.getCause() instanceof SQLException sql) {
            throw sql;
          }
          throw new IllegalStateException(x.getCause());
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(x);
        }
      }
      return locations;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Where Trino reads a registered table, from its {@code SHOW CREATE TABLE}. */
  private Optional<String> registeredLocation(String qualified) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + qualified)) {
      if (!rs.next()) {
        return Optional.empty();
      }
      Matcher m = LOCATION.matcher(rs.getString(1));
      return m.find() ? Optional.of(m.group(1).replace("''", "'")) : Optional.empty();
    } catch (SQLException e) {
      // a registered table whose files are gone (a deleted lake): registered again, or dropped
      return Optional.empty();
    }
  }

  /**
   * Whether a table's location may hold a Delta table: a local one is checked here; an S3 one is
   * left to Trino, which refuses a location without a log ({@link #isAbsentTable}).
   */
  private static boolean holdsDeltaLog(String trino) {
    if (trino.startsWith("local://")) {
      return Files.isDirectory(Path.of(trino.substring("local://".length())).resolve("_delta_log"));
    }
    return true;
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** Trino's answer for a location with no Delta log. */
  private static boolean isAbsentTable(SQLException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("no transaction log")
        || message.contains("not found")
        || message.contains("does not exist");
  }

  /**
   * What {@code lambda tables} prints, as Trino reads it: rows, data files and partitions of each
   * registered table (after {@link #registerAll}).
   */
  List<LakeTables.TableInfo> describe(PlatformConfig config) throws SQLException {
    Set<String> registered = new HashSet<>();
    for (List<Object> row :
        query(
                "SELECT table_schema || '.' || table_name FROM "
                    + TrinoConfig.CATALOG
                    + ".information_schema.tables WHERE table_schema <> 'information_schema'",
                0)
            .rows()) {
      registered.add((String) row.get(0));
    }
    List<LakeTables.TableInfo> infos = new ArrayList<>();
    for (TableSpec spec : PlatformTables.ALL) {
      String location = config.storage().tableLocation(spec.name());
      String qualified = spec.name().qualified();
      if (!registered.contains(qualified)) {
        infos.add(new LakeTables.TableInfo(spec, location, false, 0, 0, 0));
        continue;
      }
      List<Object> counts =
          query("SELECT count(*), count(DISTINCT \"$path\") FROM " + qualified, 0).rows().get(0);
      long partitions =
          spec.partitionColumns().isEmpty()
              ? 1
              : ((Number)
                      query(
                              "SELECT count(*) FROM "
                                  + spec.name().database()
                                  + ".\""
                                  + spec.name().name()
                                  + "$partitions\"",
                              0)
                          .rows()
                          .get(0)
                          .get(0))
                  .longValue();
      infos.add(
          new LakeTables.TableInfo(
              spec,
              location,
              true,
              partitions,
              ((Number) counts.get(0)).longValue(),
              ((Number) counts.get(1)).longValue()));
    }
    return infos;
  }

  /** Runs one query; keeps at most {@code maxRows} rows (0: all) and says whether more came. */
  Result query(String sql, int maxRows) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> header = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        header.add(meta.getColumnLabel(i));
      }
      List<List<Object>> rows = new ArrayList<>();
      boolean cut = false;
      while (rs.next()) {
        if (maxRows > 0 && rows.size() == maxRows) {
          cut = true;
          break;
        }
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= header.size(); i++) {
          Object value = rs.getObject(i);
          // numbers and booleans stay typed (aligned right, JSON numbers); the rest as Trino
          // prints them (timestamps with their zone)
          row.add(
              value == null || value instanceof Number || value instanceof Boolean
                  ? value
                  : rs.getString(i));
        }
        rows.add(row);
      }
      return new Result(header, rows, cut);
    }
  }

  void execute(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /**
   * Downloads the Trino server into the local Maven repository when it is not there, with the
   * project's Maven wrapper and Maven's own output (821 MB, once).
   */
  static void ensureDownloaded(Console console) {
    if (Files.isRegularFile(TrinoDistribution.tarball())) {
      return;
    }
    String home = System.getProperty("lambda.home", "");
    if (home.isBlank()) {
      throw new PlatformException(
          "The Trino server " + TrinoDistribution.version() + " is not downloaded",
          "no " + TrinoDistribution.tarball(),
          "download it once (821 MB): " + TrinoDistribution.fetchCommand());
    }
    console.line(
        "==> downloading the Trino server %s once (821 MB) into the local Maven repository ...",
        TrinoDistribution.version());
    List<String> command = new ArrayList<>(List.of(TrinoDistribution.fetchCommand().split(" ")));
    command.set(0, Path.of(home, "mvnw").toString());
    try {
      Process maven =
          new ProcessBuilder(command)
              .directory(Path.of(home).toFile())
              .redirectErrorStream(true)
              .start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(maven.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          console.line("    %s", line);
        }
      }
      if (maven.waitFor() != 0 || !Files.isRegularFile(TrinoDistribution.tarball())) {
        throw new PlatformException(
            "Could not download the Trino server " + TrinoDistribution.version(),
            "Maven exited with " + maven.exitValue() + " (its output is above)",
            "check the network to Maven Central and run: " + TrinoDistribution.fetchCommand());
      }
    } catch (IOException e) {
      throw new PlatformException(
          "Could not run Maven to download the Trino server",
          e.toString(),
          "run it yourself: " + TrinoDistribution.fetchCommand(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while downloading Trino", e);
    }
  }
}
