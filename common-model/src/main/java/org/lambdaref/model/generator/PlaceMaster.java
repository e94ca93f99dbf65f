package org.lambdaref.model.generator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The place master table the events refer to ({@code p-0 .. p-(n-1)}), as a service database would
 * hold it. Seeded; each place belongs to one of {@code sellers} sellers.
 */
public final class PlaceMaster {

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
}
