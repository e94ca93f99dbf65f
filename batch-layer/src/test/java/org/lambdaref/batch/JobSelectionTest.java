package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.batch.BatchPipeline.Job;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;

class JobSelectionTest {

  @Test
  void severalJobsRunInDependencyOrderWhateverTheOrderGiven() {
    assertThat(Job.parse("aggregate, collect,snapshot,enrich"))
        .as("a replay without the JDBC export")
        .containsExactly(Job.COLLECT, Job.SNAPSHOT, Job.ENRICH, Job.AGGREGATE);
    assertThat(Job.parse("all")).isEqualTo(EnumSet.allOf(Job.class));
    assertThat(Job.parse("export")).containsExactly(Job.EXPORT);
  }

  @Test
  void anUnknownJobNamesTheOptionAndTheChoices() {
    assertThatThrownBy(() -> Job.parse("collect,agregate"))
        .hasMessageContaining("--job")
        .hasMessageContaining("collect,agregate")
        .hasMessageContaining("aggregate");
  }

  @Test
  void anotherSourceThanTheEventSourceCanOnlyBeCollected(@TempDir Path dir) {
    // a second source beside the event source place_event
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.sources.app_event.time-basis", "event"), Map.of(), dir);
    BatchPipeline.checkJobsFitSource(config, "app_event", EnumSet.of(Job.COLLECT));
    BatchPipeline.checkJobsFitSource(config, "place_event", EnumSet.allOf(Job.class));
    assertThatThrownBy(
            () ->
                BatchPipeline.checkJobsFitSource(
                    config, "app_event", EnumSet.of(Job.COLLECT, Job.ENRICH, Job.AGGREGATE)))
        .hasMessageContaining("[enrich, aggregate]")
        .hasMessageContaining("'app_event'")
        .hasMessageContaining("platform.event-source")
        .hasMessageContaining("--jobs collect");
  }
}
