package org.lambdaref.batch;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.lambdaref.model.Rejection;
import org.lambdaref.model.ValidationResult;

/**
 * Validates raw lines and decides their owner run: {@code (value, source_file[, file_error])} in,
 * one typed row per line out ({@code raw_line} only for rejected lines); a row with a {@code
 * file_error} stands for a whole unreadable file. The decisions are {@link EventValidator} and
 * {@link Ownership}, plain Java, so the batch and speed layers agree on every reason.
 */
public final class RawLineClassifier implements MapPartitionsFunction<Row, Row>, Serializable {

  private static final long serialVersionUID = 1L;
  private static final Pattern ARRIVAL_HOUR = Pattern.compile("p_ymd=(\\d{8})/p_hh=(\\d{2})");

  public static final StructType SCHEMA =
      SparkSchemas.withColumns(
              new StructType()
                  .add("raw_line", DataTypes.StringType)
                  .add("source_file", DataTypes.StringType)
                  .add("arrival_hour", DataTypes.TimestampType)
                  .add("owner_period", DataTypes.StringType)
                  .add("status", DataTypes.StringType)
                  .add("reason", DataTypes.StringType)
                  .add("detail", DataTypes.StringType),
              Columns.EVENT)
          .add("event_day", DataTypes.StringType)
          .add("event_hour", DataTypes.StringType);

  private final ZoneId zone;
  private final SourceConfig source;

  public RawLineClassifier(ZoneId zone, SourceConfig source) {
    this.zone = zone;
    this.source = source;
  }

  public static Dataset<Row> classify(Dataset<Row> lines, ZoneId zone, SourceConfig source) {
    return lines.mapPartitions(new RawLineClassifier(zone, source), Encoders.row(SCHEMA));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    EventValidator validator = new EventValidator(source.validationRules());
    Ownership ownership = new Ownership(zone, source);
    // lazily, one row at a time: a partition of raw lines never has to fit in memory
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return input.hasNext();
      }

      @Override
      public Row next() {
        return classify(input.next(), validator, ownership);
      }
    };
  }

  private Row classify(Row row, EventValidator validator, Ownership ownership) {
    String line = row.getString(0);
    String file = row.getString(1);
    Instant hour = arrivalHour(file);
    String fileError = row.length() > 2 ? row.getString(2) : null;
    ValidationResult result =
        fileError != null
            ? new ValidationResult.Rejected(Rejection.unreadableFile(fileError))
            : validator.validate(line);
    Ownership.Decision decision = ownership.decide(result, hour);
    String owner = decision.owner().id();
    if (decision.status() == Ownership.Status.REJECTED) {
      return SparkSchemas.row(
          new Object[] {
            line,
            file,
            Timestamp.from(hour),
            owner,
            decision.status().name(),
            decision.rejection().reason(),
            decision.rejection().detail()
          },
          SparkSchemas.noEvent(),
          new Object[] {null, null});
    }
    PlaceEvent e = ((ValidationResult.Valid) result).event();
    Instant basis = source.timeBasis().instantOf(e);
    Partitions.DayHour eventPartition = Partitions.tierPartition(basis, zone);
    // the line itself is kept only where it is needed, in the quarantine: carrying it with every
    // valid event through the cache and the dedup shuffle cost more than parsing it
    return SparkSchemas.row(
        new Object[] {
          null, file, Timestamp.from(hour), owner, decision.status().name(), null, null
        },
        SparkSchemas.eventValues(e),
        new Object[] {eventPartition.ymd(), eventPartition.hh()});
  }

  static Instant arrivalHour(String file) {
    Matcher m = ARRIVAL_HOUR.matcher(file);
    if (!m.find()) {
      throw new IllegalArgumentException("raw file outside the p_ymd=/p_hh= layout: " + file);
    }
    return LocalDate.parse(m.group(1), Partitions.DAY_FORMAT)
        .atStartOfDay(ZoneOffset.UTC)
        .plusHours(Integer.parseInt(m.group(2)))
        .toInstant();
  }
}
