package org.lambdaref.cli;

import java.util.concurrent.Callable;
import org.lambdaref.batch.HotRetention;
import org.lambdaref.batch.Lake;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.hot.HotTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "hot-retention",
    mixinStandardHelpOptions = true,
    description = {
      "Delete the hot partitions the batch layer now covers.",
      "Deletes the hot partitions of the days the batch layer covers (the serving cut), keeping"
          + " those of the newest --keep-days covered days. The batch runs this itself after a"
          + " period."
    })
final class HotRetentionCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--keep-days",
      description = "Closed days to keep (default platform.speed.hot-retention-keep-days).")
  Integer keepDays;

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    int keep = keepDays == null ? config.speed().hotRetentionKeepDays() : keepDays;
    HotTables.Retention result =
        new HotRetention(new Lake(SparkSessions.getOrCreate(config, "HotRetention"), config))
            .run(keep);
    Console console = Console.stdout();
    if (result.newestCovered().isEmpty()) {
      console.line(
          "no day covered by the batch layer yet (no succeeded aggregate_place in ops.batch_ledger): nothing removed");
      return 0;
    }
    console.line(
        "newest day covered by the batch %s; removed the hot partitions of %s (keeping the newest %d covered"
            + " day(s)): %s",
        result.newestCovered().get(),
        result.removedDays().isEmpty() ? "no day" : result.removedDays(),
        keep,
        result.rowsRemoved());
    return 0;
  }
}
