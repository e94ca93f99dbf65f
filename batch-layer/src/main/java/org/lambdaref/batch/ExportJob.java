package org.lambdaref.batch;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.lambdaref.config.JdbcSettings;
import org.lambdaref.model.Column;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports {@code t3.seller_place_aggr_1d_daily} to the serving database as {@code
 * t3_seller_exported_jdbc}, reading the t3 table alone: when the database was down, the export is
 * rerun without recomputing anything (notes 004, section 15, partial sink failure). A period's rows
 * are replaced in one transaction, from a staging table the executors fill, so a rerun gives the
 * same rows and readers never see half a period. A sample of the rows can go to another database (a
 * development copy).
 *
 * <p>Every wait on the database is bounded by {@code platform.jdbc.connect-timeout}, {@code
 * socket-timeout}, {@code statement-timeout} and (PostgreSQL) {@code lock-timeout}; when one
 * expires the export fails naming the table, the timeout and its setting. The staging table is
 * named {@code <table>_stage_<yyyyMMddHHmmss UTC>_<6 hex>}: a failed export drops its own, and
 * every export drops those of its target table older than {@link #ORPHAN_AGE} (left by a killed
 * JVM; younger ones may belong to an export of another period that is still running).
 */
public final class ExportJob implements PeriodJob {

  public static final String JOB_NAME = "export_seller_jdbc";
  public static final String SAMPLE_JOB_NAME = "export_seller_jdbc_sample";

  /** The ledger's name of what the export reads. */
  static final String SOURCE = "t3";

