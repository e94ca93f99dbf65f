package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RunOptionsTest {

  @Command(name = "job")
  static class Job implements Runnable {
    @Mixin RunOptions run;
    @Mixin ConfigOptions config;

    @Override
    public void run() {}
  }

  @Test
  void optionsParseFromTheCommandLine() {
    Job job = new Job();
    new CommandLine(job)
        .parseArgs(
            "--start-date",
            "2019-05-08",
            "--iteration-count",
            "3",
            "--env",
            "local-s3",
            "--conf",
            "platform.timezone=Asia/Seoul");

    RunArguments args = job.run.toRunArguments(job.config.env());
    assertThat(args.startDate()).isEqualTo(LocalDate.of(2019, 5, 8));
    assertThat(args.iterationCount()).isEqualTo(3);
    assertThat(args.parallelism()).isEqualTo(1);
    assertThat(job.config.overrides()).containsEntry("platform.timezone", "Asia/Seoul");
  }
}
