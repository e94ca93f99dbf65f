package org.lambdaref.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.lambdaref.model.Errors;

/**
 * The speed layer's query. {@code startingOffsets} is {@code earliest}, {@code latest} or an
 * ISO-8601 instant; {@code checkpointDir} is a URI like the storage areas.
 */
public record SpeedSettings(
    Duration triggerInterval,
    String checkpointDir,
    String queryName,
    Duration dedupHorizon,
    String startingOffsets,
    long maxOffsetsPerTrigger,
    int counterWriters,
    int restartAttempts,
    Duration restartBackoff,
    Path metricsFile,
    int hotRetentionKeepDays,
    Duration writerLeaseTtl) {

  static SpeedSettings read(Settings s, String checkpointDir, Path base) {
    String starting = s.nonEmpty("starting-offsets");
    if (!starting.equals("earliest") && !starting.equals("latest")) {
      try {
        Instant.parse(starting);
      } catch (DateTimeParseException e) {
        throw Errors.badConfigValue(
            s.key("starting-offsets"),
            starting,
            "earliest, latest or an ISO-8601 instant such as 2026-11-22T14:00:00Z",
            e);
      }
    }
    String name = s.nonEmpty("query-name");
    if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
      throw Errors.badConfigValue(
          s.key("query-name"),
          name,
          "snake_case letters, digits and _ (it names the checkpoint folder)",
          null);
    }
    return new SpeedSettings(
        s.positiveDuration("trigger-interval"),
        checkpointDir,
        name,
        s.positiveDuration("dedup-horizon"),
        starting,
        s.longIn("max-offsets-per-trigger", 0, Long.MAX_VALUE),
        s.intIn("counter-writers", 1, 256),
        s.intIn("restart-attempts", 0, 1000),
        s.positiveDuration("restart-backoff"),
        base.resolve(s.nonEmpty("metrics-file")).toAbsolutePath().normalize(),
        s.intIn("hot-retention-keep-days", 0, 3650),
        s.positiveDuration("writer-lease-ttl"));
  }
}
