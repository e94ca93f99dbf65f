package org.lambdaref.batch;

import org.lambdaref.model.Period;

/**
 * The one shape of a batch job: for one period it reads its inputs, applies its named pure
 * transforms and writes its tables, then reports what it did. It never writes the ledger itself:
 * {@link Ledger#record(PeriodJob, Period)} does, once per run, for every job alike, so the
 * succeeded row always follows the job's own writes and a failure is always recorded with its
 * cause.
 */
interface PeriodJob {

  /**
   * How the ledger names a run: the job (for {@code period}) and the source it read (the raw
   * source, or the table).
   */
  record Id(String job, String source) {}

  /** The ledger's name of this job's run for {@code period}. */
  Id id(Period period);

  /** Does the period's work; throws when it cannot, having written nothing it reports. */
  Ledger.Entry write(Period period);

  /**
   * For {@code --resume}: whether a succeeded run recorded with {@code details} read the inputs the
   * period has now. Most jobs read only tables the earlier stages rebuild, so yes.
   */
  default boolean inputsUnchanged(Period period, String details) {
    return true;
  }
}
