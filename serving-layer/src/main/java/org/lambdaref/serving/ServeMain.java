package org.lambdaref.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.ServingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/lambda serve}: the HTTP API over the merged views, until stopped (Ctrl-C, SIGTERM).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the merged batch and real-time views over HTTP.",
      "Answers batch counts up to the batch watermark and DynamoDB counters after it."
          + " GET /openapi.json describes the API."
    })
public final class ServeMain implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--port",
      description = "Port to listen on (default platform.serving.port; 0 = any free port).")
  Integer port;

  @Option(
      names = "--bind",
      description = {
        "Address to listen on (default platform.serving.bind-address). Other than",
        "loopback it needs platform.serving.auth-token, or allow-open-non-loopback = true."
      })
  String bind;

  @Override
  public Integer call() throws InterruptedException {
    PlatformConfig config = configOptions.load();
    ServingSettings s = config.serving();
    ServingSettings settings =
        s.withListen(bind == null ? s.bindAddress() : bind, port == null ? s.port() : port);
    // before the batch view loads: an open address without a token is refused at once
    ServingHttpServer.checkExposure(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    ServingService service = ServingService.start(config, settings);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "serving-shutdown"));
    System.out.printf(
        "serving on http://%s:%d  (try /health, /openapi.json, /v1/places/<place>/actions/impression?from=...&to=...)%n",
        settings.bindAddress(), service.port());
    System.out.flush();
    awaitWarmUp(service.speed(), settings);
    for (String warning :
        startWarnings(
            config,
            service.batch().current(),
            service.batch().lastError(),
            service.speed().state(),
            service.speed().lastError())) {
      System.err.println("serve: warning: " + warning);
    }
    stopped.await();
    return 0;
  }

  /** Until the real-time view's first read has answered or failed (bounded by its timeout). */
  private static void awaitWarmUp(SpeedView speed, ServingSettings settings)
      throws InterruptedException {
    long deadline = System.nanoTime() + settings.speedWarmUpTimeout().plusSeconds(2).toNanos();
    while (speed.state() == SpeedView.State.STARTING && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /**
   * What an operator should hear at start, once: a store the service needs that did not answer (the
   * service runs on, answering stale, and says which command brings the store up), and an empty
   * batch view. Pure, so it is tested without servers.
   */
  static List<String> startWarnings(
      PlatformConfig config,
      BatchView view,
      Optional<String> batchError,
      SpeedView.State speedState,
      Optional<String> speedError) {
    List<String> out = new ArrayList<>();
    boolean local = config.env().equals("local");
    if (speedState == SpeedView.State.OUTAGE || speedState == SpeedView.State.FAILING) {
      out.add(
          "DynamoDB at "
              + config.dynamodb().endpoint()
              + " (table "
              + config.dynamodb().countersTable()
              + ") did not answer: "
              + speedError.orElse("no answer")
              + ". Real-time buckets are answered stale (count null where never read) until it"
              + " does; the service checks again every "
              + config.serving().speedOutageProbeInterval().toMillis()
              + " ms. "
              + (local
                  ? "Start it with 'bin/lambda local up'."
                  : "Check platform.dynamodb.endpoint, the network path and the role's permissions."));
    }
    if (!view.loaded()) {
      out.add(
          "the batch view could not be loaded from "
              + config.storage().datastore()
              + ": "
              + batchError.orElse("the first load has not finished")
              + ". The daily route answers 503 and every day is answered from the real-time view"
              + " until a refresh loads it. "
              + (local
                  ? "Start the local stores with 'bin/lambda local up'."
                  : "Check platform.storage.root and the credentials for it."));
    } else if (view.watermark().isEmpty()) {
      out.add(
          "the batch view is empty: no batch run has covered a day in "
              + config.storage().datastore()
              + ", so every answer comes from the real-time view. Run 'bin/lambda batch"
              + " --start-date <day>' for closed days (or 'bin/lambda demo' for the whole stack).");
    }
    return out;
  }
}
