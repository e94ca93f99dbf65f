package org.lambdaref.model.generator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Events happening now, for the speed layer: each call to {@link #next} makes one event at the
 * given instant (or, for the late fraction, {@code lateBy} earlier), sometimes followed by a second
 * copy (a producer retry: same event id) and a malformed record. Same seed, same sequence.
 */
public final class LiveEvents {

  /** The mix of live traffic. */
  public record Spec(
      int places,
      int users,
      double duplicateFraction,
      double lateFraction,
      double malformedFraction,
      Duration lateBy,
      long seed) {

    public static Spec defaults(long seed) {
      return new Spec(1000, 50_000, 0.02, 0.01, 0.005, Duration.ofHours(3), seed);
    }
  }

  private final Spec spec;
  private final SplittableRandom random;
  private long sequence;

  public LiveEvents(Spec spec) {
    this.spec = spec;
    this.random = new SplittableRandom(spec.seed());
  }

  /** The line(s) of one new event, in sending order. */
  public List<GeneratedLine> next(Instant now) {
    List<GeneratedLine> out = new ArrayList<>(3);
    String eventId = "live-" + spec.seed() + "-" + sequence++;
    boolean late = random.nextDouble() < spec.lateFraction();
    Instant eventTime = late ? now.minus(spec.lateBy()) : now.minusMillis(random.nextLong(500));
    int user = random.nextInt(spec.users());
    String action = user % 5 == 0 || random.nextInt(10) < 8 ? "impression" : "click";
    String line =
        EventGenerator.eventJson(
            eventId,
            eventTime,
            now,
            "p-" + random.nextInt(spec.places()),
            "u-" + user,
            action,
            random);
    out.add(
        new GeneratedLine(line, now, late ? GeneratedLine.Kind.LATE : GeneratedLine.Kind.VALID));
    if (random.nextDouble() < spec.duplicateFraction()) {
      out.add(new GeneratedLine(line, now, GeneratedLine.Kind.DUPLICATE));
    }
    if (random.nextDouble() < spec.malformedFraction()) {
      out.add(
          new GeneratedLine(
              EventGenerator.malformed(random, eventId, now), now, GeneratedLine.Kind.MALFORMED));
    }
    return out;
  }
}
