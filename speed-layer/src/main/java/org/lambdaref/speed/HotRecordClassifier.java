package org.lambdaref.speed;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.Columns;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.ValidationResult;

/**
 * Validates Kafka records with the batch layer's {@link EventValidator}, so both layers agree on
 * every reason: {@code (value, topic, partition, offset, timestamp)} in, one typed row per record
 * out, valid or rejected. The record value is decoded here rather than cast in SQL, because the
 * decoder's replacement character is how invalid UTF-8 is detected.
 *
 * <p>Each row gets the hour bucket its counter goes to (the hour of event time, or of processing
 * time for {@code processing} sources, in the platform zone, as the batch layer's {@code p_hh}) and
 * a {@code dedup_key}: the event id for valid events, the Kafka coordinates for rejected records,
 * which must never be merged with one another.
 */
public final class HotRecordClassifier implements MapPartitionsFunction<Row, Row>, Serializable {

  private static final long serialVersionUID = 1L;

  public static final String VALID = "VALID";
  public static final String REJECTED = "REJECTED";

  /**
   * A classified record: Kafka coordinates, then the event envelope as the hot table declares it.
   */
  public static final StructType SCHEMA =
      SparkSchemas.withColumns(
              new StructType()
                  .add("status", DataTypes.StringType, false)
                  .add("reason", DataTypes.StringType)
                  .add("detail", DataTypes.StringType)
                  .add("raw_value", DataTypes.StringType)
                  .add("kafka_topic", DataTypes.StringType, false)
                  .add("kafka_partition", DataTypes.IntegerType, false)
                  .add("kafka_offset", DataTypes.LongType, false)
                  .add("kafka_timestamp", DataTypes.TimestampType, false)
                  .add("dedup_key", DataTypes.StringType, false),
              Columns.EVENT)
          .add("bucket_hour", DataTypes.TimestampType)
          .add(Partitions.DAY_COLUMN, DataTypes.StringType, false)
          .add(Partitions.HOUR_COLUMN, DataTypes.StringType, false);

  private final ZoneId zone;
  private final SourceConfig source;

  public HotRecordClassifier(ZoneId zone, SourceConfig source) {
    this.zone = zone;
    this.source = source;
  }

  /**
   * @param kafka rows with the Kafka source's columns {@code value} (binary), {@code topic}, {@code
   *     partition}, {@code offset}, {@code timestamp}
   */
  public static Dataset<Row> classify(Dataset<Row> kafka, ZoneId zone, SourceConfig source) {
    return kafka
        .select("value", "topic", "partition", "offset", "timestamp")
        .mapPartitions(new HotRecordClassifier(zone, source), Encoders.row(SCHEMA));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    EventValidator validator = new EventValidator(source.validationRules());
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return input.hasNext();
      }

      @Override
      public Row next() {
        return classify(input.next(), validator);
      }
    };
  }

  private Row classify(Row record, EventValidator validator) {
    byte[] bytes = record.isNullAt(0) ? null : (byte[]) record.get(0);
    String value = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    String topic = record.getString(1);
    int partition = record.getInt(2);
    long offset = record.getLong(3);
    Timestamp kafkaTime = record.getTimestamp(4);
    ValidationResult result = validator.validate(value);
    if (result instanceof ValidationResult.Rejected rejected) {
      // quarantine rows are partitioned by arrival: a bad record may have no usable event time
      Partitions.DayHour arrival = Partitions.tierPartition(kafkaTime.toInstant(), zone);
      return SparkSchemas.row(
          new Object[] {
            REJECTED,
            rejected.rejection().reason(),
            rejected.rejection().detail(),
            value,
            topic,
            partition,
            offset,
            kafkaTime,
            "kafka:" + topic + ":" + partition + ":" + offset
          },
          SparkSchemas.noEvent(),
          new Object[] {null, arrival.ymd(), arrival.hh()});
    }
    PlaceEvent e = ((ValidationResult.Valid) result).event();
    Instant basis = source.timeBasis().instantOf(e);
    Partitions.DayHour tier = Partitions.tierPartition(basis, zone);
    // the dedup key of a valid event is its id
    return SparkSchemas.row(
        new Object[] {VALID, null, null, null, topic, partition, offset, kafkaTime, e.eventId()},
        SparkSchemas.eventValues(e),
        new Object[] {Timestamp.from(hourBucket(basis, zone)), tier.ymd(), tier.hh()});
  }

  /** The start of the platform-zone hour holding an instant ({@link Partitions#hourStart}). */
  public static Instant hourBucket(Instant instant, ZoneId zone) {
    return Partitions.hourStart(instant, zone);
  }
}
