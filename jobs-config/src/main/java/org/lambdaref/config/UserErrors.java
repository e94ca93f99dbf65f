package org.lambdaref.config;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * How {@code bin/lambda}, {@code bin/bench} and the EMR steps' entry points report a failed
 * command: a platform error prints its problem, why and fix (exit 2), anything else one line with
 * its type (exit 1), the stack trace only with {@code LAMBDA_DEBUG} set, or always for a step
 * ({@link #installForSteps}: its log is all an operator has afterwards). A missing option, or a
 * value of the wrong type, that picocli finds while parsing is reported the same way, from {@link
 * Errors} (exit 2, picocli's code for bad usage); its other parse errors (an unknown option, with
 * picocli's suggestions) keep picocli's report.
 */
public final class UserErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

  private final IParameterExceptionHandler picocliReport;
  private final boolean stackTraces;

  private UserErrors(IParameterExceptionHandler picocliReport, boolean stackTraces) {
    this.picocliReport = picocliReport;
    this.stackTraces = stackTraces;
  }

  /** Reports the failures of {@code cli} and of all its subcommands this way. */
  public static CommandLine install(CommandLine cli) {
    return install(cli, false);
  }

  /**
   * As {@link #install}, for the entry point of an EMR step ({@code spark-submit ... BatchMain}):
   * an unexpected failure's stack trace is printed too, since the step's log is all there is to
   * read afterwards.
   */
  public static CommandLine installForSteps(CommandLine cli) {
    return install(cli, true);
  }

  private static CommandLine install(CommandLine cli, boolean stackTraces) {
    UserErrors errors = new UserErrors(cli.getParameterExceptionHandler(), stackTraces);
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    return cli;
  }

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, ParseResult parseResult) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof PlatformException)) {
      cause = cause.getCause();
    }
    if (cause != null) {
      commandLine.getErr().println("error: " + cause.getMessage());
      return 2;
    }
    // anything else (a SQL error, an I/O failure) is still a message, not a stack dump
    commandLine.getErr().println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    if (stackTraces || System.getenv("LAMBDA_DEBUG") != null) {
      e.printStackTrace(new PrintWriter(commandLine.getErr(), true));
    } else {
      commandLine.getErr().println("(set LAMBDA_DEBUG=1 for the stack trace)");
    }
    return 1;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) throws Exception {
    PlatformException error = usageError(e, args);
    if (error == null) {
      return picocliReport.handleParseException(e, args);
    }
    CommandLine commandLine = e.getCommandLine();
    commandLine.getErr().println("error: " + error.getMessage());
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The platform's error for a missing or mistyped argument; null for other parse errors. */
  private static PlatformException usageError(ParameterException e, String[] args) {
    if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
      ArgSpec arg = missing.getMissing().get(0);
      // "--days" as the last argument: the option is there, its value is not
      return given(arg, args)
          ? Errors.missingValue(name(arg), form(arg))
          : Errors.missingArgument(name(arg), form(arg));
    }
    if (e.getArgSpec() != null
        && e.getValue() != null
        && e.getCause() instanceof TypeConversionException) {
      return Errors.badArgument(name(e.getArgSpec()), e.getValue(), form(e.getArgSpec()));
    }
    return null;
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
  }

  private static boolean given(ArgSpec arg, String[] args) {
    if (!(arg instanceof OptionSpec option)) {
      return false;
    }
    return Arrays.stream(args)
        .anyMatch(
            a -> Arrays.stream(option.names()).anyMatch(n -> a.equals(n) || a.startsWith(n + "=")));
  }

  /** What a value looks like: from its type where that says it, else from its description. */
  private static String form(ArgSpec arg) {
    return Errors.formOf(arg.type())
        .orElseGet(
            () -> {
              String[] description = arg.renderedDescription();
              if (description.length == 0 || description[0].isBlank()) {
                return arg.paramLabel();
              }
              String d = description[0].strip();
              d = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
              // "The place id" reads "the place id" inside a sentence; "AWS ..." stays as it is
              return d.length() > 1 && Character.isLowerCase(d.charAt(1))
                  ? d.substring(0, 1).toLowerCase(Locale.ROOT) + d.substring(1)
                  : d;
            });
  }
}
