package org.lambdaref.speed;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.lambdaref.config.ConfigKeys;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.config.UserErrors;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/lambda speed}, and the main class of the speed layer's EMR step: runs the streaming
 * query for a while or until stopped.
 */
@Command(
    name = "speed",
    mixinStandardHelpOptions = true,
    description = {
      "Run the speed layer: Kafka to hot tables and exact counters.",
      "Reads Kafka into the hot Delta tables and exact DynamoDB counters, restarting from its"
          + " checkpoint after failures. --starting-offsets <ISO instant> replays from that hour"
          + " (README, Replay)."
    })
public final class SpeedMain implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--run-for",
      paramLabel = "DURATION",
      description = "Stop after this long (e.g. 60s, 10m); default: until stopped.")
  String runFor;

  @Option(
      names = "--starting-offsets",
      paramLabel = "WHERE",
      description =
          "earliest, latest or an ISO instant (2026-11-22T14:00:00Z); a new start point makes a new checkpoint.")
  String startingOffsets;

  @Option(
      names = "--trigger",
      paramLabel = "DURATION",
      description = "Micro-batch interval (default platform.speed.trigger-interval).")
  String trigger;

  @Option(
      names = "--available-now",
      description = "Process what Kafka holds now, then stop (a catch-up run).")
  boolean availableNow;

  public static void main(String[] args) {
    System.exit(UserErrors.installForSteps(new CommandLine(new SpeedMain())).execute(args));
  }

  @Override
  public Integer call() {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (startingOffsets != null) {
      overrides.put(ConfigKeys.SPEED_STARTING_OFFSETS, startingOffsets);
    }
    if (trigger != null) {
      overrides.put("platform.speed.trigger-interval", trigger);
    }
    PlatformConfig config = configOptions.load(overrides);
    Duration limit = runFor == null ? null : parseDuration("--run-for", runFor);
    checkKafka(config);
    SparkSession spark =
        SparkSessions.getOrCreate(
            config, "PlaceEventSpeed_" + config.env().toUpperCase(Locale.ROOT));
    try (DynamoDbCounterStore counters =
        new DynamoDbCounterStore(
            config.dynamodb(),
            config.speed().counterWriters(),
            FaultInjection::afterCounterWrite)) {
      counters.describeTable();
      SpeedRunner.Summary summary =
          SpeedRunner.run(
              spark, config, counters, limit, availableNow ? Trigger.AvailableNow() : null);
      System.out.printf(
          "speed layer stopped: %d micro-batches, %d restarts%s%n",
          summary.batches(),
          summary.restarts(),
          summary.replay() == null ? "" : ", replay from " + summary.replay().countFrom());
    }
    return 0;
  }

  /** A duration option such as 60s, 10m or 2h, or a clear error naming the option. */
  public static Duration parseDurationOption(String option, String value) {
    return parseDuration(option, value);
  }

  static Duration parseDuration(String option, String value) {
    try {
      return Duration.ofMillis(
          ConfigFactory.parseString("d = " + value).getDuration("d").toMillis());
    } catch (RuntimeException e) {
      throw Errors.badArgument(option, value, "a duration such as 60s, 10m or 2h");
    }
  }

  /** Fails fast with a clear message instead of letting the Kafka source retry for minutes. */
  static void checkKafka(PlatformConfig config) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.putAll(config.kafka().clientProperties());
    try (Admin admin = Admin.create(props)) {
      if (!admin.listTopics().names().get(20, TimeUnit.SECONDS).contains(config.kafka().topic())) {
        throw new PlatformException(
            "Kafka topic '"
                + config.kafka().topic()
                + "' does not exist at "
                + config.kafka().bootstrapServers(),
            "the speed layer reads that topic and never creates it",
            "create it (locally: 'bin/lambda local up' does), or set platform.kafka.topic");
      }
    } catch (PlatformException e) {
      throw e;
    } catch (Exception e) {
      throw new PlatformException(
          "Kafka is not reachable at " + config.kafka().bootstrapServers(),
          String.valueOf(e.getCause() == null ? e : e.getCause()),
          "start it ('bin/lambda local up' locally) or set platform.kafka.bootstrap-servers",
          e);
    }
  }
}
