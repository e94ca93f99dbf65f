package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.PlatformTables;

/** The speed query as on EMR: checkpoint and hot tables at s3a:// (the local S3 server). */
class S3SpeedTest {

  @RegisterExtension
  static final SpeedStack speed =
      SpeedStack.named("speed_s3_test")
          .withS3()
          .partitions(2)
          .with("platform.storage.root", "s3a://lake/speed")
          .with("platform.speed.checkpoint-dir", "s3a://lake/speed/checkpoints");

  private static Path root;
  private static PlatformConfig config;
  private static DynamoDbCounterStore counters;

  @BeforeAll
  static void setUp() {
    root = speed.root();
    config = speed.config();
    counters = speed.counters();
  }

  @Test
  void runsAndResumesWithItsCheckpointAndHotTableOnS3() {
    SparkSession spark = SparkSessions.getOrCreate(config, "S3SpeedTest");
    List<String> sent = new ArrayList<>(SpeedFixture.mixedTraffic("s", 600, Instant.now(), 51));
    SpeedFixture.send(config, sent);
    SpeedRunner.run(spark, config, counters, null, Trigger.AvailableNow());
    List<String> more = SpeedFixture.mixedTraffic("t", 400, Instant.now(), 52);
    SpeedFixture.send(config, more);
    sent.addAll(more);

    SpeedRunner.run(spark, config, counters, null, Trigger.AvailableNow());

    Map<String, Long> expected = SpeedFixture.truth(config, sent);
    assertThat(SpeedFixture.asMap(counters.scanAll()))
        .as("counters after a resume from the S3 checkpoint")
        .isEqualTo(expected);
    String hot = config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name());
    assertThat(hot).startsWith("s3a://lake/speed/");
    assertThat(spark.read().format("delta").load(hot).count())
        .as("hot rows on S3")
        .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
    assertThat(
            speed.stack().s3DataDir().resolve("lake/speed/checkpoints/place_event_speed/offsets/1"))
        .as("the second run's offsets were written to the S3 checkpoint")
        .exists();
  }
}
