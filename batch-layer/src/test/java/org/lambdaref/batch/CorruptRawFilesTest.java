package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.Rejection;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;

/** Unreadable raw files next to good ones: the run goes on, each bad file is one quarantine row. */
class CorruptRawFilesTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);

  @TempDir Path root;

  private static byte[] gzip(List<String> lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void aTruncatedGzipFileIsOneRejectedRecordWithItsPathAndTheGoodFilesAreRead() throws IOException {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "CorruptRawFilesTest");
    List<String> valid =
        EventGenerator.generate(
                new GeneratorSpec(
                    DAY, 1, 200, 10, 20, 0.0, 0.0, 0.0, ZoneId.of("UTC"), Duration.ofHours(6), 9))
            .stream()
            .filter(
                l ->
                    l.kind() == GeneratedLine.Kind.VALID
                        && l.arrival().atZone(ZoneId.of("UTC")).toLocalDate().equals(DAY))
            .map(GeneratedLine::line)
            .toList();
    Path hour =
        root.resolve("datasource/place_event")
            .resolve(
                Partitions.rawArrivalPartition(DAY.atTime(12, 0).toInstant(ZoneOffset.UTC)).path());
    Files.createDirectories(hour);
    List<String> first = valid.subList(0, valid.size() / 2);
    List<String> second = valid.subList(valid.size() / 2, valid.size());
    Files.write(hour.resolve("good.json.gz"), gzip(first));
    byte[] whole = gzip(second);
    Files.write(
        hour.resolve("truncated.json.gz"),
        Arrays.copyOf(whole, whole.length / 2)); // an upload cut short
    Files.write(hour.resolve("empty.json.gz"), new byte[0]);
    Files.write(hour.resolve("empty.json"), new byte[0]);

    CollectJob.Counts counts = new CollectJob(spark, config, "place_event").run(DAY);

    assertThat(counts.accepted())
        .as("every line of the good file, none of the truncated one")
        .isEqualTo(first.size());
    assertThat(counts.rejected()).as("the truncated file, as one record").isEqualTo(1);
    assertThat(counts.owned())
        .isEqualTo(counts.accepted() + counts.duplicates() + counts.late() + counts.rejected());
    List<Row> quarantine =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.PLACE_EVENT_QUARANTINE.name()))
            .filter("reason = '" + Rejection.UNREADABLE_FILE + "'")
            .collectAsList();
    assertThat(quarantine).hasSize(1);
    assertThat((String) quarantine.get(0).getAs("source_file")).endsWith("truncated.json.gz");
    assertThat((String) quarantine.get(0).getAs("detail")).contains("gzip");
  }
}
