package org.lambdaref.config;

import java.time.Duration;
import java.util.Objects;
import org.lambdaref.model.Errors;

/**
 * The serving layer's HTTP service ({@code platform.serving.*}). {@link #toString()} hides the
 * bearer token.
 */
public record ServingSettings(
    String bindAddress,
    int port,
    int threads,
    Duration maxRange,
    Duration refreshInterval,
    Duration speedReadTimeout,
    Duration speedCacheTtl,
    int staleCacheMaxPlaces,
    long staleCacheMaxBytes,
    Duration speedWarmUpTimeout,
    int speedOutageAfterFailures,
    Duration speedOutageProbeInterval,
    String authToken,
    String authTokenSecret,
    int readerThreads,
    Duration maxRequestReadTime,
    int maxQueuedRequests,
    boolean allowOpenNonLoopback) {

  /** The longest {@code max-request-read-time}: longer is no bound against slow clients at all. */
  public static final Duration MAX_REQUEST_READ_TIME = Duration.ofMinutes(10);

  public ServingSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(authToken, "authToken");
    Objects.requireNonNull(authTokenSecret, "authTokenSecret");
    if (threads < 1 || readerThreads < 1 || maxQueuedRequests < 0) {
      throw new IllegalArgumentException(
          "threads and reader-threads must be at least 1 and max-queued-requests at"
              + " least 0, got "
              + threads
              + ", "
              + readerThreads
              + ", "
              + maxQueuedRequests);
    }
    if (maxRequestReadTime.compareTo(Duration.ofSeconds(1)) < 0
        || maxRequestReadTime.compareTo(MAX_REQUEST_READ_TIME) > 0) {
      throw new IllegalArgumentException(
          "max-request-read-time must be 1s..10m, got " + maxRequestReadTime);
    }
  }

  static ServingSettings read(Settings s) {
    Duration readTime = s.positiveDuration("max-request-read-time");
    if (readTime.compareTo(Duration.ofSeconds(1)) < 0
        || readTime.compareTo(MAX_REQUEST_READ_TIME) > 0) {
      throw Errors.badConfigValue(
          s.key("max-request-read-time"),
          readTime,
          "a duration of 1s to 10m (whole seconds; the JDK HTTP server counts in seconds)",
          null);
    }
    return new ServingSettings(
        s.nonEmpty("bind-address"),
        s.intIn("port", 0, 65535),
        s.intIn("threads", 1, 1024),
        s.positiveDuration("max-range"),
        s.positiveDuration("refresh-interval"),
        s.positiveDuration("speed-read-timeout"),
        s.duration("speed-cache-ttl"),
        s.intIn("stale-cache-max-places", 1, 100_000_000),
        s.bytesAtLeast("stale-cache-max-bytes", 1 << 20),
        s.positiveDuration("speed-warm-up-timeout"),
        s.intIn("speed-outage-after-failures", 1, 1000),
        s.positiveDuration("speed-outage-probe-interval"),
        s.string("auth-token"),
        authTokenSecret(s),
        s.intIn("reader-threads", 1, 4096),
        readTime,
        s.intIn("max-queued-requests", 0, 100_000),
        s.bool("allow-open-non-loopback"));
  }

  /** {@code auth-token-secret}: empty, or a reference of a form {@link SecretReference} reads. */
  private static String authTokenSecret(Settings s) {
    String secret = s.string("auth-token-secret");
    if (!secret.isBlank()) {
      SecretReference.parse(s.key("auth-token-secret"), secret);
    }
    return secret;
  }

  public boolean authRequired() {
    return !authToken.isBlank();
  }

  /** The same service on another address or port (0: any free port). */
  public ServingSettings withListen(String address, int listenPort) {
    return new ServingSettings(
        address,
        listenPort,
        threads,
        maxRange,
        refreshInterval,
        speedReadTimeout,
        speedCacheTtl,
        staleCacheMaxPlaces,
        staleCacheMaxBytes,
        speedWarmUpTimeout,
        speedOutageAfterFailures,
        speedOutageProbeInterval,
        authToken,
        authTokenSecret,
        readerThreads,
        maxRequestReadTime,
        maxQueuedRequests,
        allowOpenNonLoopback);
  }

  /** The same service requiring {@code token} (empty: open). */
  public ServingSettings withAuthToken(String token) {
    return new ServingSettings(
        bindAddress,
        port,
        threads,
        maxRange,
        refreshInterval,
        speedReadTimeout,
        speedCacheTtl,
        staleCacheMaxPlaces,
        staleCacheMaxBytes,
        speedWarmUpTimeout,
        speedOutageAfterFailures,
        speedOutageProbeInterval,
        token,
        authTokenSecret,
        readerThreads,
        maxRequestReadTime,
        maxQueuedRequests,
        allowOpenNonLoopback);
  }

  @Override
  public String toString() {
    return "ServingSettings[bindAddress="
        + bindAddress
        + ", port="
        + port
        + ", threads="
        + threads
        + ", maxRange="
        + maxRange
        + ", refreshInterval="
        + refreshInterval
        + ", speedReadTimeout="
        + speedReadTimeout
        + ", speedCacheTtl="
        + speedCacheTtl
        + ", staleCacheMaxPlaces="
        + staleCacheMaxPlaces
        + ", staleCacheMaxBytes="
        + staleCacheMaxBytes
        + ", speedWarmUpTimeout="
        + speedWarmUpTimeout
        + ", speedOutageAfterFailures="
        + speedOutageAfterFailures
        + ", speedOutageProbeInterval="
        + speedOutageProbeInterval
        + ", authToken="
        + (authToken.isEmpty() ? "" : "****")
        + ", authTokenSecret="
        + authTokenSecret
        + ", readerThreads="
        + readerThreads
        + ", maxRequestReadTime="
        + maxRequestReadTime
        + ", maxQueuedRequests="
        + maxQueuedRequests
        + ", allowOpenNonLoopback="
        + allowOpenNonLoopback
        + "]";
  }
}
