package org.lambdaref.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the service last read of one place and action, hour by hour: disjoint spans of consecutive
 * hours, each with the instant it was read. A newer reading replaces exactly the hours it covers
 * and keeps every other hour as it was, so a narrow read never erases what a wide one learnt (the
 * outage path serves these values). Immutable: a reading builds a new instance.
 */
final class KnownHours {

  static final long HOUR_SECONDS = 3600;

  /** Rough heap cost of a span without its counts, and of the instance: for the memory budget. */
  private static final long SPAN_OVERHEAD_BYTES = 64;

  private static final long OVERHEAD_BYTES = 96;

  /** Hours {@code [start, start + counts.length h)} as read at {@code readAt}. */
  record Span(Instant start, Instant readAt, long[] counts) {
    Instant end() {
      return start.plusSeconds(HOUR_SECONDS * counts.length);
    }

    /** Index of {@code hour} in this span, or -1. */
    int indexOf(Instant hour) {
      long seconds = hour.getEpochSecond() - start.getEpochSecond();
      if (seconds < 0 || seconds % HOUR_SECONDS != 0 || hour.getNano() != start.getNano()) {
        return -1;
      }
      long i = seconds / HOUR_SECONDS;
      return i < counts.length ? (int) i : -1;
    }

    /** The part of this span inside {@code [from, to)}, or null when they do not overlap. */
    Span clip(Instant from, Instant to) {
      Instant end = end();
      if (!start.isBefore(to) || !end.isAfter(from)) {
        return null;
      }
      int lo =
          start.isBefore(from)
              ? (int) ((from.getEpochSecond() - start.getEpochSecond()) / HOUR_SECONDS)
              : 0;
      int hi =
          end.isAfter(to)
              ? (int) ((to.getEpochSecond() - start.getEpochSecond()) / HOUR_SECONDS)
              : counts.length;
      if (lo == 0 && hi == counts.length) {
        return this;
      }
      return hi <= lo
          ? null
          : new Span(
              start.plusSeconds(HOUR_SECONDS * lo), readAt, Arrays.copyOfRange(counts, lo, hi));
    }

    /** Counts of {@code [from, to)} from a read's sparse result: hours it did not return are 0. */
    static Span read(Instant from, Instant to, Instant readAt, Map<Instant, Long> counts) {
      int hours =
          (int)
              Math.max(
                  0,
                  (to.getEpochSecond() - from.getEpochSecond() + HOUR_SECONDS - 1) / HOUR_SECONDS);
      long[] values = new long[hours];
      Span span = new Span(from, readAt, values);
      counts.forEach(
          (hour, count) -> {
            int i = span.indexOf(hour);
            if (i >= 0) {
              values[i] += count;
            }
          });
      return span;
    }
  }

  static final KnownHours NONE = new KnownHours(List.of());

  private final List<Span> spans; // sorted by start, disjoint

  private KnownHours(List<Span> spans) {
    this.spans = spans;
  }

  /**
   * This knowledge with {@code reading} laid over it, keeping at most {@code maxHours} hours (the
   * oldest hours are dropped first: real-time answers are about the newest ones).
   */
  KnownHours with(Span reading, int maxHours) {
    List<Span> out = new ArrayList<>(spans.size() + 2);
    for (Span s : spans) {
      Span left = s.clip(s.start(), reading.start());
      Span right = s.clip(reading.end(), s.end());
      if (left != null) {
        out.add(left);
      }
      if (right != null) {
        out.add(right);
      }
    }
    if (reading.counts().length > 0) {
      out.add(reading);
    }
    out.sort(Comparator.comparing(Span::start));
    long hours = out.stream().mapToLong(s -> s.counts().length).sum();
    while (hours > maxHours && !out.isEmpty()) {
      Span oldest = out.get(0);
      long drop = Math.min(oldest.counts().length, hours - maxHours);
      Span rest = oldest.clip(oldest.start().plusSeconds(HOUR_SECONDS * drop), oldest.end());
      if (rest == null) {
        out.remove(0);
      } else {
        out.set(0, rest);
      }
      hours -= drop;
    }
    return new KnownHours(List.copyOf(out));
  }

  /** The spans overlapping {@code [from, to)}, clipped to it. */
  List<Span> slice(Instant from, Instant to) {
    List<Span> out = new ArrayList<>();
    for (Span s : spans) {
      Span c = s.clip(from, to);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * True when every hour of {@code [from, to)} was read less than {@code ttl} before {@code now}.
   */
  boolean freshFor(Instant from, Instant to, Instant now, Duration ttl) {
    Instant next = from;
    for (Span s : slice(from, to)) {
      if (s.start().isAfter(next) || Duration.between(s.readAt(), now).compareTo(ttl) >= 0) {
        return false;
      }
      next = s.end();
    }
    return !next.isBefore(to);
  }

  int hours() {
    return spans.stream().mapToInt(s -> s.counts().length).sum();
  }

  /** An estimate of the heap this knowledge holds, for the cache's byte budget. */
  long bytes() {
    long b = OVERHEAD_BYTES;
    for (Span s : spans) {
      b += SPAN_OVERHEAD_BYTES + 8L * s.counts().length;
    }
    return b;
  }
}
