package org.lambdaref.emr;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.lambdaref.model.PlatformException;
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
        throw new PlatformException(
            "Unknown --dialect '" + value + "'",
            "the dialects are spark and athena",
            "use --dialect spark (Glue / Hive metastore, Trino) or --dialect athena");
      }
    }
  }

  private CatalogDdl() {}

  public static List<String> statements(StorageLayout storage, Dialect dialect) {
    List<String> out = new ArrayList<>();
    Set<String> databases = new LinkedHashSet<>();
    PlatformTables.ALL.forEach(t -> databases.add(t.name().database()));
    for (String db : databases) {
      out.add("CREATE DATABASE IF NOT EXISTS " + db);
    }
    for (TableSpec t : PlatformTables.ALL) {
      String location = storage.tableLocation(t.name());
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
