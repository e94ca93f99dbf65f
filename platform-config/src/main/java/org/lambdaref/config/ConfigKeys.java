package org.lambdaref.config;

import java.util.List;

/**
 * Names of the platform's configuration keys. Their defaults live in one place, {@code
 * reference.conf}, so that a default is never written twice.
 */
public final class ConfigKeys {

  public static final String ROOT = "platform";
  public static final String ENV = "platform.env";
  public static final String TIMEZONE = "platform.timezone";
  public static final String WORK_DIR = "platform.work-dir";
  public static final String STORAGE_ROOT = "platform.storage.root";
  public static final String STORAGE_DATASOURCE = "platform.storage.datasource";
  public static final String STORAGE_DATASTAGING = "platform.storage.datastaging";
  public static final String STORAGE_DATASTORE = "platform.storage.datastore";
  public static final String SOURCE_DEFAULTS = "platform.source-defaults";
  public static final String SOURCES = "platform.sources";
  public static final String EVENT_SOURCE = "platform.event-source";
  public static final String SPARK = "platform.spark";
  public static final String SPARK_CONF = "platform.spark.conf";
  public static final String KAFKA = "platform.kafka";
  public static final String DYNAMODB = "platform.dynamodb";
  public static final String S3 = "platform.s3";
  public static final String JDBC = "platform.jdbc";
  public static final String LOCAL_STACK = "platform.local-stack";
  public static final String SPEED = "platform.speed";
  public static final String SPEED_STARTING_OFFSETS = "platform.speed.starting-offsets";
  public static final String SERVING = "platform.serving";
  public static final String SERVING_PORT = "platform.serving.port";

  /** Subtrees whose keys are free-form (Spark settings; named sources checked on their own). */
  static final List<String> FREE_FORM = List.of(SPARK_CONF, SOURCES);

  private ConfigKeys() {}
}
