package org.lambdaref.bench;

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
  void theSeriesSummaryComparesTheFirstAndLastThirds() {
    Map<String, Object> climbing = JvmMemorySampler.summary(series(400, 10, 1500));
    assertThat((double) climbing.get("old_gen_mb_last_third_p50"))
        .isGreaterThan((double) climbing.get("old_gen_mb_first_third_p50"));
    assertThat(JvmMemorySampler.summary(series(400, 0, 1500)).get("old_gen_mb_max"))
        .isEqualTo(480.0);
    assertThat(JvmMemorySampler.summary(series(400, 0, 1500).subList(0, 5)))
        .as("too few samples: counted only")
        .containsOnlyKeys("memory_samples");
  }

  @Test
  void flatMeansTheHeapAfterAFullGcGrewByAtMostAQuarterOr64Mb() {
    assertThat(JvmMemorySampler.flat(300, 360)).as("+60 MB").isTrue();
    assertThat(JvmMemorySampler.flat(300, 380)).as("+80 MB, 27%").isFalse();
    assertThat(JvmMemorySampler.flat(1000, 1240)).as("+24%").isTrue();
    assertThat(JvmMemorySampler.flat(-1, 300)).as("not measured is not flat").isFalse();
  }

  @Test
  void jstatColumnsOfAParallelGcJvmAreReadThoughItHasNoConcurrentCycles() {
    // jstat -gc of a -XX:+UseParallelGC JVM (the speed layer's collector), as JDK 17.0.15 prints it
    List<String> out =
        List.of(
            "    S0C         S1C         S0U         S1U          EC           EU           OC           OU          MC"
                + "         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT   ",
            "    41984.0     40960.0         0.0         0.0     615424.0     255872.5     258048.0      40162.8    21504.0"
                + "    21204.3    2496.0    2328.8      7     0.073     1     0.035     -         -     0.109");
    Map<String, Double> columns = JvmMemorySampler.gcColumns(out);
    assertThat(columns)
        .containsEntry("OU", 40162.8)
        .containsEntry("EU", 255872.5)
        .containsEntry("GCT", 0.109)
        .as("no value for the columns ParallelGC leaves empty")
        .doesNotContainKeys("CGC", "CGCT");
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
    assertThat(JvmMemorySampler.heapAfterFullGcMb(ProcessHandle.current().pid()))
        .as("heap held after a full GC")
        .isGreaterThan(1);
  }
}
