package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.lambdaref.config.Endpoints.JdbcSettings;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;

/**
 * Exports {@code t3.seller_place_aggr_1d_daily} to the serving database as {@code
 * t3_seller_exported_jdbc}, reading the t3 table alone: when the database was down, the export is
 * rerun without recomputing anything (notes 004, section 15, partial sink failure). A period's
 * rows are replaced in one transaction, from a staging table the executors fill, so a rerun gives
 * the same rows and readers never see half a period. A sample of the rows can go to another
 * database (a development copy).
 */
public final class ExportJob {

  public static final String JOB_NAME = "export_seller_jdbc";
  public static final String SAMPLE_JOB_NAME = "export_seller_jdbc_sample";
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private final Lake lake;

  public ExportJob(Lake lake) {
    this.lake = lake;
  }

  /** Exports the period to the serving database. */
  public Ledger.Entry run(LocalDate day) {
    String period = Partitions.day(day);
    JdbcSettings target = lake.config().jdbc();
    String table = lake.config().export().sellerTable();
    return new Ledger(lake).record(JOB_NAME, "t3", period, () -> export(period, target, table, 1.0));
  }

  /** Exports a sample ({@code fraction} of the rows, seeded) to the development database. */
  public Ledger.Entry runSample(LocalDate day, double fraction) {
    if (!(fraction > 0.0 && fraction <= 1.0)) {
      throw Errors.badArgument("--sample", fraction, "a fraction in (0, 1], e.g. 0.01");
    }
    String period = Partitions.day(day);
    JdbcSettings main = lake.config().jdbc();
    JdbcSettings dev = new JdbcSettings(lake.config().export().sampleUrl(), main.user(), main.password());
    String table = lake.config().export().sampleTable();
    return new Ledger(lake).record(SAMPLE_JOB_NAME, "t3", period, () -> export(period, dev, table, fraction));
  }

  private Ledger.Entry export(String period, JdbcSettings db, String table, double fraction) {
    if (!TABLE.matcher(table).matches()) {
      throw Errors.badConfigValue("platform.export.seller-table", table, "a table name like schema.table", null);
    }
    if (!lake.exists(PlatformTables.SELLER_PLACE_1D)) {
      throw new PlatformException("Nothing to export for " + period,
          "t3.seller_place_aggr_1d_daily does not exist yet",
          "run the batch for the period first: bin/lambda batch --job all --start-date <day>");
    }
    Dataset<Row> rows = lake.day(PlatformTables.SELLER_PLACE_1D, period)
        .select(col("seller_id"), col("places"), col("impressions"), col("clicks"), col("unique_users"));
    if (fraction < 1.0) {
      rows = rows.sample(false, fraction, 42L);
    }
    String stage = table.replace('.', '_') + "_stage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      rows.write().format("jdbc").mode(SaveMode.Overwrite)
          .option("url", db.url()).option("dbtable", stage)
          .option("user", db.user()).option("password", db.password())
          .save();
      long written = replacePeriod(db, table, stage, period);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("sink", "jdbc");
      details.put("table", table);
      return Ledger.Entry.rows(written, details);
    } catch (SQLException | RuntimeException e) {
      dropQuietly(db, stage);
      if (e instanceof PlatformException p) {
        throw p;
      }
      throw new PlatformException(
          "Export of " + period + " to " + table + " failed",
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          "the t3 table is intact; when the database is back: bin/lambda export --table t3.seller_place_aggr_1d_daily"
              + " --start-date " + LocalDate.parse(period, Partitions.DAY_FORMAT) + " --iteration-count 1",
          e);
    }
  }

  private static long replacePeriod(JdbcSettings db, String table, String stage, String period) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " (p_ymd varchar(8) NOT NULL, seller_id text NOT NULL,"
            + " places bigint, impressions bigint, clicks bigint, unique_users bigint,"
            + " exported_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (p_ymd, seller_id))");
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE p_ymd = ?")) {
          delete.setString(1, period);
          delete.executeUpdate();
        }
        long inserted;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
            + " (p_ymd, seller_id, places, impressions, clicks, unique_users)"
            + " SELECT ?, seller_id, places, impressions, clicks, unique_users FROM " + stage)) {
          insert.setString(1, period);
          inserted = insert.executeUpdate();
        }
        s.execute("DROP TABLE " + stage);
        c.commit();
        return inserted;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void dropQuietly(JdbcSettings db, String stage) {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + stage.toLowerCase(Locale.ROOT));
    } catch (SQLException ignored) {
      // the database is what failed; the stage table is unique per run and harmless
    }
  }
}
