package org.lambdaref.serving;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link BatchView} and replaces it when the ledger or a t3 table has a new
 * version. A failed refresh keeps serving the previous view (its age shows in /health and /metrics)
 * and is tried again at the next interval.
 */
public final class BatchViewRefresher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchViewRefresher.class);

  private final BatchViewLoader loader;
  private final Clock clock;
  private final AtomicReference<BatchView> current;
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicReference<Instant> lastCheck = new AtomicReference<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "batch-view-refresh");
            t.setDaemon(true);
            return t;
          });

  public BatchViewRefresher(BatchViewLoader loader, BatchView initial, Clock clock) {
    this.loader = loader;
    this.clock = clock;
    this.current = new AtomicReference<>(initial);
  }

  public BatchView current() {
    return current.get();
  }

  /** Loads a new view if any table moved; returns whether the view changed. */
  public synchronized boolean refreshNow() {
    try {
      BatchView view = current.get();
      lastCheck.set(clock.instant());
      if (loader.currentVersions().equals(view.versions())
          && !view.loadedAt().equals(Instant.EPOCH)) {
        lastError.set(null);
        return false;
      }
      current.set(loader.load(view));
      lastError.set(null);
      return true;
    } catch (RuntimeException e) {
      lastError.set(String.valueOf(e.getMessage()));
      LOG.warn(
          "batch view refresh failed; still serving the view loaded at {}: {}",
          current.get().loadedAt(),
          e.toString());
      return false;
    }
  }

  /** Refreshes every {@code interval} in the background. */
  public void start(Duration interval) {
    scheduler.scheduleWithFixedDelay(
        this::refreshNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Optional<String> lastError() {
    return Optional.ofNullable(lastError.get());
  }

  public Optional<Instant> lastCheck() {
    return Optional.ofNullable(lastCheck.get());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
