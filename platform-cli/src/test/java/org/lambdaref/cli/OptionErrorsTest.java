package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing or bad option is refused with exit code 2 (picocli's code for bad usage, and the
 * platform's for a {@code PlatformException}), and the message names the option as typed, the value
 * given and the form a value must have.
 */
class OptionErrorsTest {

  @TempDir Path root;

  private CliRun generate(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "generate";
    args[1] = "--conf";
    args[2] = "platform.storage.root=" + root;
    System.arraycopy(options, 0, args, 3, options.length);
    return CliRun.run(args);
  }

  @Test
  void batchWithoutAStartDateSaysWhichOptionIsMissingAndItsForm() {
    assumeTrue(System.getenv("START_DATE") == null, "START_DATE stands for --start-date");

    CliRun run = CliRun.run("batch", "--conf", "platform.storage.root=" + root);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("Missing --start-date (YYYY-MM-DD, or YYYY-MM-DDTHH for an hourly source)")
        .contains("START_DATE")
        .doesNotContain("'null'");
  }

  @Test
  void aNegativeDayCountNamesDaysItsValueAndTheRange() {
    CliRun run = generate("--start-date", "2019-06-08", "--days", "-1");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("Option --days has a bad value '-1'")
        .contains("a whole number from 1 to 3660")
        .doesNotContain("Option generate");
    assertThat(root.resolve("datasource")).doesNotExist();
  }

  @Test
  void noEventsPerDayIsRefusedBecauseItWouldWriteNothing() {
    CliRun run = generate("--start-date", "2019-06-08", "--days", "1", "--events-per-day", "0");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("Option --events-per-day has a bad value '0'")
        .contains("a whole number, 1 or more");
    assertThat(root.resolve("datasource")).doesNotExist();
  }

  @Test
  void aFractionOutOfRangeNamesTheOptionNotTheGeneratorsField() {
    CliRun run = generate("--start-date", "2019-06-08", "--malformed", "2");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("Option --malformed has a bad value '2.0'")
        .contains("a fraction from 0.0 to 1.0")
        .doesNotContain("malformedFraction");
  }

  @Test
  void aRequiredOptionPicocliFindsMissingIsReportedWithItsForm() {
    CliRun run = generate("--days", "2");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Missing --start-date (a date YYYY-MM-DD, such as 2019-06-08)")
        .contains("fix: ");
  }

  @Test
  void aValueOfTheWrongTypeNamesTheOptionTheValueAndTheForm() {
    CliRun days = generate("--start-date", "2019-06-08", "--days", "three");
    CliRun format = CliRun.run("counters", "--place", "p-1", "--format", "xml");

    assertThat(days.exitCode()).isEqualTo(2);
    assertThat(days.err()).contains("Option --days has a bad value 'three'", "a whole number");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err())
        .contains("Option --format has a bad value 'xml'", "one of table, csv, json");
  }

  @Test
  void anOptionWithoutItsValueSaysSo() {
    CliRun run = generate("--start-date", "2019-06-08", "--days");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Option --days has no value (a whole number)");
  }

  @Test
  void anUnknownOptionKeepsPicocliSuggestions() {
    CliRun run = generate("--start-date", "2019-06-08", "--dayz", "3");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--dayz").contains("--days");
    assertThat(Files.exists(root.resolve("datasource"))).isFalse();
  }
}
