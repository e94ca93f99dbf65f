package org.lambdaref.serving;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.lambdaref.counters.CounterStore.Counter;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.model.Action;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-time view as the service sees it: the DynamoDB counters, read through a small cache.
 *
 * <p>A reading younger than {@code ttl} that covers the asked range is served from memory, which
 * bounds DynamoDB reads under load. When DynamoDB cannot answer within its timeout the last
 * reading of that place and action is served instead, marked stale: an outage of one view never
 * becomes an error page (the source notes, serving during recovery). The cache keeps the most
 * recently used {@code maxEntries} keys.
 */
public final class SpeedView {

  private static final Logger LOG = LoggerFactory.getLogger(SpeedView.class);

  /** Counts per hour (UTC instant of the hour's start) and whether they may be out of date. */
  public record Reading(Map<Instant, Long> counts, boolean stale) {
    static final Reading NOTHING = new Reading(Map.of(), false);
  }

  private record Cached(Instant fetchedAt, Instant from, Instant to, Map<Instant, Long> counts) {
    boolean covers(Instant f, Instant t) {
      return !from.isAfter(f) && !to.isBefore(t);
    }
  }

  private final CounterStore store;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Cached> cache;
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<Instant> lastFailure = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();

  public SpeedView(CounterStore store, Duration ttl, int maxEntries, Clock clock) {
    this.store = store;
    this.ttl = ttl;
    this.clock = clock;
    this.cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > maxEntries;
      }
    });
  }

  /** Counters of one place and action for hours in {@code [from, to)}. */
  public Reading read(String placeId, Action action, Instant from, Instant to) {
    if (!from.isBefore(to)) {
      return Reading.NOTHING;
    }
    String key = placeId + '\u0000' + action.wireName();
    Instant now = clock.instant();
    Cached cached = cache.get(key);
    if (cached != null && cached.covers(from, to) && Duration.between(cached.fetchedAt(), now).compareTo(ttl) < 0) {
      cacheHits.incrementAndGet();
      return new Reading(slice(cached.counts(), from, to), false);
    }
    try {
      reads.incrementAndGet();
      Map<Instant, Long> counts = new TreeMap<>();
      for (Counter c : store.read(placeId, action.wireName(), from, to)) {
        counts.merge(c.hour(), c.count(), Long::sum);
      }
      cache.put(key, new Cached(now, from, to, counts));
      lastSuccess.set(now);
      return new Reading(counts, false);
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      Instant previous = lastFailure.getAndSet(now);
      lastError.set(e.getMessage());
      if (previous == null || Duration.between(previous, now).toSeconds() >= 10) {
        LOG.warn("DynamoDB did not answer; serving the last cached real-time values, marked stale: {}", e.getMessage());
      }
      return new Reading(cached == null ? Map.of() : slice(cached.counts(), from, to), true);
    }
  }

  private static Map<Instant, Long> slice(Map<Instant, Long> counts, Instant from, Instant to) {
    return counts instanceof TreeMap<Instant, Long> sorted ? sorted.subMap(from, to) : counts;
  }

  public long reads() {
    return reads.get();
  }

  public long cacheHits() {
    return cacheHits.get();
  }

  public long failures() {
    return failures.get();
  }

  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess.get());
  }

  public Optional<Instant> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  public Optional<String> lastError() {
    return Optional.ofNullable(lastError.get());
  }
}
