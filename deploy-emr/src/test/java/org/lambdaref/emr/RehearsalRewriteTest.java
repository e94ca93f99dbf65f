package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.RunArguments;

/** What the rehearsal changes in a rendered step, and that it keeps the rest, YARN's part too. */
class RehearsalRewriteTest {

  @Test
  void theRehearsedStepIsTheRenderedOneWithOnlyTheListedChanges() {
    List<String> rendered =
        EmrSteps.batch(
                EmrFixture.config(Map.of()).emr(),
                new RunArguments(LocalDate.of(2026, 10, 1), 2, 1, "emr"),
                EmrSteps.Mode.PARALLEL)
            .get(0)
            .hadoopJarStep()
            .args();
    // YARN's part of the step: one application attempt (a failed driver is a failed step)
    assertThat(String.join(" ", rendered)).contains("--conf spark.yarn.maxAppAttempts=1");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("platform.storage.root", "s3a://lake/x");
    conf.put("platform.jdbc.password", "pw");
    Path jar = Path.of("/build/batch-layer-0.1.0-emr.jar");
    RehearsalRewrite.Rewritten r =
        RehearsalRewrite.rewrite(
            rendered,
            new RehearsalRewrite.Target(
                "spark://127.0.0.1:7077", Map.of(EmrSteps.BATCH_JAR, jar), conf, false));

    List<String> expected =
        new ArrayList<>(List.of("spark-submit", "--master", "spark://127.0.0.1:7077"));
    for (int i = 1; i < rendered.size(); i++) {
      String arg = rendered.get(i);
      expected.add(
          rendered.get(i - 1).equals("--env")
              ? "rehearsal" // env/rehearsal.conf: emr.conf with loopback endpoints allowed
              : arg.replace("s3://", "s3a://")); // the overlay file and the jar on the S3 server
    }
    expected.addAll(
        List.of(
            "--conf", "platform.storage.root=s3a://lake/x", "--conf", "platform.jdbc.password=pw"));
    assertThat(r.command()).containsExactlyElementsOf(expected);
    assertThat(r.command())
        .contains("--deploy-mode", "cluster", "--parallelism", "2", "--env", "rehearsal");
    assertThat(String.join(" ", rendered)).contains("--env emr --config-uri s3://");
    assertThat(r.changes())
        .anyMatch(c -> c.startsWith("added --master spark://127.0.0.1:7077"))
        .anyMatch(c -> c.startsWith("kept spark.yarn.maxAppAttempts=1"))
        .anyMatch(c -> c.startsWith("--env emr -> --env rehearsal"))
        .anyMatch(c -> c.contains("platform.jdbc.password=****"))
        .noneMatch(c -> c.contains("=pw"));
  }
}
