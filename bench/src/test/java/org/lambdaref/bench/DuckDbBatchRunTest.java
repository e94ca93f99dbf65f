package org.lambdaref.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;

/**
 * The benchmark's peer must do the batch layer's work, or its times mean nothing: on a generated
 * day with known answers its accounting and its t3 hourly counts are the generator's truth.
 */
class DuckDbBatchRunTest {

  private static final LocalDate DAY = LocalDate.of(2019, 5, 8);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void accountingAndHourlyCountsMatchTheGeneratorsTruth() throws Exception {
    GeneratorSpec spec =
        new GeneratorSpec(
            DAY, 1, 3000, 50, 400, 0.05, 0.0, 0.03, ZoneOffset.UTC, Duration.ofHours(6), 11L);
    List<GeneratedLine> lines = EventGenerator.generate(spec);
    Path raw = dir.resolve("datasource/place_event");
    writeByArrivalHour(raw, lines);
    BenchData.writePlaceMasterDump(
        dir.resolve("datasource/place_master/p_ymd=" + Partitions.day(DAY)), 50);

    Map<String, Object> result =
        DuckDbBatchRun.run(
            new DuckDbBatchRun.Args(
                raw,
                dir.resolve("datasource/place_master"),
                DAY,
                ZoneId.of("UTC"),
                Duration.ofHours(6),
                Duration.ofMinutes(10),
                1_048_576,
                dir.resolve("out"),
                dir.resolve("check"),
                2,
                "1GB"));

    Instant nextDay = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    long valid = lines.stream().filter(l -> l.kind() == GeneratedLine.Kind.VALID).count();
    long duplicates = lines.stream().filter(l -> l.kind() == GeneratedLine.Kind.DUPLICATE).count();
    // a broken line belongs to the run of the day it arrived on
    long rejected =
        lines.stream()
            .filter(l -> l.kind() == GeneratedLine.Kind.MALFORMED && l.arrival().isBefore(nextDay))
            .count();
    @SuppressWarnings("unchecked")
    Map<String, Number> counts = (Map<String, Number>) result.get("counts");
    assertThat(counts.get("accepted").longValue())
        .as("accepted = distinct valid events")
        .isEqualTo(valid);
    assertThat(counts.get("duplicates").longValue()).as("duplicates").isEqualTo(duplicates);
    assertThat(counts.get("rejected").longValue()).as("rejected").isEqualTo(rejected);
    assertThat(counts.get("late").longValue()).as("late").isZero();
    assertThat(counts.get("owned").longValue())
        .as("owned = accepted + duplicates + late + rejected")
        .isEqualTo(valid + duplicates + rejected);

    Map<String, Long> expectedHourly = new TreeMap<>();
    for (GeneratedLine l : lines) {
      if (l.kind() == GeneratedLine.Kind.VALID) {
        JsonNode e = JSON.readTree(l.line());
        String hour =
            Partitions.tierPartition(Instant.parse(e.get("event_time").asText()), ZoneOffset.UTC)
                .hh();
        expectedHourly.merge(
            e.get("records").get("place_id").asText()
                + "\t"
                + e.get("records").get("action").asText()
                + "\t"
                + Partitions.day(DAY)
                + "\t"
                + hour,
            1L,
            Long::sum);
      }
    }
    Map<String, Long> actualHourly = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve("check/place_action_1h.tsv"))) {
      int last = line.lastIndexOf('\t');
      actualHourly.put(line.substring(0, last), Long.parseLong(line.substring(last + 1)));
    }
    assertThat(actualHourly).as("t3 events per place, action and hour").isEqualTo(expectedHourly);
    assertThat(Files.readAllLines(dir.resolve("check/rejection_reasons.tsv")))
        .as("the generator's broken lines get the platform's reasons")
        .allMatch(
            l ->
                l.matches(
                    "(malformed_json|unknown_action|missing_field:records.place_id|bad_timestamp:event_time"
                        + "|wrong_type:records.place_id)\t\\d+"));
  }

  private static void writeByArrivalHour(Path raw, List<GeneratedLine> lines) throws Exception {
    Map<String, StringBuilder> byHour = new TreeMap<>();
    for (GeneratedLine l : lines) {
      byHour
          .computeIfAbsent(
              Partitions.rawArrivalPartition(l.arrival()).path(), k -> new StringBuilder())
          .append(l.line())
          .append('\n');
    }
    for (Map.Entry<String, StringBuilder> e : byHour.entrySet()) {
      Path folder = Files.createDirectories(raw.resolve(e.getKey()));
      try (OutputStream out =
              new GZIPOutputStream(Files.newOutputStream(folder.resolve("part-0.json.gz")));
          Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
        w.write(e.getValue().toString());
      }
    }
  }
}
