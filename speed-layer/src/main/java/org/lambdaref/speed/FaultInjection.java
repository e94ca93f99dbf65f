package org.lambdaref.speed;

/**
 * Stops the JVM at a named point of a micro-batch, as {@code kill -9} would (no shutdown hooks,
 * nothing flushed), so that the crash tests can hit the moments that matter: after the hot table
 * write, between two counter writes, after the counters but before Spark commits the batch.
 *
 * <p>Off unless the system property {@value #PROPERTY} is set, to {@code <point>@<batchId>} or
 * {@code counter-write@<batchId>#<n>} (once n counters of that batch are written).
 */
public final class FaultInjection {

  public static final String PROPERTY = "lambda.fault.halt-at";
  public static final String HOT_WRITTEN = "hot-written";
  public static final String COUNTER_WRITE = "counter-write";
  public static final String COUNTERS_WRITTEN = "counters-written";

  /** Exit status of a halt, so that a test can tell an injected crash from a failure. */
  public static final int HALT_STATUS = 137;

  private FaultInjection() {}

  public static void at(String point, long batchId) {
    String spec = System.getProperty(PROPERTY);
    if (spec != null && spec.equals(point + "@" + batchId)) {
      halt(spec);
    }
  }

  /** Halts once at least {@code n} counters of the batch are written (writes land in chunks). */
  public static void afterCounterWrite(long batchId, int writes) {
    String spec = System.getProperty(PROPERTY);
    String prefix = COUNTER_WRITE + "@" + batchId + "#";
    if (spec != null && spec.startsWith(prefix) && writes >= Integer.parseInt(spec.substring(prefix.length()))) {
      halt(spec);
    }
  }

  private static void halt(String spec) {
    System.err.println("FAULT INJECTED: halting at " + spec);
    System.err.flush();
    Runtime.getRuntime().halt(HALT_STATUS);
  }
}
