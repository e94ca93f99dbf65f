package org.lambdaref.cli;

import java.io.PrintWriter;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * How {@code bin/lambda} and {@code bin/bench} report a failed command: a platform error prints its
 * problem, why and fix (exit 2), anything else one line with its type (exit 1), the stack trace
 * only with {@code LAMBDA_DEBUG} set.
 */
public final class UserErrors implements IExecutionExceptionHandler {

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
    if (System.getenv("LAMBDA_DEBUG") != null) {
      e.printStackTrace(new PrintWriter(commandLine.getErr(), true));
    } else {
      commandLine.getErr().println("(set LAMBDA_DEBUG=1 for the stack trace)");
    }
    return 1;
  }
}
