package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.UserErrors;
import picocli.CommandLine;

/** The EMR step's entry point reports bad arguments as bin/lambda does (exit 2, no stack trace). */
class BatchMainEntryTest {

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = UserErrors.installForSteps(new CommandLine(new BatchMain()));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void aMissingStartDateNamesTheOptionAndItsForm() {
    String[] r = run("--iteration-count", "2");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("--start-date").contains("YYYY-MM-DD").doesNotContain("\tat ");
  }

  @Test
  void anUnknownJobIsAPlatformErrorWithoutAStackTrace() {
    String[] r = run("--start-date", "2026-11-30", "--job", "colect");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("colect").doesNotContain("\tat ");
  }
}
