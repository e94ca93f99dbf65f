package org.lambdaref.model;

import static org.lambdaref.model.Column.int32;
import static org.lambdaref.model.Column.int64;
import static org.lambdaref.model.Column.string;
import static org.lambdaref.model.Column.timestamp;

import java.util.List;

/**
 * Every column of the platform's tables, declared once: {@link PlatformTables} composes the tables
 * from these, and code that reads or computes a column refers to it here (so renaming a column is a
 * change of one string, plus the code that computes it).
 */
public final class Columns {

  // the event envelope, as t1, t2, the late table and the hot table store it
  public static final Column EVENT_ID = string("event_id");
  public static final Column EVENT_TIME = timestamp("event_time");
  public static final Column PROCESSING_TIME = timestamp("processing_time");
  public static final Column COUNTRY = string("country");
  public static final Column CATEGORY = string("category");
  public static final Column SUB_CATEGORY = string("sub_category");
  public static final Column TABLE_NAME = string("table_name");
  public static final Column PLACE_ID = string("place_id");
  public static final Column USER_ID = string("user_id");
  public static final Column ACTION = string("action");

  /** The envelope's columns in the written order. */
  public static final List<Column> EVENT =
      List.of(
          EVENT_ID,
          EVENT_TIME,
          PROCESSING_TIME,
          COUNTRY,
          CATEGORY,
          SUB_CATEGORY,
          TABLE_NAME,
          PLACE_ID,
          USER_ID,
          ACTION);

  // partitions: the day and hour of the platform zone (Partitions)
  public static final Column P_YMD = string(Partitions.DAY_COLUMN);
  public static final Column P_HH = string(Partitions.HOUR_COLUMN);

  // where a batch record came from and which run owns it
  public static final Column SOURCE_FILE = string("source_file");
  public static final Column RAW_LINE = string("raw_line");
  public static final Column REASON = string("reason");
  public static final Column DETAIL = string("detail");
  public static final Column ARRIVAL_HOUR = timestamp("arrival_hour");
  public static final Column OWNER_PERIOD = string("owner_period");

  /** The day (platform zone, {@code yyyyMMdd}) a late event belongs to by its time basis. */
  public static final Column EVENT_DAY = string("event_day");

  // t2: the place snapshot's columns joined to each event
  public static final Column PLACE_NAME = string("place_name");
  public static final Column PLACE_CATEGORY = string("place_category");
  public static final Column PLACE_REGION = string("place_region");
  public static final Column SELLER_ID = string("seller_id");

  // t3
  /** The start instant of a count's hour (two fall-back hours are two values). */
  public static final Column HOUR_START = timestamp("hour_start");

  public static final Column EVENTS = int64("events");
  public static final Column IMPRESSIONS = int64("impressions");
  public static final Column CLICKS = int64("clicks");
  public static final Column UNIQUE_USERS = int64("unique_users");
  public static final Column PLACES = int64("places");

  // the speed layer's Kafka coordinates
  public static final Column RAW_VALUE = string("raw_value");
  public static final Column KAFKA_TOPIC = string("kafka_topic");
  public static final Column KAFKA_PARTITION = int32("kafka_partition");
  public static final Column KAFKA_OFFSET = int64("kafka_offset");
  public static final Column KAFKA_TIMESTAMP = timestamp("kafka_timestamp");

  // ops.batch_ledger
  public static final Column JOB = string("job");
  public static final Column SOURCE = string("source");
  public static final Column PERIOD = string("period");
  public static final Column RUN_ID = string("run_id");
  public static final Column STATUS = string("status");
  public static final Column LINES_READ = int64("lines_read");
  public static final Column OWNED = int64("owned");
  public static final Column ACCEPTED = int64("accepted");
  public static final Column DUPLICATES = int64("duplicates");
  public static final Column LATE = int64("late");
  public static final Column REJECTED = int64("rejected");
  public static final Column ROWS_WRITTEN = int64("rows_written");
  public static final Column DETAILS = string("details");
  public static final Column STARTED_AT = timestamp("started_at");
  public static final Column ENDED_AT = timestamp("ended_at");
  public static final Column ERROR = string("error");

  // ops.batch_coverage
  public static final Column COVERED_AT = timestamp("covered_at");

  // ops.schema_change_alerts
  public static final Column CHANGE = string("change");
  public static final Column COLUMN_NAME = string("column_name");
  public static final Column PREVIOUS_TYPE = string("previous_type");
  public static final Column NEW_TYPE = string("new_type");
  public static final Column DETECTED_AT = timestamp("detected_at");

  private Columns() {}
}
