package org.lambdaref.serving;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.CounterStore.Counter;
import org.lambdaref.model.Action;
import org.lambdaref.serving.KnownHours.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-time view as the service sees it: the DynamoDB counters, and what the service last read
 * of them, hour by hour.
 *
 * <p>A range whose every hour was read less than {@code ttl} ago is served from memory, which
 * bounds DynamoDB reads under load. When a read fails (after its retries, within the read timeout)
 * each hour is served as last read, with the instant of that read; an hour never read is unknown,
 * never 0 (the source notes, serving during recovery: an outage of one view never becomes an error
 * page, and never a wrong number either).
 *
 * <p>An outage is declared only from evidence that persists: {@code outageAfterFailures} reads in a
 * row that failed. Until then each request still tries DynamoDB; during an outage requests answer
 * from memory at once, and a background probe (with the warm-up bound, not the per-read one) checks
 * every {@code probeInterval} whether DynamoDB is back. At start the same probe warms the client
 * (connection, credentials) before the view reports ready; requests that arrive meanwhile wait for
 * it.
 */
public final class SpeedView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpeedView.class);

  /** Where the view stands with DynamoDB. */
  public enum State {
    /** The first read (the warm-up) has not finished yet. */
    STARTING,
    /** The last read succeeded. */
    HEALTHY,
    /** Reads failed, but fewer in a row than the outage threshold. */
    FAILING,
    /** The threshold was reached: answers come from memory until a probe succeeds. */
    OUTAGE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the view bounds its reads, its memory and its judgement of an outage. */
  public record Limits(
      Duration cacheTtl,
      Duration readTimeout,
      Duration warmUpTimeout,
      int outageAfterFailures,
      Duration probeInterval,
      int maxKeys,
      long maxBytes,
      int maxHoursPerKey) {}

  /** What the view knows of one hour: its count as read at {@code readAt}. */
  public record HourValue(long count, Instant readAt) {}

  /**
   * The real-time view over a range: per hour its value as last read, or nothing for an hour the
   * service never read. {@code stale} when DynamoDB did not answer this time.
   */
  public static final class Reading {
    static final Reading NOTHING = new Reading(List.of(), false);

    private final List<Span> spans;
    private final boolean stale;

    Reading(List<Span> spans, boolean stale) {
      this.spans = spans;
      this.stale = stale;
    }

    /**
     * Every hour of {@code [from, to)} known as read at {@code readAt}: {@code counts}, 0
     * elsewhere.
     */
    public static Reading complete(
        Instant from, Instant to, Instant readAt, Map<Instant, Long> counts, boolean stale) {
      return new Reading(List.of(Span.read(from, to, readAt, counts)), stale);
    }

    /** The value of the hour starting at {@code hour}, or empty when it is unknown. */
    public Optional<HourValue> at(Instant hour) {
      for (Span s : spans) {
        int i = s.indexOf(hour);
        if (i >= 0) {
          return Optional.of(new HourValue(s.counts()[i], s.readAt()));
        }
      }
      return Optional.empty();
    }

    public boolean stale() {
      return stale;
    }
  }

  private final CounterStore store;
  private final Limits limits;
  private final Clock clock;
  private final Lru cache;
  private final ScheduledExecutorService probe;
  private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong slowReads = new AtomicLong();
  private final AtomicLong memoryAnswers = new AtomicLong();
  private final AtomicLong outagesDeclared = new AtomicLong();
  private final AtomicLong transientFailureRuns = new AtomicLong();
  private final AtomicReference<Instant> lastFailure = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private final AtomicReference<Duration> warmUpTook = new AtomicReference<>();

  public SpeedView(CounterStore store, Limits limits, Clock clock) {
    this.store = store;
    this.limits = limits;
    this.clock = clock;
    this.cache = new Lru(limits.maxKeys(), limits.maxBytes());
    this.probe =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "speed-view-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the warm-up read in the background: the first read of a process (connection, DNS, TLS,
   * credentials) gets {@code warmUpTimeout}, not the per-read bound. If it fails within that, the
   * view starts in an outage and the probe keeps trying.
   */
  public void start() {
    probe.execute(
        () -> {
          long started = System.nanoTime();
          long deadline = started + limits.warmUpTimeout().toNanos();
          RuntimeException last = null;
          while (System.nanoTime() < deadline && !probe.isShutdown()) {
            try {
              store.warmUp(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
              warmUpTook.set(Duration.ofNanos(System.nanoTime() - started));
              succeeded(clock.instant());
              LOG.info("DynamoDB answered the warm-up read in {} ms", warmUpTook.get().toMillis());
              warmedUp.complete(null);
              return;
            } catch (RuntimeException e) {
              last = e;
              sleepQuietly(limits.probeInterval());
            }
          }
          String why = last == null ? "no attempt finished" : String.valueOf(last.getMessage());
          failed(why, true);
          LOG.warn(
              "DynamoDB did not answer the warm-up read within {}; starting in an outage: {}",
              limits.warmUpTimeout(),
              why);
          warmedUp.complete(null);
          scheduleProbe();
        });
  }

  /** Immediately ready, without a warm-up read (tests of the merge that need no store). */
  void markWarm() {
    state.compareAndSet(State.STARTING, State.HEALTHY);
    warmedUp.complete(null);
  }

  /** Counters of one place and action for hours in {@code [from, to)}. */
  public Reading read(String placeId, Action action, Instant from, Instant to) {
    if (!from.isBefore(to)) {
      return Reading.NOTHING;
    }
    awaitWarmUp();
    String key = placeId + '\u0000' + action.wireName();
    Instant now = clock.instant();
    KnownHours known = cache.get(key);
    if (known.freshFor(from, to, now, limits.cacheTtl())) {
      cacheHits.incrementAndGet();
      return new Reading(known.slice(from, to), false);
    }
    if (state.get() == State.OUTAGE) {
      memoryAnswers.incrementAndGet();
      return new Reading(known.slice(from, to), true);
    }
    long started = System.nanoTime();
    try {
      reads.incrementAndGet();
      Map<Instant, Long> counts = new TreeMap<>();
      for (Counter c : store.read(placeId, action.wireName(), from, to)) {
        counts.merge(c.hour(), c.count(), Long::sum);
      }
      Span span = Span.read(from, to, now, counts);
      cache.merge(key, span, limits.maxHoursPerKey());
      if (System.nanoTime() - started > limits.readTimeout().toNanos() / 2) {
        slowReads.incrementAndGet();
      }
      succeeded(now);
      return new Reading(List.of(span), false);
    } catch (RuntimeException e) {
      failed(String.valueOf(e.getMessage()), false);
      memoryAnswers.incrementAndGet();
      return new Reading(cache.get(key).slice(from, to), true);
    }
  }

  private void awaitWarmUp() {
    if (warmedUp.isDone()) {
      return;
    }
    try {
      warmedUp.get(limits.warmUpTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // answer with what the view has; the warm-up decides the state
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void succeeded(Instant now) {
    lastSuccess.set(now);
    int run = failuresInARow.getAndSet(0);
    State before = state.getAndSet(State.HEALTHY);
    if (before == State.OUTAGE) {
      LOG.info(
          "DynamoDB answers again; real-time values are read fresh after {} failed reads in a row",
          run);
    } else if (run > 0) {
      transientFailureRuns.incrementAndGet();
      LOG.info(
          "DynamoDB answers again after {} failed read(s), fewer than the {} that make an outage",
          run,
          limits.outageAfterFailures());
    }
  }

  private void failed(String message, boolean declareNow) {
    Instant now = clock.instant();
    failures.incrementAndGet();
    lastFailure.set(now);
    lastError.set(message);
    int run = failuresInARow.incrementAndGet();
    if (declareNow || run >= limits.outageAfterFailures()) {
      State before = state.getAndSet(State.OUTAGE);
      if (before != State.OUTAGE) {
        outagesDeclared.incrementAndGet();
        LOG.warn(
            "DynamoDB outage: {} read(s) in a row failed; answering from the last values read, marked stale,"
                + " and probing every {}: {}",
            run,
            limits.probeInterval(),
            message);
        if (!declareNow) {
          scheduleProbe();
        }
      }
    } else {
      state.compareAndSet(State.HEALTHY, State.FAILING);
      LOG.warn(
          "DynamoDB read failed ({} in a row; an outage after {}): {}",
          run,
          limits.outageAfterFailures(),
          message);
    }
  }

  private void scheduleProbe() {
    if (probe.isShutdown()) {
      return;
    }
    probe.schedule(
        () -> {
          if (state.get() != State.OUTAGE) {
            return;
          }
          long started = System.nanoTime();
          try {
            store.warmUp(limits.warmUpTimeout());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (took.compareTo(limits.readTimeout()) <= 0) {
              succeeded(clock.instant());
              return;
            }
            // answering, but slower than a request may wait: ending the outage now would only make
            // the next requests time out again
            lastError.set(
                "DynamoDB answered the probe in "
                    + took.toMillis()
                    + " ms, slower than"
                    + " platform.serving.speed-read-timeout ("
                    + limits.readTimeout().toMillis()
                    + " ms)");
          } catch (RuntimeException e) {
            lastError.set(String.valueOf(e.getMessage()));
          }
          lastFailure.set(clock.instant());
          scheduleProbe();
        },
        limits.probeInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public State state() {
    return state.get();
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

  /** Reads that succeeded but took more than half the read timeout. */
  public long slowReads() {
    return slowReads.get();
  }

  /** Answers whose real-time part came from memory because DynamoDB did not answer. */
  public long memoryAnswers() {
    return memoryAnswers.get();
  }

  /**
   * Outages declared: the threshold of failed reads in a row was reached (or the warm-up failed).
   */
  public long outagesDeclared() {
    return outagesDeclared.get();
  }

  /** Runs of failed reads that ended with a success before the threshold: not outages. */
  public long transientFailureRuns() {
    return transientFailureRuns.get();
  }

  public int failuresInARow() {
    return failuresInARow.get();
  }

  public Optional<Duration> warmUpTook() {
    return Optional.ofNullable(warmUpTook.get());
  }

  public int cachedKeys() {
    return cache.size();
  }

  public long cachedBytes() {
    return cache.bytes();
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

  @Override
  public void close() {
    probe.shutdownNow();
  }

  /**
   * Known hours per key, the least recently asked forgotten first, within a key and a byte budget.
   */
  private static final class Lru {
    private final int maxKeys;
    private final long maxBytes;
    private final LinkedHashMap<String, KnownHours> map = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    Lru(int maxKeys, long maxBytes) {
      this.maxKeys = maxKeys;
      this.maxBytes = maxBytes;
    }

    synchronized KnownHours get(String key) {
      KnownHours k = map.get(key);
      return k == null ? KnownHours.NONE : k;
    }

    synchronized void merge(String key, Span reading, int maxHours) {
      KnownHours before = map.get(key);
      KnownHours after = (before == null ? KnownHours.NONE : before).with(reading, maxHours);
      bytes += after.bytes() - (before == null ? 0 : before.bytes());
      map.put(key, after);
      var eldest = map.entrySet().iterator();
      while ((map.size() > maxKeys || bytes > maxBytes) && map.size() > 1 && eldest.hasNext()) {
        var e = eldest.next();
        if (e.getKey().equals(key)) {
          continue;
        }
        bytes -= e.getValue().bytes();
        eldest.remove();
      }
    }

    synchronized int size() {
      return map.size();
    }

    synchronized long bytes() {
      return bytes;
    }
  }
}
