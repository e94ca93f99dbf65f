package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command lists of {@code bin/lambda --help} (and of each command group's help, such as {@code
 * emr --help}) show one summary a command: picocli's first header line, else the first element of
 * its description. Each must be a whole sentence on the command's own line: a summary that goes on
 * in the next description element, or one wider than the usage width, shows cut mid-sentence.
 */
class CliHelpTest {

  @Test
  void everyCommandOfTheTopLevelHelpHasOneWholeSentenceOnItsLine() {
    CommandLine lambda = LambdaCli.commandLine();
    CliRun help = CliRun.run("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(commands(lambda)).hasSizeGreaterThan(10);
    assertSummariesWhole(lambda, help.out());
  }

  @Test
  void soHasEveryCommandOfTheCommandGroups() {
    List<CommandLine> groups = new ArrayList<>();
    for (CommandLine command : commands(LambdaCli.commandLine())) {
      if (!command.getSubcommands().isEmpty()) {
        groups.add(command);
      }
    }

    assertThat(groups).extracting(CommandLine::getCommandName).contains("emr", "local");
    for (CommandLine group : groups) {
      CliRun help = CliRun.run(group.getCommandName(), "--help");
      assertThat(help.exitCode()).isZero();
      assertSummariesWhole(group, help.out());
    }
  }

  private static void assertSummariesWhole(CommandLine parent, String help) {
    List<String> lines = help.lines().toList();
    for (CommandLine command : commands(parent)) {
      String name = command.getCommandName();
      String summary = summary(command.getCommandSpec().usageMessage());
      assertThat(summary)
          .as("the summary of '%s' is a complete sentence", name)
          .endsWith(".")
          .doesNotContainPattern("\\.\\s+[A-Z]");
      Pattern line = Pattern.compile("  " + Pattern.quote(name) + " +" + Pattern.quote(summary));
      assertThat(lines)
          .as("'%s' and its whole summary on one line of%n%s", name, help)
          .anyMatch(l -> line.matcher(l).matches());
    }
  }

  /** What picocli's command list shows of a command. */
  private static String summary(UsageMessageSpec usage) {
    String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
    return lines.length == 0 ? "" : lines[0];
  }

  /** The subcommands, once each (the map lists a command under each of its aliases). */
  private static Set<CommandLine> commands(CommandLine parent) {
    return new LinkedHashSet<>(parent.getSubcommands().values());
  }
}
