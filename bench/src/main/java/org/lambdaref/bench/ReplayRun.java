package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.BatchMain;
import org.lambdaref.batch.BatchPipeline;
import org.lambdaref.batch.Lake;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.RunStatus;

/**
 * The replay benchmark's child JVM: the platform's {@link BatchPipeline} over {@code --days}
 * periods from {@code --start} in one Spark application, as {@code bin/lambda batch --start-date
 * --iteration-count} runs it. Reports the time to a ready session and the time of the replay.
 */
public final class ReplayRun {

  public static void main(String[] argv) throws Exception {
    long started = System.nanoTime();
    Map<String, String> a = BenchArgs.parse(argv);
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.work-dir", a.get("work-dir"),
                "platform.storage.datasource", a.get("datasource"),
                "platform.timezone", a.get("zone"),
                "platform.source-db.mode", "dump",
                "platform.source-db.dump-format", "parquet",
                "platform.sources.place_event.period", a.getOrDefault("period", "day")),
            Map.of(),
            Path.of("").toAbsolutePath());
    SparkSession spark = SparkSessions.getOrCreate(config, BatchMain.APP_NAME + "ReplayBench");
    long ready = System.nanoTime();
    LocalDate start = LocalDate.parse(a.get("start"));
    int count = Integer.parseInt(a.get("days"));
    List<LocalDate> days = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      days.add(start.plusDays(i));
    }
    List<BatchPipeline.PeriodResult> results =
        new BatchPipeline(new Lake(spark, config), config.eventSource().name())
            .run(days, BatchPipeline.Job.parse(a.get("jobs")), 1, r -> {});
    long done = System.nanoTime();
    long failed = results.stream().filter(r -> r.status() != RunStatus.SUCCEEDED).count();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("start_ms", (ready - started) / 1_000_000);
    result.put("replay_ms", (done - ready) / 1_000_000);
    result.put("periods", results.size());
    result.put("days", count);
    result.put("not_succeeded", failed);
    result.put("peak_rss_mb", Machine.peakRssMb());
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    spark.stop();
    if (failed > 0) {
      results.stream()
          .filter(r -> r.status() != RunStatus.SUCCEEDED)
          .forEach(r -> System.err.println(r.day() + " " + r.status() + ": " + r.error()));
      System.exit(1);
    }
  }
}
