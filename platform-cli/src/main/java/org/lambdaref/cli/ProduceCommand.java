package org.lambdaref.cli;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.Errors;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.LiveEvents;
import org.lambdaref.speed.EventProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Send generated live events to the place event topic.",
      "Sends at a steady rate (idempotent producer, acks=all), with some producer-retry"
          + " duplicates, late events and malformed records."
    })
final class ProduceCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Events per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--events",
      defaultValue = "10000",
      description = "Events to send (default ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--places",
      defaultValue = "1000",
      description = "Distinct places (default ${DEFAULT-VALUE}).")
  int places;

  @Option(names = "--seed", description = "Seed of the event mix (default: the current time).")
  Long seed;

  /** What was sent. */
  record Summary(
      long events, Map<GeneratedLine.Kind, Long> lines, long acknowledged, double seconds) {}

  @Override
  public Integer call() {
    checkOptions(rate, events);
    PlatformConfig config = configOptions.load();
    Console console = Console.stdout();
    console.line(
        "sending %d events at %d/s to %s on %s",
        events, rate, config.kafka().topic(), config.kafka().bootstrapServers());
    Summary s =
        run(config, rate, events, places, seed == null ? System.currentTimeMillis() : seed, null);
    console.line(
        "sent %d events as %d records (%s) in %.1f s: %.0f events/s, all acknowledged",
        s.events(),
        s.acknowledged(),
        s.lines(),
        s.seconds(),
        s.events() / Math.max(0.001, s.seconds()));
    return 0;
  }

  /** Refuses a bad --rate or --events before anything is printed or sent. */
  private static void checkOptions(int rate, long events) {
    if (rate < 1) {
      throw Errors.badArgument("--rate", rate, Errors.wholeNumberFrom(1) + " (events per second)");
    }
    if (events < 0) {
      throw Errors.badArgument("--events", events, Errors.wholeNumberFrom(0));
    }
  }

  static Summary run(
      PlatformConfig config,
      int rate,
      long events,
      int places,
      long seed,
      Consumer<GeneratedLine> sentLines) {
    checkOptions(rate, events);
    LiveEvents.Spec defaults = LiveEvents.Spec.defaults(seed);
    LiveEvents live =
        new LiveEvents(
            new LiveEvents.Spec(
                places,
                defaults.users(),
                defaults.duplicateFraction(),
                defaults.lateFraction(),
                defaults.malformedFraction(),
                defaults.lateBy(),
                seed));
    Map<GeneratedLine.Kind, Long> kinds = new EnumMap<>(GeneratedLine.Kind.class);
    long started = System.nanoTime();
    long acknowledged;
    try (EventProducer producer =
        new EventProducer(
            config.kafka().bootstrapServers(),
            config.kafka().topic(),
            config.kafka().clientProperties())) {
      for (long i = 0; i < events; i++) {
        // pace by the schedule, not by sleeps per event: the rate holds on average
        long due = started + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
          sleepNanos(wait);
        }
        for (GeneratedLine line : live.next(Instant.now())) {
          producer.send(line.line());
          kinds.merge(line.kind(), 1L, Long::sum);
          if (sentLines != null) {
            sentLines.accept(line);
          }
        }
      }
      acknowledged = producer.flush();
    }
    return new Summary(events, kinds, acknowledged, (System.nanoTime() - started) / 1e9);
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
