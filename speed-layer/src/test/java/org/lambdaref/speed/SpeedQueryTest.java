package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.PlatformTables;

/**
 * The speed query against a real Kafka broker and DynamoDB Local: exact counters, duplicates
 * dropped, malformed records quarantined, late events in their own hour, a resumed checkpoint that
 * remembers what it deduplicated, and a replay from a point in time that recounts without double
 * counting.
 *
 * <p>The setup sends the first traffic and counts it once, keeping what the tables held right
 * after; the first test checks that, the others build on it (a resume with copies of its events, a
 * replay over its hours) and hold in any order.
 */
class SpeedQueryTest {

  @RegisterExtension static final SpeedStack speed = SpeedStack.named("speed_query_test");

  private static Path root;
  private static Map<String, String> overrides;
  private static PlatformConfig config;
  private static SparkSession spark;
  private static DynamoDbCounterStore counters;
  private static final List<String> sent = new ArrayList<>();
  private static final Instant NOW = Instant.now();

  /** The setup's traffic, counted by the first catch-up. */
  private static List<String> first;

  /** What the tables held right after the first catch-up. */
  private static Map<String, Long> firstCounters;

  private static Row firstHot;
  private static List<String> firstReasons;
  private static long firstQuarantined;
  private static List<String> firstHotMismatches;
  private static List<String> firstQuarantineMismatches;

  @BeforeAll
  static void setUp() {
    root = speed.root();
    overrides = speed.overrides();
    config = speed.config();
    counters = speed.counters();
    spark = SparkSessions.getOrCreate(config, "SpeedQueryTest");

    first = SpeedFixture.mixedTraffic("a", 2_000, NOW, 1);
    SpeedFixture.send(config, first);
    sent.addAll(first);
    catchUp(config);
    firstCounters = SpeedFixture.asMap(counters.scanAll());
    firstHot =
        spark
            .read()
            .format("delta")
            .load(hotLocation())
            .selectExpr("count(*)", "count(distinct event_id)")
            .first();
    firstReasons =
        spark
            .read()
            .format("delta")
            .load(quarantineLocation())
            .selectExpr("reason")
            .distinct()
            .as(Encoders.STRING())
            .collectAsList();
    firstQuarantined = spark.read().format("delta").load(quarantineLocation()).count();
    firstHotMismatches =
        SparkSchemas.mismatches(spark, hotLocation(), PlatformTables.HOT_PLACE_EVENT);
    firstQuarantineMismatches =
        SparkSchemas.mismatches(
            spark, quarantineLocation(), PlatformTables.HOT_PLACE_EVENT_QUARANTINE);
  }

  private static SpeedRunner.Summary catchUp(PlatformConfig c) {
    return SpeedRunner.run(spark, c, counters, null, Trigger.AvailableNow());
  }

  @Test
  void countsEveryValidEventOnceInItsOwnHourAndQuarantinesTheRest() {
    Map<String, Long> expected = SpeedFixture.truth(config, first);
    assertThat(firstCounters).as("counters per place, action and hour").isEqualTo(expected);
    assertThat(expected.keySet())
        .as("late events made counters of earlier hours")
        .anyMatch(
            k ->
                k.endsWith(NOW.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5)) + "")
                    || !k.endsWith(
                        HotRecordClassifier.hourBucket(NOW, config.timezone()).toString()));
    long valid = expected.values().stream().mapToLong(Long::longValue).sum();
    assertThat(firstHot.getLong(0)).as("hot rows = distinct valid events").isEqualTo(valid);
    assertThat(firstHot.getLong(1)).as("no event id twice in the hot table").isEqualTo(valid);
    assertThat(firstReasons)
        .as("quarantine reasons")
        .containsExactlyInAnyOrder("malformed_json", "unknown_action");
    long bad = first.stream().filter(l -> l.length() == 30 || l.contains("purchase")).count();
    assertThat(firstQuarantined).as("every bad record quarantined").isEqualTo(bad);
    assertThat(firstHotMismatches).as("the hot table as its declaration lists it").isEmpty();
    assertThat(firstQuarantineMismatches)
        .as("the hot quarantine as its declaration lists it")
        .isEmpty();
  }

  @Test
  void aResumedQueryStillDropsDuplicatesItSawBeforeTheRestart() {
    // copies of 50 events the first run counted, plus new events
    List<String> more = new ArrayList<>(first.subList(0, 50));
    more.addAll(SpeedFixture.mixedTraffic("b", 500, NOW, 2));
    SpeedFixture.send(config, more);
    sent.addAll(more);

    catchUp(config);

    assertThat(SpeedFixture.asMap(counters.scanAll()))
        .as("counters after resume")
        .isEqualTo(SpeedFixture.truth(config, sent));
  }

  @Test
  void aReplayFromAnInstantRecountsItsHoursWithoutCountingTwice() {
    Map<String, Long> before = SpeedFixture.asMap(counters.scanAll());
    Instant from = NOW.minus(Duration.ofHours(3));
    Map<String, String> replay = new HashMap<>(overrides);
    replay.put("platform.speed.starting-offsets", from.toString());
    PlatformConfig replayConfig = SpeedFixture.config(replay, root);

    SpeedRunner.Summary summary = catchUp(replayConfig);

    assertThat(summary.replay()).as("replay window").isNotNull();
    assertThat(summary.replay().countFrom())
        .isEqualTo(HotRecordClassifier.hourBucket(from, config.timezone()));
    assertThat(SpeedFixture.asMap(counters.scanAll()))
        .as("counters after the replay equal those before it")
        .isEqualTo(before);
    Row hot =
        spark
            .read()
            .format("delta")
            .load(hotLocation())
            .selectExpr("count(*)", "count(distinct event_id)")
            .first();
    assertThat(hot.getLong(0))
        .as("hot rows after the replay, no duplicates")
        .isEqualTo(hot.getLong(1));

    // the same request again resumes the replay's checkpoint instead of replaying a second time
    assertThat(catchUp(replayConfig).replay().launchedAt())
        .isEqualTo(summary.replay().launchedAt());
    assertThat(SpeedFixture.asMap(counters.scanAll())).isEqualTo(before);
  }

  private static String hotLocation() {
    return config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name());
  }

  private static String quarantineLocation() {
    return config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT_QUARANTINE.name());
  }
}
