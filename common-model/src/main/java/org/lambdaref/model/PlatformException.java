package org.lambdaref.model;

/**
 * The one exception type a user sees. Every instance says what is wrong, why, and how to fix it, so
 * that a message in a log or on a terminal is enough to act on. Build instances through {@link
 * Errors}, which keeps all user-facing wording in one place.
 */
public class PlatformException extends RuntimeException {

  private final String problem;
  private final String why;
  private final String fix;

  public PlatformException(String problem, String why, String fix) {
    this(problem, why, fix, null);
  }

  public PlatformException(String problem, String why, String fix, Throwable cause) {
    super(format(problem, why, fix), cause);
    this.problem = problem;
    this.why = why;
    this.fix = fix;
  }

  public String problem() {
    return problem;
  }

  public String why() {
    return why;
  }

  public String fix() {
    return fix;
  }

  private static String format(String problem, String why, String fix) {
    return problem + "\n  why: " + why + "\n  fix: " + fix;
  }
}
