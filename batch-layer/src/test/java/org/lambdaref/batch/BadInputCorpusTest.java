package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.generator.BadInputCorpus;
import org.lambdaref.model.generator.BadInputCorpus.Case;
import org.lambdaref.model.generator.BadInputCorpus.Outcome;

/**
 * Every kind of bad input in one raw file next to good lines: the run goes on and accounts for
 * each.
 */
class BadInputCorpusTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);

  @TempDir Path root;

  @Test
  void everyBadLineIsQuarantinedWithItsReasonAndTheGoodLinesAreUnaffected() throws Exception {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "BadInputCorpusTest");
    Instant arrival = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
    List<Case> cases =
        BadInputCorpus.cases(
            arrival, config.source("place_event").validationRules().maxLineBytes());
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (Case c : cases) {
      file.write(c.line());
      file.write('\n');
    }
    Path hour =
        root.resolve("datasource/place_event")
            .resolve(Partitions.rawArrivalPartition(arrival).path());
    Files.createDirectories(hour);
    Files.write(hour.resolve("corpus.json"), file.toByteArray());

    CollectJob.Counts counts = new CollectJob(spark, config, "place_event").run(DAY);

    long rejected = cases.stream().filter(c -> c.outcome() == Outcome.REJECTED).count();
    assertThat(counts.owned()).as("every line owned by this run").isEqualTo(cases.size());
    assertThat(counts.owned())
        .isEqualTo(counts.accepted() + counts.duplicates() + counts.late() + counts.rejected());
    assertThat(counts.accepted())
        .isEqualTo(cases.stream().filter(c -> c.outcome() == Outcome.ACCEPTED).count());
    assertThat(counts.duplicates()).isEqualTo(1);
    assertThat(counts.rejected()).isEqualTo(rejected);

    List<Row> quarantine =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.PLACE_EVENT_QUARANTINE.name()))
            .collectAsList();
    for (Case c : cases) {
      // each line carries its case name as a token; the blank line is the one blank raw line
      Pattern token =
          Pattern.compile("(?<![A-Za-z0-9_#])" + Pattern.quote(c.name()) + "(?![A-Za-z0-9_#])");
      List<Row> rows =
          quarantine.stream()
              .filter(
                  r -> {
                    String raw = r.getAs("raw_line");
                    return raw != null
                        && (c.name().startsWith("blank")
                            ? raw.isBlank()
                            : token.matcher(raw).find());
                  })
              .toList();
      if (c.outcome() == Outcome.REJECTED) {
        assertThat(rows).as("quarantine rows of " + c.name()).hasSize(1);
        assertThat((String) rows.get(0).getAs("reason"))
            .as("reason of " + c.name())
            .isEqualTo(c.reason());
      } else {
        assertThat(rows).as(c.name() + " is not quarantined").isEmpty();
      }
    }
    List<Row> kept =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.PLACE_EVENT.name()))
            .filter("event_id = 'unknown_extra_fields'")
            .collectAsList();
    assertThat(kept).hasSize(1);
    assertThat((String) kept.get(0).getAs("place_id"))
        .as("the copy processed first is kept")
        .isEqualTo("p-1");
  }
}
