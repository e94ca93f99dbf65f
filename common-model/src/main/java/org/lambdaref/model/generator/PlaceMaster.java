package org.lambdaref.model.generator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.lambdaref.model.Column;
import org.lambdaref.model.ColumnType;
import org.lambdaref.model.Columns;

/**
 * The place master table the events refer to ({@code p-0 .. p-(n-1)}), as a service database would
 * hold it. Seeded; each place belongs to one of {@code sellers} sellers. Its columns are declared
 * once ({@link #COLUMNS}); the local stack's source database, the tests' databases and the tests'
 * dumps of it are all written from that declaration.
 */
public final class PlaceMaster {

  /** The master table's columns, in order: what the snapshot job reads and a dump holds. */
  public static final List<Column> COLUMNS =
      List.of(
          Columns.PLACE_ID,
          Column.string("name"),
          Column.string("category"),
          Column.string("region"),
          Columns.SELLER_ID,
          Column.timestamp("updated_at"));

  private static final String[] CATEGORIES = {"restaurant", "cafe", "hotel", "museum", "park"};
  private static final String[] REGIONS = {"seoul", "busan", "jeju", "tokyo", "osaka"};

  /** One row of the master table. */
  public record Place(
      String placeId,
      String name,
      String category,
      String region,
      String sellerId,
      Instant updatedAt) {}

  private PlaceMaster() {}

  public static List<Place> places(int count, int sellers, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Place> places = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      places.add(
          new Place(
              "p-" + i,
              "Place " + i,
              CATEGORIES[random.nextInt(CATEGORIES.length)],
              REGIONS[random.nextInt(REGIONS.length)],
              "s-" + (i % sellers),
              Instant.parse("2019-01-01T00:00:00Z").plusSeconds(random.nextLong(86_400L * 365))));
    }
    return places;
  }

  /** A place's values in the order of {@link #COLUMNS}. */
  public static Object[] values(Place p) {
    return new Object[] {
      p.placeId(), p.name(), p.category(), p.region(), p.sellerId(), Timestamp.from(p.updatedAt())
    };
  }

  /**
   * Makes {@code table} hold exactly {@code places}, in one transaction: created if missing (keyed
   * by {@code place_id}; time stamps without a zone, as a service database keeps them), emptied,
   * filled.
   */
  public static void replaceAll(Connection c, String table, List<Place> places)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO "
                    + table
                    + " VALUES ("
                    + COLUMNS.stream().map(col -> "?").collect(Collectors.joining(","))
                    + ")")) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " ("
              + COLUMNS.stream().map(PlaceMaster::columnDdl).collect(Collectors.joining(", "))
              + ")");
      s.execute("DELETE FROM " + table);
      for (Place p : places) {
        Object[] values = values(p);
        for (int i = 0; i < values.length; i++) {
          insert.setObject(i + 1, values[i]);
        }
        insert.addBatch();
      }
      insert.executeBatch();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static String columnDdl(Column c) {
    // a service database's local time stamps: without a zone
    String type = c.type() == ColumnType.TIMESTAMP ? "timestamp" : c.type().postgres();
    return c.name() + " " + type + (c.equals(Columns.PLACE_ID) ? " primary key" : "");
  }
}
