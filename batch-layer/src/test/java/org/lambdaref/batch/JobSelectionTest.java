package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.lambdaref.batch.BatchPipeline.Job;

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
}
