package org.lambdaref.emr;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.StorageLayout;
import org.lambdaref.model.TableSpec;

/**
 * The statements that register every platform table in a catalog. Delta tables keep their schema
 * and partitions in their own log, so one statement per table is enough: no partition has to be
 * added afterwards (the notes' separate partition script is not needed with Delta).
 */
public final class CatalogDdl {

  /** Which engine's dialect. */
  public enum Dialect {
    /**
     * Spark SQL on EMR with the Glue Data Catalog or a Hive metastore, and Trino's Delta connector
     * via Glue.
     */
    SPARK,
    /** Athena (engine v3): Delta tables are registered by location with table_type DELTA. */
    ATHENA;

    public static Dialect parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw Errors.badArgument(
            "--dialect", value, "spark (Glue / Hive metastore, Trino) or athena");
      }
    }
  }

  private CatalogDdl() {}

  /**
   * The statements for the tables whose location already holds a Delta table ({@code
   * holdsDeltaTable}: its {@code _delta_log} exists), and for each other table a comment saying why
   * it is left out. {@code CREATE TABLE ... USING DELTA LOCATION} on an empty location makes a
   * Delta table with no columns and no partitions (Delta, "Create a table": without a schema the
   * table takes the one at the location, and an empty location has none), and the job's first write
   * then fails with "Partition columns do not match"; Athena refuses an empty location outright.
   * Such a table is registered by the job at its first write ({@code
   * platform.spark.register-tables}).
   */
  public static List<String> statements(
      StorageLayout storage, Dialect dialect, Predicate<String> holdsDeltaTable) {
    List<String> out = new ArrayList<>();
    Set<String> databases = new LinkedHashSet<>();
    PlatformTables.ALL.forEach(t -> databases.add(t.name().database()));
    for (String db : databases) {
      out.add("CREATE DATABASE IF NOT EXISTS " + db);
    }
    for (TableSpec t : PlatformTables.ALL) {
      String location = storage.tableLocation(t.name());
      if (!holdsDeltaTable.test(location)) {
        out.add(
            "-- "
                + t.name().qualified()
                + ": no Delta table at "
                + location
                + " yet (no _delta_log), so not registered here: on an empty location CREATE TABLE"
                + " makes a table with no columns and no partitions, and the first write fails"
                + " ('Partition columns do not match'). The job registers it at its first write"
                + " (platform.spark.register-tables); run this again after the first run");
        continue;
      }
      out.add(
          switch (dialect) {
            case SPARK ->
                t.createStatement(location)
                    + " COMMENT '"
                    + t.description().replace("'", "''")
                    + "'";
            case ATHENA ->
                "CREATE EXTERNAL TABLE IF NOT EXISTS "
                    + t.name().qualified()
                    + " LOCATION '"
                    + location.replaceFirst("^s3a://", "s3://")
                    + "' TBLPROPERTIES ('table_type' = 'DELTA')";
          });
    }
    return out;
  }
}
