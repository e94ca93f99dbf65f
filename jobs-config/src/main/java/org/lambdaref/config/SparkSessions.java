package org.lambdaref.config;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Builds the SparkSession of a job from the platform configuration. The settings are a plain map
 * first ({@link SparkSessionSettings}, free of Spark) so that tests and the EMR step renderer see
 * exactly what a job gets.
 */
public final class SparkSessions {

  private SparkSessions() {}

  /** The settings a job's session gets: {@link SparkSessionSettings#of}. */
  public static Map<String, String> settings(PlatformConfig config) {
    return SparkSessionSettings.of(config);
  }

  /**
   * Points a running session's file systems at this configuration's storage (s3a endpoint and
   * credentials); they are read when a file system is first opened.
   */
  public static void applyHadoopSettings(SparkSession spark, PlatformConfig config) {
    settings(config)
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.hadoop.")) {
                spark
                    .sparkContext()
                    .hadoopConfiguration()
                    .set(key.substring("spark.hadoop.".length()), value);
              }
            });
  }

  /** The session for {@code appName}; an existing session in this JVM is reused. */
  public static SparkSession getOrCreate(PlatformConfig config, String appName) {
    // one application per JVM: later callers share the session the first one configured
    Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isDefined()) {
      applyHadoopSettings(active.get(), config);
      return active.get();
    }
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    config.spark().masterIfSet().ifPresent(builder::master);
    settings(config).forEach(builder::config);
    return builder.getOrCreate();
  }
}
