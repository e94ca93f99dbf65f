package org.lambdaref.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Medians and ratios for the reports: medians because one slow run (a GC, a busy disk) must not
 * move the figure.
 */
public final class Stats {

  private Stats() {}

  public static double median(List<? extends Number> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("the median of no values is undefined");
    }
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  /**
   * {@code a / b}, rounded to two decimals; a zero {@code b} (a step too fast to time) gives
   * infinity.
   */
  public static double ratio(double a, double b) {
    return b == 0 ? Double.POSITIVE_INFINITY : Math.round(a / b * 100.0) / 100.0;
  }
}
