package org.lambdaref.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/bench all}: every benchmark with its published settings, one after the other, then the
 * report.
 */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description =
        "Run every benchmark with the settings docs/benchmarks.md publishes, then the report (about 2.5 hours here; bin/lambda local up first).")
final class AllCommand implements Callable<Integer> {

  /** The published runs; each line is one bin/bench command. */
  static final List<String[]> RUNS =
      List.of(
          new String[] {"batch", "--events", "1000000,2000000,4000000,8000000", "--runs", "3"},
          new String[] {"replay"},
          new String[] {"counters"},
          new String[] {"serve", "--rate", "1000"},
          new String[] {"serve", "--rate", "1000", "--batch-only", "--label", "batch-only"},
          new String[] {
            "serve",
            "--rate",
            "1000",
            "--label",
            "ttl0",
            "--conf",
            "platform.serving.speed-cache-ttl=0s"
          },
          new String[] {"serve", "--rate", "2500", "--connections", "128"},
          // 2 minutes of warm-up: a 30 s one left the JIT's and the first Delta snapshots' cold
          // start
          // inside the window (the first batches took 25 s and set the p99)
          // the 10-minute load run of docs/reliability.md: lag, memory and exact counters at the
          // end
          new String[] {"speed", "--rate", "20000", "--duration", "600s", "--warmup", "120s"},
          new String[] {"speed", "--rate", "5000", "--duration", "300s", "--warmup", "120s"},
          new String[] {"speed", "--rate", "50000", "--duration", "120s", "--warmup", "60s"},
          new String[] {"report"});

  @Override
  public Integer call() {
    int worst = 0;
    for (String[] run : RUNS) {
      System.out.println("== bin/bench " + String.join(" ", run));
      int code = new CommandLine(new BenchCli()).execute(run);
      worst = Math.max(worst, code);
    }
    return worst;
  }
}
