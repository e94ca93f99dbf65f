package org.lambdaref.speed;

import java.util.concurrent.atomic.AtomicBoolean;

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

  /**
   * {@code counter-write@<batchId>#<n>:<millis>}: once n counters of that batch ({@code *}: of any
   * batch) are written, the writing thread stops for that long (a long GC pause or a frozen VM),
   * once per JVM.
   */
  public static final String PAUSE_PROPERTY = "lambda.fault.pause-at";

  private static final AtomicBoolean PAUSED = new AtomicBoolean();
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
    String pause = System.getProperty(PAUSE_PROPERTY);
    String pausePrefix =
        pause != null && pause.startsWith(COUNTER_WRITE + "@*#")
            ? COUNTER_WRITE + "@*#"
            : COUNTER_WRITE + "@" + batchId + "#";
    if (pause != null && pause.startsWith(pausePrefix)) {
      String[] nAndMillis = pause.substring(pausePrefix.length()).split(":");
      if (writes >= Integer.parseInt(nAndMillis[0]) && PAUSED.compareAndSet(false, true)) {
        System.err.println(
            "FAULT INJECTED: pausing the counter writer " + nAndMillis[1] + " ms at " + pause);
        System.err.flush();
        try {
          Thread.sleep(Long.parseLong(nAndMillis[1]));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    String spec = System.getProperty(PROPERTY);
    String prefix = COUNTER_WRITE + "@" + batchId + "#";
    if (spec != null
        && spec.startsWith(prefix)
        && writes >= Integer.parseInt(spec.substring(prefix.length()))) {
      halt(spec);
    }
  }

  private static void halt(String spec) {
    System.err.println("FAULT INJECTED: halting at " + spec);
    System.err.flush();
    Runtime.getRuntime().halt(HALT_STATUS);
  }
}
