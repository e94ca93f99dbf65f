package org.lambdaref.serving;

import java.time.Clock;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.ServingSettings;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.Action;

/**
 * The running service: batch view (Delta Kernel, refreshed in the background), real-time view
 * (DynamoDB counters) and the HTTP server. Built from the platform configuration; the first batch
 * view is loaded before the port opens, so the first answer is already merged.
 */
public final class ServingService implements AutoCloseable {

  private final CounterStore store;
  private final BatchViewRefresher batch;
  private final SpeedView speed;
  private final ServingHttpServer http;

  private ServingService(
      CounterStore store, BatchViewRefresher batch, SpeedView speed, ServingHttpServer http) {
    this.store = store;
    this.batch = batch;
    this.speed = speed;
    this.http = http;
  }

  /** Starts the service; {@code settings} may differ from the configuration's (a --port option). */
  public static ServingService start(PlatformConfig config, ServingSettings settings) {
    ServingHttpServer.checkExposure(settings); // before anything is started that would need closing
    Clock clock = Clock.systemUTC();
    BatchViewLoader loader =
        new BatchViewLoader(
            new DeltaTableReader(HadoopSettings.of(config)),
            config.storage(),
            config.timezone(),
            config.eventSource().period(),
            clock);
    BatchViewRefresher batch =
        new BatchViewRefresher(loader, BatchView.empty(config.timezone()), clock);
    CounterStore store = null;
    SpeedView speed = null;
    try {
      batch.refreshNow();
      batch.start(settings.refreshInterval());
      store =
          DynamoDbCounterStore.forReads(
              config.dynamodb(), settings.speedReadTimeout(), settings.speedWarmUpTimeout());
      speed = new SpeedView(store, limits(settings), clock);
      ServingHttpServer http = new ServingHttpServer(settings, batch, speed, clock);
      http.start();
      // after the port opens: /health says "starting" (503) until DynamoDB answered once
      speed.start();
      return new ServingService(store, batch, speed, http);
    } catch (RuntimeException e) {
      // a refused start (port taken, bad address) leaves no thread or client behind
      if (speed != null) {
        speed.close();
      }
      if (store != null) {
        store.close();
      }
      batch.close();
      throw e;
    }
  }

  /**
   * The real-time view's bounds from the settings; a key keeps at most a query's range and two
   * days.
   */
  static SpeedView.Limits limits(ServingSettings s) {
    int maxHoursPerKey = (int) Math.min(Integer.MAX_VALUE, s.maxRange().toHours() + 48);
    return new SpeedView.Limits(
        s.speedCacheTtl(),
        s.speedReadTimeout(),
        s.speedWarmUpTimeout(),
        s.speedOutageAfterFailures(),
        s.speedOutageProbeInterval(),
        (int) Math.min(Integer.MAX_VALUE, (long) s.staleCacheMaxPlaces() * Action.values().length),
        s.staleCacheMaxBytes(),
        maxHoursPerKey);
  }

  public int port() {
    return http.port();
  }

  public BatchViewRefresher batch() {
    return batch;
  }

  public SpeedView speed() {
    return speed;
  }

  @Override
  public void close() {
    http.close();
    speed.close();
    batch.close();
    store.close();
  }
}
