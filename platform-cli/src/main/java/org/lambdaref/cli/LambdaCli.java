package org.lambdaref.cli;

import org.lambdaref.batch.BatchMain;
import org.lambdaref.config.UserErrors;
import org.lambdaref.serving.ServeMain;
import org.lambdaref.speed.SpeedMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/lambda}: the platform's command line. Thin: each command is its own class. */
@Command(
    name = "lambda",
    mixinStandardHelpOptions = true,
    version = "lambda-platform 0.1.0",
    description =
        "Lambda architecture reference platform: batch, speed and serving layers on Spark.",
    subcommands = {
      DemoCommand.class,
      LocalCommand.class,
      GenerateCommand.class,
      BatchMain.class,
      ExportCommand.class,
      CompactCommand.class,
      SpeedMain.class,
      ProduceCommand.class,
      CountersCommand.class,
      HotRetentionCommand.class,
      ServeMain.class,
      EmrCommand.class,
      CatalogCommand.class,
      TablesCommand.class,
      SqlCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LambdaCli implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LambdaCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // user-facing failures, parse errors included, print their problem/why/fix, not a stack trace
    return UserErrors.install(cli);
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
