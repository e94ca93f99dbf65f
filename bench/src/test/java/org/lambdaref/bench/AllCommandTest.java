package org.lambdaref.bench;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AllCommandTest {

  @Test
  void everyPublishedRunParses() {
    // the speed and serve options were passed through to bin/lambda once; now bin/bench declares
    // them
    for (String[] run : AllCommand.RUNS) {
      assertThatCode(() -> new CommandLine(new BenchCli()).parseArgs(run))
          .as(String.join(" ", run))
          .doesNotThrowAnyException();
    }
  }
}
