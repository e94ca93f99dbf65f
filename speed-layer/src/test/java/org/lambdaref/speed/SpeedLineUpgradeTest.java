package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.package$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LineUpgrade;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.model.PlatformTables;

/**
 * The upgrade a user makes when moving the speed layer from EMR 7.x to {@code emr-spark-8.x}: the
 * speed layer of the previous line (Spark 3.5, Delta 3.3, built from the tag {@code
 * spark-3.5-last}) runs on a topic, stops, and this build (Spark 4.0, Delta 4.0) resumes from the
 * same checkpoint, hot tables and counters. Duplicates of events the old line already counted are
 * sent after the switch, so the dedup state must survive it. Afterwards every counter equals the
 * distinct valid events sent for it and the hot table holds each event once.
 *
 * <p>Needs the old line's build: {@code tools/line-upgrade-check} builds the tag in a worktree and
 * passes it as {@link LineUpgrade#FROM_TREE}, so the suite skips it.
 */
@EnabledIfSystemProperty(named = LineUpgrade.FROM_TREE, matches = ".+")
class SpeedLineUpgradeTest {

  @TempDir Path root;

  @Test
  void aCheckpointOfTheSpark35SpeedLayerResumesOnThisLineWithoutLosingOrDoublingAnEvent()
      throws Exception {
    String oldClasspath = LineUpgrade.classpathOf("speed-layer");
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"), ServerKind.KAFKA, ServerKind.DYNAMODB))) {
      Map<String, String> overrides =
          new LinkedHashMap<>(SpeedFixture.overrides(stack, root, "speed_upgrade_test"));
      // several micro-batches, so that the old line leaves dedup state and commits behind
      overrides.put("platform.speed.max-offsets-per-trigger", "450");
      overrides.put("platform.speed.restart-attempts", "0");
      PlatformConfig config = SpeedFixture.config(overrides, root);
      SpeedFixture.createTopic(stack.kafkaBootstrapServers(), config.kafka().topic(), 3);
      List<String> sent = new ArrayList<>();
      try (DynamoDbCounterStore counters = new DynamoDbCounterStore(config.dynamodb(), 4)) {
        counters.createTableIfMissing();

        List<String> before = SpeedFixture.mixedTraffic("old", 2_000, Instant.now(), 41);
        SpeedFixture.send(config, before);
        sent.addAll(before);
        Path oldLog = root.resolve("speed-3.5.log");
        assertThat(SpeedProcess.runOn(oldClasspath, overrides, oldLog, "--available-now"))
            .as("the Spark 3.5 speed layer ran to the end of the topic; see " + oldLog)
            .isZero();

        // new events, and copies of events the old line already kept (a producer retrying across
        // the switch)
        List<String> after =
            new ArrayList<>(SpeedFixture.mixedTraffic("new", 1_500, Instant.now(), 42));
        after.addAll(before.subList(0, 400));
        SpeedFixture.send(config, after);
        sent.addAll(after);
        Path newLog = root.resolve("speed-4.0.log");
        assertThat(SpeedProcess.run(overrides, newLog, null, "--available-now"))
            .as("this line resumed from the old line's checkpoint; see " + newLog)
            .isZero();

        Map<String, Long> expected = SpeedFixture.truth(config, sent);
        assertThat(SpeedFixture.asMap(counters.scanAll()))
            .as("every counter exact across the upgrade")
            .isEqualTo(expected);
        SparkSession spark = SparkSessions.getOrCreate(config, "SpeedLineUpgradeTest");
        String hotTable = config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name());
        List<String> engines =
            spark
                .sql("DESCRIBE HISTORY delta.`" + hotTable + "`")
                .select("engineInfo")
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
        assertThat(engines)
            .as("the hot table was written by both lines")
            .anyMatch(e -> e.startsWith("Apache-Spark/3.5."))
            .anyMatch(e -> e.startsWith("Apache-Spark/" + package$.MODULE$.SPARK_VERSION()));
        Row hot =
            spark
                .read()
                .format("delta")
                .load(hotTable)
                .selectExpr("count(*)", "count(distinct event_id)")
                .first();
        long valid = expected.values().stream().mapToLong(Long::longValue).sum();
        assertThat(hot.getLong(0))
            .as("hot rows: each valid event once, whichever line wrote it")
            .isEqualTo(valid);
        assertThat(hot.getLong(1)).isEqualTo(valid);
      }
    }
  }
}
