package org.lambdaref.config;

import java.util.List;
import java.util.Locale;

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

  /**
   * Keys whose value is a secret: never rendered into an EMR step, a file on the cluster or a log.
   * On EMR they come by reference instead ({@code <key>-secret}, resolved on the driver).
   */
  public static final List<String> SECRETS =
      List.of(
          "platform.jdbc.password",
          "platform.source-db.password",
          "platform.serving.auth-token",
          "platform.s3.access-key",
          "platform.s3.secret-key",
          "platform.dynamodb.access-key",
          "platform.dynamodb.secret-key");

  /**
   * Whether {@code key} holds a secret: one of {@link #SECRETS}, or a free-form key (a Spark
   * setting) that names a password, a secret key, a token or an access key. A {@code -secret} key
   * holds a reference to a secret, not the secret, and settings of {@code platform.secrets} say
   * where references are resolved.
   */
  public static boolean isSecret(String key) {
    if (SECRETS.contains(key)) {
      return true;
    }
    if (key.endsWith("-secret") || key.startsWith("platform.secrets.")) {
      return false;
    }
    String k = key.toLowerCase(Locale.ROOT).replace('-', '.');
    return k.contains("password")
        || k.contains("secret")
        || k.contains("token")
        || k.contains("access.key")
        || k.contains("credential");
  }

  /** Subtrees whose keys are free-form (Spark settings; named sources checked on their own). */
  static final List<String> FREE_FORM = List.of(SPARK_CONF, SOURCES);

  private ConfigKeys() {}
}
