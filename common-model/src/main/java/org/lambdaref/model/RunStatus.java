package org.lambdaref.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a job's run for a period ended: the {@code status} column of {@code ops.batch_ledger}
 * (succeeded or failed), and, for a step of a replay, skipped (not run: resumed, open, or after an
 * earlier stage failed; the ledger never holds it).
 */
public enum RunStatus {
  /** Every write of the run is committed. */
  SUCCEEDED,
  /** The run stopped; its cause is in the ledger's {@code error}. */
  FAILED,
  /** The step did not run. */
  SKIPPED;

  /** The word the ledger and the console use. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status a ledger row's word names; fails on any other word. */
  public static RunStatus fromWire(String word) {
    return Arrays.stream(values())
        .filter(s -> s.wire().equals(word))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'"
                        + word
                        + "' is not a run status; one of "
                        + Arrays.stream(values()).map(RunStatus::wire).toList()));
  }

  @Override
  public String toString() {
    return wire();
  }
}
