package org.lambdaref.config;

import java.util.Map;
import java.util.Optional;

/** Connection settings of the platform's external systems, read once at start-up. */
public final class Endpoints {

  private Endpoints() {}

  /** Spark settings; {@code master} empty means "as spark-submit says" (EMR/YARN). */
  /**
   * Spark. {@code registerTables}: each platform table is registered in Spark's catalog (the Glue
   * Data Catalog or a Hive metastore on EMR) when a job first writes it, so that SQL engines see
   * new tables without a separate step.
   */
  public record SparkSettings(
      String master, int shufflePartitions, boolean uiEnabled, boolean registerTables, Map<String, String> extraConf) {

    static SparkSettings read(Settings s, com.typesafe.config.Config conf) {
      Map<String, String> extra = new java.util.TreeMap<>();
      conf.entrySet().forEach(e -> extra.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
      return new SparkSettings(
          s.string("master"), s.intIn("shuffle-partitions", 1, 100_000), s.bool("ui-enabled"), s.bool("register-tables"),
          Map.copyOf(extra));
    }

    public Optional<String> masterIfSet() {
      return master.isBlank() ? Optional.empty() : Optional.of(master);
    }
  }

  /**
   * Kafka. {@code securityProtocol} PLAINTEXT (the local broker), SSL (MSK with TLS) or SASL_SSL
   * with {@code saslMechanism} AWS_MSK_IAM (MSK with IAM: the job role authenticates, no secret in
   * any file).
   */
  public record KafkaSettings(String bootstrapServers, String topic, String securityProtocol, String saslMechanism) {

    static final java.util.List<String> PROTOCOLS = java.util.List.of("PLAINTEXT", "SSL", "SASL_SSL");
    static final java.util.List<String> MECHANISMS = java.util.List.of("", "AWS_MSK_IAM");

    static KafkaSettings read(Settings s) {
      String protocol = s.nonEmpty("security-protocol");
      if (!PROTOCOLS.contains(protocol)) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("security-protocol"), protocol, "one of " + PROTOCOLS, null);
      }
      String mechanism = s.string("sasl-mechanism");
      if (!MECHANISMS.contains(mechanism)) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("sasl-mechanism"), mechanism,
            "empty or AWS_MSK_IAM (MSK IAM; SCRAM would need a secret, which this platform keeps out of config)", null);
      }
      if (protocol.equals("SASL_SSL") != !mechanism.isEmpty()) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("sasl-mechanism"), mechanism,
            "AWS_MSK_IAM together with security-protocol SASL_SSL, and empty otherwise", null);
      }
      return new KafkaSettings(s.nonEmpty("bootstrap-servers"), s.nonEmpty("topic"), protocol, mechanism);
    }

    /** Client settings beyond the bootstrap servers, for consumers, producers and admin clients alike. */
    public java.util.Map<String, String> clientProperties() {
      java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
      p.put("security.protocol", securityProtocol);
      if (saslMechanism.equals("AWS_MSK_IAM")) {
        p.put("sasl.mechanism", "AWS_MSK_IAM");
        p.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
        p.put("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
      }
      return p;
    }
  }

  /**
   * {@code endpoint} empty means the AWS endpoint of {@code region}; empty credentials mean the
   * default AWS provider chain. Writes retry with exponential backoff until {@code retryDeadline}.
   * Serializable: Spark tasks build their client from it. {@link #toString()} hides the secret.
   */
  public record DynamoDbSettings(
      String endpoint,
      String region,
      String countersTable,
      String accessKey,
      String secretKey,
      java.time.Duration retryInitialBackoff,
      java.time.Duration retryMaxBackoff,
      java.time.Duration retryDeadline,
      int counterBatchSize)
      implements java.io.Serializable {
    static DynamoDbSettings read(Settings s) {
      return new DynamoDbSettings(
          s.string("endpoint"),
          s.nonEmpty("region"),
          s.nonEmpty("counters-table"),
          s.string("access-key"),
          s.string("secret-key"),
          s.positiveDuration("retry-initial-backoff"),
          s.positiveDuration("retry-max-backoff"),
          s.positiveDuration("retry-deadline"),
          s.intIn("counter-batch-size", 1, 100));
    }

    public boolean hasStaticCredentials() {
      return !accessKey.isBlank() && !secretKey.isBlank();
    }

    @Override
    public String toString() {
      return "DynamoDbSettings[endpoint=" + endpoint + ", region=" + region + ", countersTable=" + countersTable
          + ", accessKey=" + accessKey + ", secretKey=" + (secretKey.isEmpty() ? "" : "****")
          + ", retry=" + retryInitialBackoff + ".." + retryMaxBackoff + " within " + retryDeadline
          + ", counterBatchSize=" + counterBatchSize + "]";
    }
  }

  /**
   * The speed layer's query. {@code startingOffsets} is {@code earliest}, {@code latest} or an
   * ISO-8601 instant; {@code checkpointDir} is a URI like the storage areas.
   */
  /**
   * Batch applications ({@code platform.batch.*}): one application writes a lake at a time, held by
   * a lease in the counters table that lasts {@code writerLeaseTtl} without renewal.
   */
  public record BatchSettings(java.time.Duration writerLeaseTtl) {
    static BatchSettings read(Settings s) {
      return new BatchSettings(s.positiveDuration("writer-lease-ttl"));
    }
  }

  public record SpeedSettings(
      java.time.Duration triggerInterval,
      String checkpointDir,
      String queryName,
      java.time.Duration dedupHorizon,
      String startingOffsets,
      long maxOffsetsPerTrigger,
      int counterWriters,
      int restartAttempts,
      java.time.Duration restartBackoff,
      java.nio.file.Path metricsFile,
      int hotRetentionKeepDays,
      java.time.Duration writerLeaseTtl) {

    static SpeedSettings read(Settings s, String checkpointDir, java.nio.file.Path base) {
      String starting = s.nonEmpty("starting-offsets");
      if (!starting.equals("earliest") && !starting.equals("latest")) {
        try {
          java.time.Instant.parse(starting);
        } catch (java.time.format.DateTimeParseException e) {
          throw org.lambdaref.model.Errors.badConfigValue(
              s.key("starting-offsets"), starting, "earliest, latest or an ISO-8601 instant such as 2026-11-22T14:00:00Z", e);
        }
      }
      String name = s.nonEmpty("query-name");
      if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
        throw org.lambdaref.model.Errors.badConfigValue(
            s.key("query-name"), name, "snake_case letters, digits and _ (it names the checkpoint folder)", null);
      }
      return new SpeedSettings(
          s.positiveDuration("trigger-interval"),
          checkpointDir,
          name,
          s.positiveDuration("dedup-horizon"),
          starting,
          s.longIn("max-offsets-per-trigger", 0, Long.MAX_VALUE),
          s.intIn("counter-writers", 1, 256),
          s.intIn("restart-attempts", 0, 1000),
          s.positiveDuration("restart-backoff"),
          base.resolve(s.nonEmpty("metrics-file")).toAbsolutePath().normalize(),
          s.intIn("hot-retention-keep-days", 0, 3650),
          s.positiveDuration("writer-lease-ttl"));
    }
  }

  /**
   * An EMR cluster and its steps ({@code platform.emr.*}): what {@code bin/lambda emr} renders for
   * {@code aws emr create-cluster} and the SDK's {@code RunJobFlowRequest}. No secret lives here:
   * the roles carry the permissions.
   */
  public record EmrSettings(
      String releaseLabel,
      String region,
      String clusterName,
      String logUri,
      String artifactsUri,
      String serviceRole,
      String instanceProfile,
      String subnetId,
      String keyName,
      String masterInstanceType,
      String coreInstanceType,
      int coreInstanceCount,
      String taskInstanceType,
      int taskInstanceCount,
      boolean taskOnSpot,
      int ebsVolumeGb,
      java.time.Duration idleTimeout,
      boolean glueCatalog,
      String kmsKeyArn,
      int parallelSteps) {

    static EmrSettings read(Settings s) {
      BuildLine line = BuildLine.current();
      String release = s.string("release-label");
      if (release.isEmpty()) {
        release = line.defaultReleaseLabel();
      } else if (!line.acceptsReleaseLabel(release)) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("release-label"), release, line.releaseLabelRule(), null);
      }
      for (String key : new String[] {"log-uri", "artifacts-uri"}) {
        String v = s.string(key);
        if (!v.isEmpty() && !v.startsWith("s3://")) {
          throw org.lambdaref.model.Errors.badConfigValue(s.key(key), v, "an s3:// URI, or empty until you deploy", null);
        }
      }
      return new EmrSettings(
          release,
          s.nonEmpty("region"),
          s.nonEmpty("cluster-name"),
          s.string("log-uri"),
          s.string("artifacts-uri"),
          s.nonEmpty("service-role"),
          s.nonEmpty("instance-profile"),
          s.string("subnet-id"),
          s.string("key-name"),
          s.nonEmpty("master.instance-type"),
          s.nonEmpty("core.instance-type"),
          s.intIn("core.instance-count", 1, 1000),
          s.nonEmpty("task.instance-type"),
          s.intIn("task.instance-count", 0, 1000),
          s.bool("task.spot"),
          s.intIn("ebs-volume-gb", 32, 16384),
          s.positiveDuration("idle-timeout"),
          s.bool("glue-catalog"),
          s.string("kms-key-arn"),
          s.intIn("parallel-steps", 1, 256));
    }
  }

  /**
   * The serving layer's HTTP service ({@code platform.serving.*}). {@link #toString()} hides the
   * bearer token.
   */
  public record ServingSettings(
      String bindAddress,
      int port,
      int threads,
      java.time.Duration maxRange,
      java.time.Duration refreshInterval,
      java.time.Duration speedReadTimeout,
      java.time.Duration speedCacheTtl,
      int staleCacheMaxPlaces,
      long staleCacheMaxBytes,
      java.time.Duration speedWarmUpTimeout,
      int speedOutageAfterFailures,
      java.time.Duration speedOutageProbeInterval,
      String authToken,
      int readerThreads,
      java.time.Duration maxRequestReadTime,
      int maxQueuedRequests,
      boolean allowOpenNonLoopback) {

    /** The longest {@code max-request-read-time}: longer is no bound against slow clients at all. */
    public static final java.time.Duration MAX_REQUEST_READ_TIME = java.time.Duration.ofMinutes(10);

    public ServingSettings {
      java.util.Objects.requireNonNull(bindAddress, "bindAddress");
      java.util.Objects.requireNonNull(authToken, "authToken");
      if (threads < 1 || readerThreads < 1 || maxQueuedRequests < 0) {
        throw new IllegalArgumentException("threads and reader-threads must be at least 1 and max-queued-requests at"
            + " least 0, got " + threads + ", " + readerThreads + ", " + maxQueuedRequests);
      }
      if (maxRequestReadTime.compareTo(java.time.Duration.ofSeconds(1)) < 0
          || maxRequestReadTime.compareTo(MAX_REQUEST_READ_TIME) > 0) {
        throw new IllegalArgumentException("max-request-read-time must be 1s..10m, got " + maxRequestReadTime);
      }
    }

    static ServingSettings read(Settings s) {
      java.time.Duration readTime = s.positiveDuration("max-request-read-time");
      if (readTime.compareTo(java.time.Duration.ofSeconds(1)) < 0 || readTime.compareTo(MAX_REQUEST_READ_TIME) > 0) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("max-request-read-time"), readTime,
            "a duration of 1s to 10m (whole seconds; the JDK HTTP server counts in seconds)", null);
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
          s.intIn("reader-threads", 1, 4096),
          readTime,
          s.intIn("max-queued-requests", 0, 100_000),
          s.bool("allow-open-non-loopback"));
    }

    public boolean authRequired() {
      return !authToken.isBlank();
    }

    /** The same service on another address or port (0: any free port). */
    public ServingSettings withListen(String address, int listenPort) {
      return new ServingSettings(address, listenPort, threads, maxRange, refreshInterval, speedReadTimeout,
          speedCacheTtl, staleCacheMaxPlaces, staleCacheMaxBytes, speedWarmUpTimeout, speedOutageAfterFailures,
          speedOutageProbeInterval, authToken, readerThreads, maxRequestReadTime, maxQueuedRequests,
          allowOpenNonLoopback);
    }

    /** The same service requiring {@code token} (empty: open). */
    public ServingSettings withAuthToken(String token) {
      return new ServingSettings(bindAddress, port, threads, maxRange, refreshInterval, speedReadTimeout,
          speedCacheTtl, staleCacheMaxPlaces, staleCacheMaxBytes, speedWarmUpTimeout, speedOutageAfterFailures,
          speedOutageProbeInterval, token, readerThreads, maxRequestReadTime, maxQueuedRequests,
          allowOpenNonLoopback);
    }

    @Override
    public String toString() {
      return "ServingSettings[bindAddress=" + bindAddress + ", port=" + port + ", threads=" + threads
          + ", maxRange=" + maxRange + ", refreshInterval=" + refreshInterval + ", speedReadTimeout=" + speedReadTimeout
          + ", speedCacheTtl=" + speedCacheTtl + ", staleCacheMaxPlaces=" + staleCacheMaxPlaces
          + ", staleCacheMaxBytes=" + staleCacheMaxBytes + ", speedWarmUpTimeout=" + speedWarmUpTimeout
          + ", speedOutageAfterFailures=" + speedOutageAfterFailures
          + ", speedOutageProbeInterval=" + speedOutageProbeInterval
          + ", authToken=" + (authToken.isEmpty() ? "" : "****") + ", readerThreads=" + readerThreads
          + ", maxRequestReadTime=" + maxRequestReadTime + ", maxQueuedRequests=" + maxQueuedRequests
          + ", allowOpenNonLoopback=" + allowOpenNonLoopback + "]";
    }
  }

  /**
   * S3 access. Empty credentials mean the default AWS provider chain (instance profile on EMR).
   * {@link #toString()} hides the secret so that it never lands in a log.
   */
  public record S3Settings(
      String endpoint, String region, boolean pathStyleAccess, String accessKey, String secretKey) {
    static S3Settings read(Settings s) {
      return new S3Settings(
          s.string("endpoint"),
          s.nonEmpty("region"),
          s.bool("path-style-access"),
          s.string("access-key"),
          s.string("secret-key"));
    }

    public boolean hasStaticCredentials() {
      return !accessKey.isBlank() && !secretKey.isBlank();
    }

    @Override
    public String toString() {
      return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", pathStyleAccess="
          + pathStyleAccess + ", accessKey=" + accessKey + ", secretKey=" + (secretKey.isEmpty() ? "" : "****") + "]";
    }
  }

  /**
   * A JDBC database: where, who, and how long any wait on it may last ({@code connect-timeout},
   * {@code socket-timeout}, {@code statement-timeout}, {@code lock-timeout}), so that a job fails
   * with a clear error instead of hanging behind a lock or a dead connection. {@link #toString()}
   * hides the password.
   */
  public record JdbcSettings(String url, String user, String password, java.time.Duration connectTimeout,
      java.time.Duration socketTimeout, java.time.Duration statementTimeout, java.time.Duration lockTimeout) {

    /** The longest timeout accepted: longer is no bound at all (and PostgreSQL caps at about 24 days). */
    public static final java.time.Duration MAX_TIMEOUT = java.time.Duration.ofHours(24);

    public JdbcSettings {
      java.util.Objects.requireNonNull(url, "url");
      java.util.Objects.requireNonNull(user, "user");
      java.util.Objects.requireNonNull(password, "password");
      for (java.time.Duration d : java.util.List.of(connectTimeout, socketTimeout, statementTimeout, lockTimeout)) {
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
          throw new IllegalArgumentException("a JDBC timeout must be above zero and at most 24h, got " + d);
        }
      }
    }

    static JdbcSettings read(Settings s) {
      String url = s.nonEmpty("url");
      if (!url.startsWith("jdbc:")) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("url"), url, "a JDBC URL starting with jdbc:", null);
      }
      return new JdbcSettings(url, s.string("user"), s.string("password"), timeout(s, "connect-timeout"),
          timeout(s, "socket-timeout"), timeout(s, "statement-timeout"), timeout(s, "lock-timeout"));
    }

    private static java.time.Duration timeout(Settings s, String path) {
      java.time.Duration value = s.positiveDuration(path);
      if (value.compareTo(MAX_TIMEOUT) > 0) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key(path), value, "a duration above zero and at most 24h", null);
      }
      return value;
    }

    /** The same database settings at another URL (the development copy of a sample export). */
    public JdbcSettings withUrl(String otherUrl) {
      return new JdbcSettings(otherUrl, user, password, connectTimeout, socketTimeout, statementTimeout, lockTimeout);
    }

    /** Whether the URL is PostgreSQL's, whose driver and server take the timeouts natively. */
    public boolean isPostgres() {
      return url.startsWith("jdbc:postgresql:");
    }

    /** {@code d} in whole seconds, rounded up and at least 1 (0 means "no limit" to JDBC). */
    public static int seconds(java.time.Duration d) {
      long ms = d.toMillis();
      return (int) Math.max(1L, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
    }

    /**
     * Connection properties for {@link java.sql.DriverManager#getConnection(String, java.util.Properties)}
     * and Spark's JDBC data source: user and password, and for PostgreSQL the driver's connect,
     * login and socket timeouts (seconds) and the server's {@code lock_timeout} and {@code
     * statement_timeout} for the session ({@code options}).
     */
    public java.util.Map<String, String> connectionProperties() {
      java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
      p.put("user", user);
      p.put("password", password);
      if (isPostgres()) {
        p.put("connectTimeout", Integer.toString(seconds(connectTimeout)));
        p.put("loginTimeout", Integer.toString(seconds(connectTimeout)));
        p.put("socketTimeout", Integer.toString(seconds(socketTimeout)));
        p.put("options", "-c lock_timeout=" + lockTimeout.toMillis() + "ms -c statement_timeout="
            + statementTimeout.toMillis() + "ms");
      }
      return p;
    }

    @Override
    public String toString() {
      return "JdbcSettings[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****")
          + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + ", statementTimeout="
          + statementTimeout + ", lockTimeout=" + lockTimeout + "]";
    }
  }

  /** The service database the place snapshot is read from. */
  /**
   * Where the daily place-master snapshot comes from: {@code jdbc} reads {@code placeTable} from the
   * source database; {@code dump} reads the day's dump files from the raw area, {@code
   * <datasource>/<dumpSource>/p_ymd=YYYYMMDD/} in {@code dumpFormat} (parquet keeps the column
   * types, which the schema-change check compares; json infers them).
   */
  public record SourceDbSettings(JdbcSettings connection, String placeTable, String mode, String dumpSource,
      String dumpFormat) {

    public static final java.util.List<String> MODES = java.util.List.of("jdbc", "dump");
    public static final java.util.List<String> DUMP_FORMATS = java.util.List.of("parquet", "json");

    static SourceDbSettings read(Settings s) {
      String mode = s.nonEmpty("mode");
      if (!MODES.contains(mode)) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("mode"), mode, "one of " + MODES, null);
      }
      String format = s.nonEmpty("dump-format");
      if (!DUMP_FORMATS.contains(format)) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("dump-format"), format, "one of " + DUMP_FORMATS, null);
      }
      return new SourceDbSettings(JdbcSettings.read(s), s.nonEmpty("place-table"), mode, s.nonEmpty("dump-source"), format);
    }
  }

  /** Export targets of the service tier. */
  public record ExportSettings(String sellerTable, String sampleUrl, String sampleTable) {
    static ExportSettings read(Settings s) {
      return new ExportSettings(s.nonEmpty("seller-table"), s.nonEmpty("sample-url"), s.nonEmpty("sample-table"));
    }
  }

  /** Where {@code lambda local up} keeps the stack and which ports it uses. */
  public record LocalStackSettings(
      String mode, java.nio.file.Path dir, int kafkaPort, int dynamoDbPort, int s3Port, int postgresPort) {
    public static final java.util.List<String> MODES = java.util.List.of("auto", "embedded", "containers");

    static LocalStackSettings read(Settings s, java.nio.file.Path base) {
      Settings ports = s.child("ports");
      String mode = s.nonEmpty("mode");
      if (!MODES.contains(mode)) {
        throw org.lambdaref.model.Errors.badConfigValue(s.key("mode"), mode, "one of " + MODES, null);
      }
      return new LocalStackSettings(
          mode,
          base.resolve(s.nonEmpty("dir")).toAbsolutePath().normalize(),
          ports.intIn("kafka", 1024, 65535),
          ports.intIn("dynamodb", 1024, 65535),
          ports.intIn("s3", 1024, 65535),
          ports.intIn("postgres", 1024, 65535));
    }
  }
}
