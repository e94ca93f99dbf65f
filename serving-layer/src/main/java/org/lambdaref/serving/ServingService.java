package org.lambdaref.serving;

import java.time.Clock;
import org.lambdaref.config.Endpoints.ServingSettings;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;

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

  private ServingService(CounterStore store, BatchViewRefresher batch, SpeedView speed, ServingHttpServer http) {
    this.store = store;
    this.batch = batch;
    this.speed = speed;
    this.http = http;
  }

  /** Starts the service; {@code settings} may differ from the configuration's (a --port option). */
  public static ServingService start(PlatformConfig config, ServingSettings settings) {
    Clock clock = Clock.systemUTC();
    BatchViewLoader loader = new BatchViewLoader(
        new DeltaTableReader(HadoopSettings.of(config)), config.storage(), config.timezone(), clock);
    BatchViewRefresher batch = new BatchViewRefresher(loader, BatchView.empty(config.timezone()), clock);
    batch.refreshNow();
    batch.start(settings.refreshInterval());
    CounterStore store = DynamoDbCounterStore.forReads(config.dynamodb(), settings.speedReadTimeout());
    SpeedView speed = new SpeedView(store, settings.speedCacheTtl(), settings.staleCacheMaxPlaces(), clock);
    ServingHttpServer http = new ServingHttpServer(settings, batch, speed, clock);
    http.start();
    return new ServingService(store, batch, speed, http);
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
    batch.close();
    store.close();
  }
}
