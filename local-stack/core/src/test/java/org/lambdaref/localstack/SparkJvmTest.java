package org.lambdaref.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparkJvmTest {

  @Test
  void aChildJvmGetsTheCodeCacheSizeWithTheJitLevelAndTheOpens() {
    List<String> parent = ManagementFactory.getRuntimeMXBean().getInputArguments();
    // the parent pom's test flags: C1 only, with the code cache a whole-stack JVM needs
    assertThat(parent).contains("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m");

    List<String> command = SparkJvm.command("cp", "Main", "-Xmx1g");

    assertThat(command)
        .contains("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m")
        .contains("--add-opens=java.base/java.nio=ALL-UNNAMED")
        .doesNotContain("-Xmx3g")
        .endsWith("-Xmx1g", "-cp", "cp", "Main");
    assertThat(SparkStandaloneCluster.javaFlags())
        .contains("-XX:ReservedCodeCacheSize=256m")
        .noneMatch(flag -> flag.startsWith("-Dspark."));
  }
}
