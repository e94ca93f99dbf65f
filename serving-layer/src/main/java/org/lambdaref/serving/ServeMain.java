package org.lambdaref.serving;

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
    stopped.await();
    return 0;
  }
}
