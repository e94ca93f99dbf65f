package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.generator.BadInputCorpus;
import org.lambdaref.model.generator.BadInputCorpus.Case;
import org.lambdaref.model.generator.BadInputCorpus.Outcome;

/**
 * The batch layer's bad-input corpus through the speed layer's classification: the same reasons.
 */
class BadInputCorpusSpeedTest {

  @TempDir Path root;

  @Test
  void everyBadRecordGetsTheSameReasonAsInTheBatchLayer() {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "BadInputCorpusSpeedTest");
    Instant arrival = Instant.now().minusSeconds(5);
    List<Case> cases =
        BadInputCorpus.cases(arrival, config.eventSource().validationRules().maxLineBytes());
    StructType kafka =
        new StructType()
            .add("value", DataTypes.BinaryType)
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("timestamp", DataTypes.TimestampType);
    List<Row> records = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      records.add(
          RowFactory.create(cases.get(i).line(), "corpus", 0, (long) i, Timestamp.from(arrival)));
    }
    Dataset<Row> input = spark.createDataFrame(records, kafka);

    List<Row> classified =
        HotRecordClassifier.classify(input, config.timezone(), config.eventSource())
            .orderBy("kafka_offset")
            .collectAsList();

    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Row r = classified.get(i);
      if (c.outcome() == Outcome.REJECTED) {
        assertThat((String) r.getAs("status")).as(c.name()).isEqualTo(HotRecordClassifier.REJECTED);
        assertThat((String) r.getAs("reason")).as("reason of " + c.name()).isEqualTo(c.reason());
      } else {
        assertThat((String) r.getAs("status")).as(c.name()).isEqualTo(HotRecordClassifier.VALID);
      }
    }
    // the second copy of an event id is valid here and dropped by the streaming dedup
    // (SpeedQueryTest)
  }
}