  /** A staging table older than this is an orphan: no export runs that long. */
  static final Duration ORPHAN_AGE = Duration.ofHours(24);

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1); a longer staging name would be truncated. */
  static final int MAX_IDENTIFIER = 63;

  static final DateTimeFormatter STAGE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);

  private final Lake lake;

  public ExportJob(Lake lake) {
    this.lake = lake;
  }

  /** Exports the period to the serving database. */
  public Ledger.Entry run(LocalDate day) {
    return new Ledger(lake).record(this, Period.ofDay(day));
  }

  @Override
  public Id id(Period period) {
    return new Id(JOB_NAME, SOURCE);
  }

  @Override
  public Ledger.Entry write(Period period) {
    return export(
        period.ymd(),
        lake.config().jdbc(),
        lake.config().export().sellerTable(),
        "platform.export.seller-table",
        1.0);
  }

  /** Exports a sample ({@code fraction} of the rows, seeded) to the development database. */
  public Ledger.Entry runSample(LocalDate day, double fraction) {
    if (!(fraction > 0.0 && fraction <= 1.0)) {
      throw Errors.badArgument("--sample", fraction, "a fraction in (0, 1], e.g. 0.01");
    }
    String period = Partitions.day(day);
    JdbcSettings dev = lake.config().jdbc().withUrl(lake.config().export().sampleUrl());
    String table = lake.config().export().sampleTable();
    return new Ledger(lake)
        .record(
            SAMPLE_JOB_NAME,
            SOURCE,
            period,
            () -> export(period, dev, table, "platform.export.sample-table", fraction));
  }

  /** The staging-table prefix of {@code table}: {@code <schema>_<table>_stage_}, lower case. */
  static String stagePrefix(String table) {
    return table.replace('.', '_').toLowerCase(Locale.ROOT) + "_stage_";
  }

  /** A new staging-table name for {@code table}, stamped with {@code now}. */
  static String stageName(String table, Instant now) {
    return stagePrefix(table)
        + STAGE_TIME.format(now)
        + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
  }

  private Ledger.Entry export(
      String period, JdbcSettings db, String table, String tableKey, double fraction) {
    if (!TABLE.matcher(table).matches()) {
      throw Errors.badConfigValue(tableKey, table, "a table name like schema.table", null);
    }
    Instant now = Instant.now();
    String stage = stageName(table, now);
    if (stage.length() > MAX_IDENTIFIER) {
      throw Errors.badConfigValue(
          tableKey,
          table,
          "a table name of at most "
              + (MAX_IDENTIFIER - (stage.length() - table.length()))
              + " characters (its staging table, "
              + stage
              + ", must fit the database's "
              + MAX_IDENTIFIER
              + "-character identifiers)",
          null);
    }
    if (!lake.exists(PlatformTables.SELLER_PLACE_1D)) {
      throw new PlatformException(
          "Nothing to export for " + period,
          "t3.seller_place_aggr_1d_daily does not exist yet",
          "run the batch for the period first: bin/lambda batch --job all --start-date <day>");
    }
    Dataset<Row> rows =
        lake.day(PlatformTables.SELLER_PLACE_1D, period)
            .selectExpr(EXPORTED.stream().map(Column::name).toArray(String[]::new));
    if (fraction < 1.0) {
      rows = rows.sample(false, fraction, 42L);
    }
    String rerun =
        "bin/lambda export --table t3.seller_place_aggr_1d_daily --start-date "
            + LocalDate.parse(period, Partitions.DAY_FORMAT)
            + " --iteration-count 1";
    boolean staged = false;
    try {
      dropOrphans(db, table, stage, now);
      staged = true;
      rows.write()
          .format("jdbc")
          .mode(SaveMode.Overwrite)
          .options(sparkOptions(db))
          .option("dbtable", stage)
          .save();
      long written = replacePeriod(db, table, stage, period);
      staged = false; // dropped in the transaction that replaced the period
      Map<String, String> details = new LinkedHashMap<>();
      details.put("sink", "jdbc");
      details.put("table", table);
      return Ledger.Entry.rows(written, details);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof PlatformException p) {
        throw p;
      }
      PlatformException timeout =
          timeoutError(
              e, db, "platform.jdbc", "Export of " + period + " to " + table, table, rerun);
      if (timeout != null) {
        throw timeout;
      }
      throw new PlatformException(
          "Export of " + period + " to " + table + " failed",
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          "the t3 table is intact; when the database is back: " + rerun,
          e);
    } finally {
      if (staged) {
        dropQuietly(db, stage);
      }
    }
  }

  /** The exported columns: the seller table's data columns, as its declaration lists them. */
  private static final List<Column> EXPORTED = PlatformTables.SELLER_PLACE_1D.dataColumns();

  private static String exportedNames() {
    return EXPORTED.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  /** A column of the JDBC table: the key {@code seller_id} is required, the counts are bigint. */
  private static String columnDdl(Column c) {
    return c.name() + " " + c.type().postgres() + (c.equals(Columns.SELLER_ID) ? " NOT NULL" : "");
  }

  private static long replacePeriod(JdbcSettings db, String table, String stage, String period)
      throws SQLException {
    try (Connection c = open(db)) {
      c.setAutoCommit(false);
      try (Statement s = statement(c, db)) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " ("
                + Partitions.DAY_COLUMN
                + " varchar(8) NOT NULL, "
                + EXPORTED.stream().map(ExportJob::columnDdl).collect(Collectors.joining(", "))
                + ", exported_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY ("
                + Partitions.DAY_COLUMN
                + ", "
                + Columns.SELLER_ID.name()
                + "))");
        try (PreparedStatement delete =
            prepare(c, db, "DELETE FROM " + table + " WHERE p_ymd = ?")) {
          delete.setString(1, period);
          delete.executeUpdate();
        }
        long inserted;
        try (PreparedStatement insert =
            prepare(
                c,
                db,
                "INSERT INTO "
                    + table
                    + " ("
                    + Partitions.DAY_COLUMN
                    + ", "
                    + exportedNames()
                    + ") SELECT ?, "
                    + exportedNames()
                    + " FROM "
                    + stage)) {
          insert.setString(1, period);
          inserted = insert.executeUpdate();
        }
        s.execute("DROP TABLE " + stage);
        c.commit();
        return inserted;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  /**
   * Drops the staging tables of {@code table} that earlier exports left behind (a killed JVM):
   * those of this exporter's naming pattern, in the connection's schema, stamped more than {@link
   * #ORPHAN_AGE} before {@code now}, and never {@code current}. A table that cannot be dropped is
   * logged and left for the next run.
   */
  static List<String> dropOrphans(JdbcSettings db, String table, String current, Instant now)
      throws SQLException {
    String prefix = stagePrefix(table);
    Pattern pattern =
        Pattern.compile(Pattern.quote(prefix) + "(\\d{14})_[0-9a-f]{6}", Pattern.CASE_INSENSITIVE);
    List<String> dropped = new ArrayList<>();
    try (Connection c = open(db)) {
      String schema = c.getSchema();
      if (schema == null) {
        return dropped; // no current schema to confine the search to: leave everything alone
      }
      DatabaseMetaData meta = c.getMetaData();
      String like = meta.storesUpperCaseIdentifiers() ? prefix.toUpperCase(Locale.ROOT) : prefix;
      List<String> orphans = new ArrayList<>();
      try (ResultSet rs =
          meta.getTables(c.getCatalog(), schema, like + "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String name = rs.getString("TABLE_NAME");
          Matcher m = pattern.matcher(name);
          if (m.matches()
              && !name.equalsIgnoreCase(current)
              && stampedBefore(m.group(1), now.minus(ORPHAN_AGE))) {
            orphans.add(name);
          }
        }
      }
      for (String orphan : orphans) {
        try (Statement s = statement(c, db)) {
          s.execute("DROP TABLE IF EXISTS " + orphan);
          dropped.add(orphan);
          LOG.info(
              "dropped the orphan staging table {} (left by an export that did not finish)",
              orphan);
        } catch (SQLException e) {
          LOG.warn(
              "could not drop the orphan staging table {}; the next export tries again: {}",
              orphan,
              e.getMessage());
        }
      }
    }
    return dropped;
  }

  private static boolean stampedBefore(String stamp, Instant limit) {
    try {
      return LocalDateTime.parse(stamp, STAGE_TIME).toInstant(ZoneOffset.UTC).isBefore(limit);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static void dropQuietly(JdbcSettings db, String stage) {
    try (Connection c = open(db);
        Statement s = statement(c, db)) {
      s.execute("DROP TABLE IF EXISTS " + stage.toLowerCase(Locale.ROOT));
    } catch (SQLException | RuntimeException e) {
      // the database is what failed; the next export drops the stage table once it is an orphan
      LOG.warn(
          "could not drop the staging table {}; a later export drops it: {}",
          stage,
          e.getMessage());
    }
  }

  // --- JDBC with bounded waits, shared with SnapshotJob ---

  /** A timeout of {@link JdbcSettings} that expired, and its setting's name under platform.jdbc. */
  enum Timeout {
    CONNECT("connect-timeout"),
    SOCKET("socket-timeout"),
    STATEMENT("statement-timeout"),
    LOCK("lock-timeout");

    final String setting;

    Timeout(String setting) {
      this.setting = setting;
    }

    Duration of(JdbcSettings db) {
      return switch (this) {
        case CONNECT -> db.connectTimeout();
        case SOCKET -> db.socketTimeout();
        case STATEMENT -> db.statementTimeout();
        case LOCK -> db.lockTimeout();
      };
    }
  }

  /**
   * A connection whose waits are bounded: for PostgreSQL the driver's connect, login and socket
   * timeouts and the session's lock_timeout and statement_timeout ({@link
   * JdbcSettings#connectionProperties()}); for any driver the login timeout (if none is set yet)
   * and the network timeout.
   */
  static Connection open(JdbcSettings db) throws SQLException {
    Properties props = new Properties();
    props.putAll(db.connectionProperties());
    if (db.isPostgres()) {
      registerPostgresDriver();
    }
    if (!db.isPostgres() && DriverManager.getLoginTimeout() == 0) {
      DriverManager.setLoginTimeout(JdbcSettings.seconds(db.connectTimeout()));
    }
    Connection c = DriverManager.getConnection(db.url(), props);
    try {
      c.setNetworkTimeout(
          Runnable::run, (int) Math.min(Integer.MAX_VALUE, db.socketTimeout().toMillis()));
    } catch (SQLException | UnsupportedOperationException | AbstractMethodError notSupported) {
      LOG.debug(
          "the JDBC driver of {} has no network timeout: {}", db.url(), notSupported.toString());
    }
    return c;
  }

  static Statement statement(Connection c, JdbcSettings db) throws SQLException {
    Statement s = c.createStatement();
    s.setQueryTimeout(JdbcSettings.seconds(db.statementTimeout()));
    return s;
  }

  static PreparedStatement prepare(Connection c, JdbcSettings db, String sql) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    s.setQueryTimeout(JdbcSettings.seconds(db.statementTimeout()));
    return s;
  }

  /**
   * Options of Spark's JDBC data source: the URL, the connection properties and the query timeout.
   */
  static final String POSTGRES_DRIVER = "org.postgresql.Driver";

  /**
   * Loads the PostgreSQL driver through this class's loader, which registers it with DriverManager
   * for callers of that loader: DriverManager's own lookup misses a driver that is only in an
   * application class loader (a standalone cluster-mode driver's).
   */
  static void registerPostgresDriver() throws SQLException {
    try {
      Class.forName(POSTGRES_DRIVER, true, ExportJob.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new SQLException("the PostgreSQL driver is not on the classpath", e);
    }
  }

  static Map<String, String> sparkOptions(JdbcSettings db) {
    Map<String, String> options = new LinkedHashMap<>(db.connectionProperties());
    options.put("url", db.url());
    options.put("queryTimeout", Integer.toString(JdbcSettings.seconds(db.statementTimeout())));
    if (db.isPostgres()) {
      // Named, Spark loads the driver through the application's class loader. Unnamed, it asks
      // DriverManager, which finds no driver when the jar is not on the JVM's classpath: a
      // standalone cluster-mode driver holds the application jar in a class loader of its own
      // ("No suitable driver", found by bin/lambda emr rehearse); YARN puts it on the classpath.
      options.put("driver", POSTGRES_DRIVER);
    }
    return options;
  }

  /** Which timeout {@code e} (or a cause) reports, if any. */
  static Timeout expired(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof SQLException sql) {
        String state = String.valueOf(sql.getSQLState());
        if (state.equals("55P03")) {
          return Timeout.LOCK;
        }
        if (state.equals("57014") || sql instanceof SQLTimeoutException) {
          return message.contains("lock timeout") ? Timeout.LOCK : Timeout.STATEMENT;
        }
        if (state.startsWith("08")
            && message.contains("timed out")
            && !(t.getCause() instanceof SocketTimeoutException)) {
          return Timeout.CONNECT; // PostgreSQL's "Connection attempt timed out." (login timeout)
        }
      }
      if (t instanceof SocketTimeoutException) {
        return message.contains("connect") ? Timeout.CONNECT : Timeout.SOCKET;
      }
      // a task's exception that reached the driver as text only (Spark)
      if (message.contains("canceling statement due to lock timeout")) {
        return Timeout.LOCK;
      }
      if (message.contains("canceling statement due to statement timeout")) {
        return Timeout.STATEMENT;
      }
    }
    return null;
  }

  /**
   * The error for a timeout of {@code db} that {@code e} reports, or null when {@code e} is no
   * timeout. {@code keyPrefix} is where the settings live (platform.jdbc, platform.source-db).
   */
  static PlatformException timeoutError(
      Throwable e, JdbcSettings db, String keyPrefix, String what, String table, String rerun) {
    Timeout timeout = expired(e);
    if (timeout == null) {
      return null;
    }
    String key = keyPrefix + "." + timeout.setting;
    Duration value = timeout.of(db);
    String problem =
        what
            + " failed: the "
            + timeout.setting.replace('-', ' ')
            + " expired ("
            + key
            + " = "
            + format(value)
            + ")";
    String why;
    String fix;
    switch (timeout) {
      case LOCK -> {
        why =
            "another session holds a lock on "
                + table
                + " and kept it longer than "
                + format(value)
                + " (an open transaction, a migration, a manual LOCK TABLE)";
        fix =
            "find the blocking session: select pid, usename, state, xact_start, query from pg_stat_activity"
                + " where pid in (select pid from pg_locks where relation = '"
                + table
                + "'::regclass and granted);"
                + " end its transaction (or select pg_terminate_backend(<pid>)), or raise "
                + key;
      }
      case STATEMENT -> {
        why =
            "a statement on "
                + table
                + " ran longer than "
                + format(value)
                + " (a busy or blocked database: another session's lock, an overloaded server, or more rows than usual)";
        fix =
            "look for long-running or blocking sessions in pg_stat_activity and pg_locks, or raise "
                + key;
      }
      case SOCKET -> {
        why =
            "the database at "
                + db.url()
                + " sent nothing for "
                + format(value)
                + " while "
                + table
                + " was read or written (a hung server or a broken network path)";
        fix = "check the database and the network between it and this job, or raise " + key;
      }
      default -> {
        why =
            "no connection to "
                + db.url()
                + " within "
                + format(value)
                + " (the database is down, unreachable, or not accepting logins)";
        fix = "check that the database is up and reachable from this host, or raise " + key;
      }
    }
    return new PlatformException(
        problem,
        why + "; " + Errors.rootCause(e),
        fix
            + "; then run it again (nothing was half-written, the period's rows are as before): "
            + rerun,
        e);
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return (ms / 60_000) + "m";
    }
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
