package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lambdaref.batch.IngestWindow;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;

/**
 * The batch benchmark's peer: DuckDB doing the batch layer's logical work for one day on the same
 * raw files, in its own JVM. Steps as the Spark jobs: collect (read the arrival window, validate
 * each line with the rules of {@code EventValidator}, decide the owner run and lateness as {@code
 * Ownership} does, dedup by event id keeping the earliest processing time, write the t1 events,
 * quarantine and late tables), snapshot (the day's place-master dump), enrich (t2: the join) and
 * aggregate (the four t3 tables). Writes Parquet, partitioned as the Delta tables are.
 *
 * <p>The validation here is a SQL transcription of the Java rules; {@link BatchCheck} compares the
 * t3 tables, the accounting and the rejection reasons with Spark's, so a rule that drifted shows.
 * Two known differences are outside what the generator writes: DuckDB's JSON reader accepts
 * duplicate keys (Jackson refuses them) and skips nothing else.
 */
public final class DuckDbBatchRun {

  /** The arguments of one run. */
  public record Args(
      Path rawSource,
      Path dumpSource,
      LocalDate day,
      ZoneId zone,
      Duration lateness,
      Duration maxClockSkew,
      long maxLineBytes,
      Path out,
      Path check,
      int threads,
      String memoryLimit) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = BenchArgs.parse(argv);
    Args args =
        new Args(
            Path.of(a.get("raw-source")),
            Path.of(a.get("dump-source")),
            LocalDate.parse(a.get("day")),
            ZoneId.of(a.get("zone")),
            Duration.parse(a.get("lateness")),
            Duration.parse(a.get("max-clock-skew")),
            Long.parseLong(a.get("max-line-bytes")),
            Path.of(a.get("out")),
            Path.of(a.get("check")),
            Integer.parseInt(a.getOrDefault("threads", "2")),
            a.getOrDefault("memory-limit", "4GB"));
    Map<String, Object> result = run(args);
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
  }

  public static Map<String, Object> run(Args args) throws SQLException, IOException {
    long started = System.nanoTime();
    Map<String, Object> steps = new LinkedHashMap<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = connection.createStatement()) {
      steps.put("start_ms", millisSince(started));
      sql.execute("SET threads = " + args.threads());
      sql.execute("SET memory_limit = '" + args.memoryLimit() + "'");
      // the output needs no order; letting DuckDB drop it is what a user tuning it would do
      sql.execute("SET preserve_insertion_order = false");
      sql.execute("SET TimeZone = 'UTC'");
      macros(sql, args);
      for (String tier : List.of("t1_log", "t1_db", "t2", "t3")) {
        Files.createDirectories(args.out().resolve(tier));
      }

      long t = System.nanoTime();
      collect(sql, args, counts);
      steps.put("collect_ms", millisSince(t));

      t = System.nanoTime();
      snapshot(sql, args);
      steps.put("snapshot_ms", millisSince(t));

      t = System.nanoTime();
      enrich(sql, args);
      steps.put("enrich_ms", millisSince(t));

      t = System.nanoTime();
      aggregate(sql, args);
      steps.put("aggregate_ms", millisSince(t));
      steps.put("total_ms", millisSince(started));

      writeCheck(sql, args, counts);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("engine", "duckdb");
    result.put("steps", steps);
    result.put("counts", counts);
    result.put("peak_rss_mb", Machine.peakRssMb());
    return result;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** The validation rules of {@code EventValidator} and {@code Timestamps}, as SQL macros. */
  private static void macros(Statement sql, Args args) throws SQLException {
    String zone = quote(args.zone().getId());
    sql.execute("CREATE MACRO jt(v) AS coalesce(json_type(v), 'NULL')");
    sql.execute(
        "CREATE MACRO id_text(v) AS CASE WHEN json_type(v) = 'VARCHAR' THEN v->>'$'"
            + " WHEN json_type(v) IN ('BIGINT', 'UBIGINT') THEN v::VARCHAR END");
    sql.execute(
        "CREATE MACRO id_reason(v, path) AS CASE WHEN jt(v) = 'NULL' THEN 'missing_field:' || path"
            + " WHEN jt(v) NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT') THEN 'wrong_type:' || path"
            + " WHEN NOT regexp_full_match(id_text(v), '[^\\x00-\\x20\\x7F]{1,128}') THEN 'bad_id:' || path END");
    sql.execute(
        "CREATE MACRO ts_text_ms(s) AS CASE"
            + " WHEN regexp_full_match(s, '-?[0-9]{1,18}') THEN TRY_CAST(s AS BIGINT)"
            + " WHEN regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}:[0-9]{3}')"
            + "   THEN epoch_ms(timezone("
            + zone
            + ", try_strptime(s, '%Y-%m-%d %H:%M:%S:%g')))"
            + " WHEN regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?"
            + "(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2})?)') THEN epoch_ms(TRY_CAST(s AS TIMESTAMPTZ)) END");
    sql.execute(
        "CREATE MACRO ts_ms(v) AS CASE WHEN json_type(v) IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(v AS BIGINT)"
            + " WHEN json_type(v) = 'VARCHAR' THEN ts_text_ms(trim(v->>'$')) END");
    // [1970, 2100), as Timestamps.inRange
    sql.execute(
        "CREATE MACRO ts_reason(v, name) AS CASE WHEN jt(v) = 'NULL' THEN 'missing_field:' || name"
            + " WHEN ts_ms(v) IS NULL OR ts_ms(v) < 0 OR ts_ms(v) >= 4102444800000 THEN 'bad_timestamp:' || name END");
    sql.execute(
        "CREATE MACRO text_reason(v, path, required) AS CASE"
            + " WHEN jt(v) = 'NULL' THEN CASE WHEN required THEN 'missing_field:' || path END"
            + " WHEN jt(v) <> 'VARCHAR' THEN 'wrong_type:' || path"
            + " WHEN required AND trim(v->>'$') = '' THEN 'missing_field:' || path END");
    sql.execute(
        "CREATE MACRO local_day(ms) AS timezone(" + zone + ", to_timestamp(ms / 1000.0))::DATE");
    sql.execute("CREATE MACRO day_start_ms(d) AS epoch_ms(timezone(" + zone + ", d::TIMESTAMP))");
    sql.execute("CREATE MACRO close_ms(d) AS day_start_ms(d + 1) + " + args.lateness().toMillis());
  }

  private static void collect(Statement sql, Args args, Map<String, Long> counts)
      throws SQLException, IOException {
    IngestWindow window =
        new IngestWindow(
            Period.ofDay(args.day()), args.zone(), args.lateness(), args.maxClockSkew());
    List<String> files = new ArrayList<>();
    for (Partitions.DayHour hour : window.arrivalHours()) {
      Path dir = args.rawSource().resolve(hour.path());
      if (Files.isDirectory(dir)) {
        try (Stream<Path> list = Files.list(dir)) {
          list.filter(
                  f ->
                      !f.getFileName().toString().startsWith(".")
                          && !f.getFileName().toString().startsWith("_"))
              .sorted()
              .forEach(f -> files.add(f.toUri().toString().replaceFirst("^file://", "")));
        }
      }
    }
    String period = Partitions.day(args.day());
    String fileList =
        files.stream().map(DuckDbBatchRun::quote).reduce((x, y) -> x + ", " + y).orElse("");
    // one VARCHAR column per line: a delimiter and quote that never split a JSON line
    sql.execute(
        "CREATE TEMP TABLE raw AS SELECT line, filename AS source_file FROM read_csv(["
            + fileList
            + "],"
            + " columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', escape = '',"
            + " filename = true, auto_detect = false, max_line_size = "
            + (args.maxLineBytes() * 4)
            + ")");
    String skew = Long.toString(args.maxClockSkew().toMillis());
    sql.execute(
        "CREATE TEMP TABLE classified AS"
            + " WITH src AS (SELECT line, source_file,"
            + "   epoch_ms(strptime(regexp_extract(source_file, 'p_ymd=([0-9]{8})/p_hh=([0-9]{2})', 1)"
            + "     || regexp_extract(source_file, 'p_ymd=([0-9]{8})/p_hh=([0-9]{2})', 2), '%Y%m%d%H')) AS arrival_ms,"
            + "   coalesce(trim(line) = '', true) AS blank, strlen(coalesce(line, '')) > "
            + args.maxLineBytes()
            + " AS too_long"
            + "   FROM raw),"
            + " parsed AS (SELECT *, NOT blank AND NOT too_long AND json_valid(line) AS valid_json,"
            + "   CASE WHEN NOT blank AND NOT too_long AND json_valid(line) AND json_type(line) = 'OBJECT' THEN json_extract(line,"
            + "     ['$.event_id', '$.event_time', '$.processing_time', '$.table_name', '$.country', '$.category',"
            + "      '$.sub_category', '$.records', '$.records.place_id', '$.records.user_id', '$.records.action']) END AS f"
            + "   FROM src),"
            + " checked AS (SELECT *, CASE"
            + "   WHEN too_long THEN 'line_too_long'"
            + "   WHEN contains(coalesce(line, ''), chr(65533)) THEN 'invalid_utf8'"
            + "   WHEN blank OR NOT valid_json THEN 'malformed_json'"
            + "   WHEN json_type(line) <> 'OBJECT' THEN 'not_an_object'"
            + "   ELSE coalesce(id_reason(f[1], 'event_id'), ts_reason(f[2], 'event_time'), ts_reason(f[3], 'processing_time'),"
            + "     text_reason(f[4], 'table_name', true), text_reason(f[5], 'country', false),"
            + "     text_reason(f[6], 'category', false), text_reason(f[7], 'sub_category', false),"
            + "     CASE WHEN jt(f[8]) = 'NULL' THEN 'missing_field:records' WHEN jt(f[8]) <> 'OBJECT' THEN 'wrong_type:records' END,"
            + "     id_reason(f[9], 'records.place_id'), id_reason(f[10], 'records.user_id'),"
            + "     text_reason(f[11], 'records.action', true),"
            + "     CASE WHEN f[11]->>'$' NOT IN ('impression', 'click') THEN 'unknown_action' END,"
            + "     CASE WHEN ts_ms(f[2]) - ts_ms(f[3]) > "
            + skew
            + " THEN 'clock_skew' END) END AS reason"
            + "   FROM parsed),"
            + " timed AS (SELECT line, source_file, arrival_ms, reason,"
            + "   CASE WHEN reason IS NULL THEN id_text(f[1]) END AS event_id,"
            + "   CASE WHEN reason IS NULL THEN ts_ms(f[2]) END AS event_ms,"
            + "   CASE WHEN reason IS NULL THEN ts_ms(f[3]) END AS processing_ms,"
            + "   f[5]->>'$' AS country, f[6]->>'$' AS category, f[7]->>'$' AS sub_category, f[4]->>'$' AS table_name,"
            + "   id_text(f[9]) AS place_id, id_text(f[10]) AS user_id, f[11]->>'$' AS action"
            + "   FROM checked),"
            // Ownership.decide: late by the event day's close; owner the arrival day when late
            + " owned AS (SELECT *, local_day(event_ms) AS event_day,"
            + "   reason IS NULL AND processing_ms >= close_ms(local_day(event_ms)) AS late FROM timed),"
            + " decided AS (SELECT *, CASE WHEN late THEN local_day(processing_ms) ELSE event_day END AS valid_owner FROM owned)"
            + " SELECT line, source_file, arrival_ms, event_id, event_ms, processing_ms, country, category, sub_category,"
            + "   table_name, place_id, user_id, action, event_day,"
            + "   CASE WHEN reason IS NULL AND NOT (arrival_ms + 3600000 > day_start_ms(valid_owner) - "
            + skew
            + "     AND arrival_ms < close_ms(valid_owner)) THEN 'arrival_mismatch' ELSE reason END AS reason,"
            + "   CASE WHEN reason IS NULL AND (arrival_ms + 3600000 > day_start_ms(valid_owner) - "
            + skew
            + "     AND arrival_ms < close_ms(valid_owner)) THEN valid_owner ELSE local_day(arrival_ms) END AS owner_day,"
            + "   late"
            + " FROM decided");
    String owner = "owner_day = DATE '" + args.day() + "'";
    try (ResultSet r =
        sql.executeQuery(
            "SELECT count(*),"
                + " count(*) FILTER (reason IS NULL AND NOT late), count(DISTINCT event_id) FILTER (reason IS NULL AND NOT late),"
                + " count(*) FILTER (reason IS NULL AND late), count(*) FILTER (reason IS NOT NULL)"
                + " FROM classified WHERE "
                + owner)) {
      r.next();
      counts.put("owned", r.getLong(1));
      counts.put("accepted", r.getLong(3));
      counts.put("duplicates", r.getLong(2) - r.getLong(3));
      counts.put("late", r.getLong(4));
      counts.put("rejected", r.getLong(5));
    }
    try (ResultSet r = sql.executeQuery("SELECT count(*) FROM raw")) {
      r.next();
      counts.put("lines_read", r.getLong(1));
    }
    String tier = args.out().toString();
    sql.execute(
        "COPY (SELECT event_id, to_timestamp(event_ms / 1000.0) AS event_time,"
            + " to_timestamp(processing_ms / 1000.0) AS processing_time, country, category, sub_category, table_name,"
            + " place_id, user_id, action, source_file,"
            + " strftime(timezone("
            + quote(args.zone().getId())
            + ", to_timestamp(event_ms / 1000.0)), '%Y%m%d') AS p_ymd,"
            + " strftime(timezone("
            + quote(args.zone().getId())
            + ", to_timestamp(event_ms / 1000.0)), '%H') AS p_hh"
            + " FROM classified WHERE "
            + owner
            + " AND reason IS NULL AND NOT late"
            + " QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY processing_ms, source_file, line) = 1)"
            + " TO "
            + quote(tier + "/t1_log/place_event_timeseries_hourly")
            + " (FORMAT parquet, PARTITION_BY (p_ymd, p_hh))");
    sql.execute(
        "COPY (SELECT line AS raw_line, reason, source_file, to_timestamp(arrival_ms / 1000.0) AS arrival_hour,"
            + " '"
            + period
            + "' AS p_ymd FROM classified WHERE "
            + owner
            + " AND reason IS NOT NULL)"
            + " TO "
            + quote(tier + "/t1_log/place_event_quarantine_timeseries_daily")
            + " (FORMAT parquet, PARTITION_BY (p_ymd))");
    sql.execute(
        "COPY (SELECT event_id, to_timestamp(event_ms / 1000.0) AS event_time,"
            + " to_timestamp(processing_ms / 1000.0) AS processing_time, place_id, user_id, action, source_file,"
            + " strftime(event_day, '%Y%m%d') AS event_day, '"
            + period
            + "' AS p_ymd"
            + " FROM classified WHERE "
            + owner
            + " AND reason IS NULL AND late)"
            + " TO "
            + quote(tier + "/t1_log/place_event_late_timeseries_daily")
            + " (FORMAT parquet, PARTITION_BY (p_ymd))");
  }

  private static void snapshot(Statement sql, Args args) throws SQLException {
    String period = Partitions.day(args.day());
    // the dump's columns as they are, plus the day (not read from the folder name)
    sql.execute(
        "COPY (SELECT *, '"
            + period
            + "' AS p_ymd FROM read_parquet("
            + quote(args.dumpSource() + "/p_ymd=" + period + "/*.parquet")
            + ", hive_partitioning = false))"
            + " TO "
            + quote(args.out() + "/t1_db/place_snapshot_daily")
            + " (FORMAT parquet, PARTITION_BY (p_ymd))");
  }

  private static void enrich(Statement sql, Args args) throws SQLException {
    String period = Partitions.day(args.day());
    sql.execute(
        "COPY (SELECT e.* EXCLUDE (source_file), s.name AS place_name, s.category AS place_category,"
            + " s.region AS place_region, s.seller_id"
            + " FROM read_parquet("
            + quote(
                args.out()
                    + "/t1_log/place_event_timeseries_hourly/p_ymd="
                    + period
                    + "/*/*.parquet")
            + ", hive_partitioning = true) e"
            + " LEFT JOIN read_parquet("
            + quote(args.out() + "/t1_db/place_snapshot_daily/p_ymd=" + period + "/*.parquet")
            + ") s ON e.place_id = s.place_id)"
            + " TO "
            + quote(args.out() + "/t2/place_event_enriched_timeseries_hourly")
            + " (FORMAT parquet, PARTITION_BY (p_ymd, p_hh))");
  }

  private static void aggregate(Statement sql, Args args) throws SQLException {
    String period = Partitions.day(args.day());
    String from = Partitions.day(args.day().minusDays(29));
    String t2 = args.out() + "/t2/place_event_enriched_timeseries_hourly";
    sql.execute(
        "CREATE TEMP VIEW today AS SELECT * FROM read_parquet("
            + quote(t2 + "/p_ymd=" + period + "/*/*.parquet")
            + ", hive_partitioning = true)");
    sql.execute(
        "CREATE TEMP VIEW range30 AS SELECT * FROM read_parquet("
            + quote(t2 + "/*/*/*.parquet")
            + ", hive_partitioning = true) WHERE p_ymd BETWEEN '"
            + from
            + "' AND '"
            + period
            + "'");
    String t3 = args.out() + "/t3/";
    sql.execute(
        "COPY (SELECT place_id, action, p_ymd, p_hh, count(*) AS events FROM today GROUP BY ALL)"
            + " TO "
            + quote(t3 + "place_action_aggr_1h_hourly")
            + " (FORMAT parquet, PARTITION_BY (p_ymd, p_hh))");
    String perPlace =
        "SELECT place_id, count(*) FILTER (action = 'impression') AS impressions,"
            + " count(*) FILTER (action = 'click') AS clicks, count(DISTINCT user_id) AS unique_users,"
            + " '"
            + period
            + "' AS p_ymd FROM %s GROUP BY place_id";
    sql.execute(
        "COPY ("
            + String.format(perPlace, "today")
            + ") TO "
            + quote(t3 + "place_impression_aggr_1d_daily")
            + " (FORMAT parquet, PARTITION_BY (p_ymd))");
    sql.execute(
        "COPY ("
            + String.format(perPlace, "range30")
            + ") TO "
            + quote(t3 + "place_impression_aggr_30d_daily")
            + " (FORMAT parquet, PARTITION_BY (p_ymd))");
    sql.execute(
        "COPY (SELECT seller_id, count(DISTINCT place_id) AS places,"
            + " count(*) FILTER (action = 'impression') AS impressions, count(*) FILTER (action = 'click') AS clicks,"
            + " count(DISTINCT user_id) AS unique_users, '"
            + period
            + "' AS p_ymd"
            + " FROM today WHERE seller_id IS NOT NULL GROUP BY seller_id)"
            + " TO "
            + quote(t3 + "seller_place_aggr_1d_daily")
            + " (FORMAT parquet, PARTITION_BY (p_ymd))");
  }

  private static void writeCheck(Statement sql, Args args, Map<String, Long> counts)
      throws SQLException {
    String t3 = args.out() + "/t3/";
    BatchCheck.write(
        args.check(),
        "place_action_1h",
        lines(
            sql,
            "SELECT place_id, action, p_ymd, p_hh, events FROM read_parquet("
                + quote(t3 + "place_action_aggr_1h_hourly/*/*/*.parquet")
                + ", hive_partitioning = true)"));
    BatchCheck.write(
        args.check(),
        "place_impression_1d",
        lines(
            sql,
            "SELECT place_id, impressions, clicks, unique_users, p_ymd"
                + " FROM read_parquet("
                + quote(t3 + "place_impression_aggr_1d_daily/*/*.parquet")
                + ", hive_partitioning = true)"));
    BatchCheck.write(
        args.check(),
        "place_impression_30d",
        lines(
            sql,
            "SELECT place_id, impressions, clicks, unique_users, p_ymd"
                + " FROM read_parquet("
                + quote(t3 + "place_impression_aggr_30d_daily/*/*.parquet")
                + ", hive_partitioning = true)"));
    BatchCheck.write(
        args.check(),
        "seller_place_1d",
        lines(
            sql,
            "SELECT seller_id, places, impressions, clicks, unique_users, p_ymd"
                + " FROM read_parquet("
                + quote(t3 + "seller_place_aggr_1d_daily/*/*.parquet")
                + ", hive_partitioning = true)"));
    BatchCheck.write(
        args.check(),
        "rejection_reasons",
        lines(
            sql,
            "SELECT reason, count(*) FROM read_parquet("
                + quote(args.out() + "/t1_log/place_event_quarantine_timeseries_daily/*/*.parquet")
                + ") GROUP BY reason"));
    BatchCheck.write(args.check(), "accounting", List.of(BatchCheck.accounting(counts)));
  }

  private static List<String> lines(Statement sql, String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet r = sql.executeQuery(query)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          line.append(i > 1 ? "\t" : "").append(r.getString(i));
        }
        out.add(line.toString());
      }
    }
    return out;
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
