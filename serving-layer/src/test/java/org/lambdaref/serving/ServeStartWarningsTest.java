package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.BatchCoverage;

/** What {@code bin/lambda serve} tells an operator at start when a store is missing. */
class ServeStartWarningsTest {

  @TempDir Path dir;

  private PlatformConfig local() {
    return ConfigLoader.load(
        "local",
        Map.of(
            "platform.storage.root",
            dir.resolve("lake").toString(),
            "platform.dynamodb.endpoint",
            "http://127.0.0.1:1"),
        Map.of(),
        dir);
  }

  private BatchView loadedButEmpty(PlatformConfig config) {
    return new BatchView(
        config.timezone(),
        BatchCoverage.none(),
        BatchView.Versions.NONE,
        Instant.parse("2026-12-04T00:00:00Z"),
        new TreeMap<>(),
        new TreeMap<>());
  }

  @Test
  void dynamoDbDownSaysWhereAndWhichCommandStartsIt() {
    PlatformConfig config = local();
    List<String> warnings =
        ServeMain.startWarnings(
            config,
            loadedButEmpty(config),
            Optional.empty(),
            SpeedView.State.OUTAGE,
            Optional.of("Unable to execute HTTP request: Connection refused"));
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .contains("DynamoDB at http://127.0.0.1:1")
        .contains("Connection refused")
        .contains("stale")
        .contains("bin/lambda local up")
        .doesNotContain("retry-deadline");
    assertThat(warnings.get(1)).contains("batch view is empty").contains("bin/lambda batch");
  }

  @Test
  void aBatchViewThatCannotLoadSaysWhyAndWhatItMeansForAnswers() {
    PlatformConfig config = local();
    List<String> warnings =
        ServeMain.startWarnings(
            config,
            BatchView.empty(config.timezone()),
            Optional.of("Connection refused: 127.0.0.1:18333"),
            SpeedView.State.HEALTHY,
            Optional.empty());
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("could not be loaded")
        .contains("Connection refused: 127.0.0.1:18333")
        .contains("503")
        .contains("bin/lambda local up");
  }

  @Test
  void aHealthyStartSaysNothing() {
    PlatformConfig config = local();
    BatchView covered =
        new BatchView(
            config.timezone(),
            BatchCoverage.ofDays(List.of(LocalDate.of(2026, 12, 2))),
            BatchView.Versions.NONE,
            Instant.parse("2026-12-04T00:00:00Z"),
            new TreeMap<>(),
            new TreeMap<>());
    assertThat(
            ServeMain.startWarnings(
                config, covered, Optional.empty(), SpeedView.State.HEALTHY, Optional.empty()))
        .isEmpty();
  }
}
