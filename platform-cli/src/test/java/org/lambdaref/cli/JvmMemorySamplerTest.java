package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmMemorySamplerTest {

  private static List<JvmMemorySampler.Sample> series(double oldStart, double oldStep, double rss) {
    List<JvmMemorySampler.Sample> out = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // a saw tooth, as the old generation looks between major GCs, around a trend
      out.add(new JvmMemorySampler.Sample(i * 5.0, rss, oldStart + i * oldStep + (i % 3) * 40));
    }
    return out;
  }

  @Test
  void aSawToothAroundAFlatLineIsFlatAndASteadyClimbIsNot() {
    Map<String, Object> flat = JvmMemorySampler.summary(series(400, 0, 1500));
    assertThat(flat.get("memory_flat")).as("GC saw tooth without a trend").isEqualTo(true);
    assertThat(flat.get("old_gen_mb_max")).isEqualTo(480.0);

    Map<String, Object> leak = JvmMemorySampler.summary(series(400, 10, 1500));
    assertThat(leak.get("memory_flat")).as("10 MB more every sample: 200 MB over the run").isEqualTo(false);
    assertThat((double) leak.get("old_gen_mb_last_third_p50")).isGreaterThan((double) leak.get("old_gen_mb_first_third_p50"));
  }

  @Test
  void tooFewSamplesAreNotCalledFlat() {
    assertThat(JvmMemorySampler.summary(series(400, 0, 1500).subList(0, 5)).get("memory_flat"))
        .asString().startsWith("unknown");
  }

  @Test
  void itSamplesARunningJvm() throws Exception {
    try (JvmMemorySampler sampler = new JvmMemorySampler(ProcessHandle.current().pid(), 50)) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (sampler.samples().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      JvmMemorySampler.Sample s = sampler.samples().get(0);
      assertThat(s.rssMb()).as("resident set of this test JVM").isGreaterThan(10);
      assertThat(s.oldGenMb()).as("jstat's old generation in use").isGreaterThanOrEqualTo(0);
    }
  }
}
