package org.lambdaref.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.ZoneId;
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
        + "]";
  }
}
