package org.lambdaref.model.generator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Synthetic place events with known answers: seeded and reproducible, over a date range, with
 * chosen fractions of duplicates, late arrivals and malformed lines.
 *
 * <p>On-time events arrive 0-120 s after they happen, so an event late in an hour lands in the next
 * UTC arrival hour (and an event just before midnight in the next day's arrival partition), the
 * edge the batch layer's window has to get right. Duplicates arrive 1 s-2 h after the original,
 * often in another arrival hour. Late events arrive 1 min-24 h after their day closed. Every fifth
 * user only impresses, so unique-user and click counts differ.
 */
public final class EventGenerator {

  private static final String[] COUNTRIES = {"KR", "JP", "US"};
  private static final String[] SUB_CATEGORIES = {"search", "map", "feed"};

  private EventGenerator() {}

  /** Generates every line of the spec, in the order of generation (not of arrival). */
  public static List<GeneratedLine> generate(GeneratorSpec spec) {
    List<GeneratedLine> lines = new ArrayList<>();
    generate(spec, lines::add);
    return lines;
  }

  /** Streams lines day by day so that large data sets need not fit in memory. */
  public static void generate(GeneratorSpec spec, Consumer<GeneratedLine> sink) {
    SplittableRandom random = new SplittableRandom(spec.seed());
    for (int d = 0; d < spec.days(); d++) {
      LocalDate day = spec.startDate().plusDays(d);
      Instant dayStart = day.atStartOfDay(spec.zone()).toInstant();
      Instant dayEnd = day.plusDays(1).atStartOfDay(spec.zone()).toInstant();
      long dayMillis = Duration.between(dayStart, dayEnd).toMillis();
      List<GeneratedLine> dayLines = new ArrayList<>();
      for (int i = 0; i < spec.eventsPerDay(); i++) {
        String eventId = String.format(Locale.ROOT, "%s-%08d", day, i);
        Instant eventTime = dayStart.plusMillis(random.nextLong(dayMillis));
        boolean late = random.nextDouble() < spec.lateFraction();
        Instant arrival =
            late
                ? dayEnd.plus(spec.lateness()).plusSeconds(60 + random.nextLong(24 * 3600))
                : eventTime.plusMillis(random.nextLong(120_000));
        String placeId = "p-" + random.nextInt(spec.places());
        int userNumber = random.nextInt(spec.users());
        String action = userNumber % 5 == 0 || random.nextInt(10) < 8 ? "impression" : "click";
        String line =
            eventJson(eventId, eventTime, arrival, placeId, "u-" + userNumber, action, random);
        dayLines.add(
            new GeneratedLine(
                line, arrival, late ? GeneratedLine.Kind.LATE : GeneratedLine.Kind.VALID));
        if (random.nextDouble() < spec.duplicateFraction()) {
          Instant again = arrival.plusSeconds(1 + random.nextLong(7200));
          String copy =
              eventJson(eventId, eventTime, again, placeId, "u-" + userNumber, action, random);
          // a copy of a late event is itself late: lateness is judged before duplication
          dayLines.add(
              new GeneratedLine(
                  copy, again, late ? GeneratedLine.Kind.LATE : GeneratedLine.Kind.DUPLICATE));
        }
        if (random.nextDouble() < spec.malformedFraction()) {
          Instant when = eventTime.plusMillis(random.nextLong(120_000));
          dayLines.add(
              new GeneratedLine(
                  malformed(random, eventId, when), when, GeneratedLine.Kind.MALFORMED));
        }
      }
      dayLines.sort(Comparator.comparing(GeneratedLine::arrival));
      dayLines.forEach(sink);
    }
  }

  static String eventJson(
      String eventId,
      Instant eventTime,
      Instant processingTime,
      String placeId,
      String userId,
      String action,
      SplittableRandom random) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"event_time\":\""
        + eventTime
        + "\",\"processing_time\":\""
        + processingTime
        + "\",\"country\":\""
        + COUNTRIES[random.nextInt(COUNTRIES.length)]
        + "\",\"category\":\"place\",\"sub_category\":\""
        + SUB_CATEGORIES[random.nextInt(SUB_CATEGORIES.length)]
        + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\""
        + placeId
        + "\",\"user_id\":\""
        + userId
        + "\",\"action\":\""
        + action
        + "\"}}";
  }

  /** One of several kinds of broken record a collector really produces. */
  static String malformed(SplittableRandom random, String eventId, Instant when) {
    String good =
        "{\"event_id\":\"bad-"
            + eventId
            + "\",\"event_time\":\""
            + when
            + "\",\"processing_time\":\""
            + when
            + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\"p-1\",\"user_id\":\"u-1\",\"action\":\"click\"}}";
    return switch (random.nextInt(5)) {
      case 0 -> good.substring(0, 20 + random.nextInt(good.length() - 30)); // truncated
      case 1 -> good.replace("\"action\":\"click\"", "\"action\":\"purchase\""); // unknown action
      case 2 ->
          good.replace(",\"records\":{\"place_id\":\"p-1\",", ",\"records\":{"); // missing place_id
      case 3 ->
          good.replaceFirst(
              "\"event_time\":\"[^\"]*\"", "\"event_time\":\"08/06/2019 15:30\""); // bad timestamp
      default -> good.replace("\"place_id\":\"p-1\"", "\"place_id\":{\"id\":1}"); // wrong type
    };
  }
}
