package org.lambdaref.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
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

  /**
   * Every secret reference the configuration holds, by the key that holds it (empty ones left out),
   * in a fixed order: what the driver resolves at start-up and what the job role must be allowed to
   * read ({@code IamPolicy}).
   */
  public Map<String, String> secretReferences() {
    Map<String, String> refs = new LinkedHashMap<>();
    refs.put(ConfigKeys.JDBC + ".password-secret", jdbc.passwordSecret());
    refs.put("platform.source-db.password-secret", sourceDb.connection().passwordSecret());
    refs.put("platform.serving.auth-token-secret", serving.authTokenSecret());
    refs.values().removeIf(String::isBlank);
    return refs;
  }

  /** Whether a setting names a secret by reference ({@code platform.jdbc.password-secret}). */
  public boolean hasSecretReferences() {
    return !secretReferences().isEmpty();
  }

  /**
   * The same configuration with each secret reference resolved by {@code resolver} (each reference
   * asked once). The secrets live in this object only: {@link #toString()} and every settings
   * record's hide them, and {@code raw} keeps the references, not the secrets.
   */
  public PlatformConfig withSecrets(SecretResolver resolver) {
    Map<String, String> resolved = new HashMap<>();
    Map<String, String> refs = secretReferences();
    UnaryOperator<String> secretOf =
        key -> resolved.computeIfAbsent(refs.get(key), r -> resolver.resolve(key, r));
    JdbcSettings j = jdbc;
    if (refs.containsKey(ConfigKeys.JDBC + ".password-secret")) {
      j = j.withPassword(secretOf.apply(ConfigKeys.JDBC + ".password-secret"));
    }
    JdbcSettings src = sourceDb.connection();
    if (refs.containsKey("platform.source-db.password-secret")) {
      src = src.withPassword(secretOf.apply("platform.source-db.password-secret"));
    }
    ServingSettings service = serving;
    if (refs.containsKey("platform.serving.auth-token-secret")) {
      service = service.withAuthToken(secretOf.apply("platform.serving.auth-token-secret"));
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
