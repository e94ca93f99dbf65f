package org.lambdaref.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.StorageLayout;

/**
 * The whole platform configuration, immutable and validated: built once at start-up by {@link
 * ConfigLoader}, then passed to whatever needs it. {@code raw} keeps the resolved Typesafe tree for
 * module sections added by later layers.
 */
public record PlatformConfig(
    String env,
    ZoneId timezone,
    Path workDir,
    StorageLayout storage,
    Map<String, SourceConfig> sources,
    String eventSourceName,
    SparkSettings spark,
    KafkaSettings kafka,
    DynamoDbSettings dynamodb,
    S3Settings s3,
    JdbcSettings jdbc,
    SourceDbSettings sourceDb,
    ExportSettings export,
    LocalStackSettings localStack,
    SpeedSettings speed,
    ServingSettings serving,
    EmrSettings emr,
    BatchSettings batch,
    SecretSettings secrets,
    Config raw) {

  public PlatformConfig {
    sources = Map.copyOf(sources);
    if (!sources.containsKey(eventSourceName)) {
      throw Errors.badConfigValue(
          ConfigKeys.EVENT_SOURCE,
          eventSourceName,
          "one of the configured sources " + new TreeSet<>(sources.keySet()),
          null);
    }
  }

  /**
   * The source whose events feed the event tables, the speed layer and serving ({@code
   * platform.event-source}): every job of those tables takes its name and rules from here.
   */
  public SourceConfig eventSource() {
    return sources.get(eventSourceName);
  }

  /** Whether a setting names a secret by reference ({@code platform.jdbc.password-secret}). */
  public boolean hasSecretReferences() {
    return !jdbc.passwordSecret().isBlank()
        || !sourceDb.connection().passwordSecret().isBlank()
        || !serving.authTokenSecret().isBlank();
  }

  /**
   * The same configuration with each secret reference resolved by {@code resolver} (each reference
   * asked once). The secrets live in this object only: {@link #toString()} and every settings
   * record's hide them, and {@code raw} keeps the references, not the secrets.
   */
  public PlatformConfig withSecrets(SecretResolver resolver) {
    Map<String, String> resolved = new HashMap<>();
    JdbcSettings j = jdbc;
    if (!j.passwordSecret().isBlank()) {
      j =
          j.withPassword(
              resolved.computeIfAbsent(
                  j.passwordSecret(),
                  r -> resolver.resolve(ConfigKeys.JDBC + ".password-secret", r)));
    }
    JdbcSettings src = sourceDb.connection();
    if (!src.passwordSecret().isBlank()) {
      src =
          src.withPassword(
              resolved.computeIfAbsent(
                  src.passwordSecret(),
                  r -> resolver.resolve("platform.source-db.password-secret", r)));
    }
    ServingSettings service = serving;
    if (!service.authTokenSecret().isBlank()) {
      service =
          service.withAuthToken(
              resolved.computeIfAbsent(
                  service.authTokenSecret(),
                  r -> resolver.resolve("platform.serving.auth-token-secret", r)));
    }
    return new PlatformConfig(
        env,
        timezone,
        workDir,
        storage,
        sources,
        eventSourceName,
        spark,
        kafka,
        dynamodb,
        s3,
        j,
        new SourceDbSettings(
            src,
            sourceDb.placeTable(),
            sourceDb.mode(),
            sourceDb.dumpSource(),
            sourceDb.dumpFormat()),
        export,
        localStack,
        speed,
        service,
        emr,
        batch,
        secrets,
        raw);
  }

  public SourceConfig source(String name) {
    SourceConfig source = sources.get(name);
    if (source == null) {
      throw new PlatformException(
          "Unknown source '" + name + "'",
          "configured sources are " + sources.keySet(),
          "add platform.sources." + name + " { time-basis = event } to your configuration");
    }
    return source;
  }

  @Override
  public String toString() {
    // raw is left out: it holds the same values, secrets included
    return "PlatformConfig[env="
        + env
        + ", timezone="
        + timezone
        + ", workDir="
        + workDir
        + ", storage="
        + storage
        + ", sources="
        + sources
        + ", eventSource="
        + eventSourceName
        + ", spark="
        + spark
        + ", kafka="
        + kafka
        + ", dynamodb="
        + dynamodb
        + ", s3="
        + s3
        + ", jdbc="
        + jdbc
        + ", sourceDb="
        + sourceDb
        + ", export="
        + export
        + ", localStack="
        + localStack
        + ", speed="
        + speed
        + ", serving="
        + serving
        + ", emr="
        + emr
        + ", secrets="
        + secrets
        + "]";
  }
}
