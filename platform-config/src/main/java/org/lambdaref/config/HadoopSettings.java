package org.lambdaref.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hadoop file system settings of the platform's storage (s3a endpoint and credentials), for
 * every reader and writer: Spark jobs get them as {@code spark.hadoop.*}, the Spark-free serving
 * layer puts them in its own Hadoop {@code Configuration}. Free of Spark on purpose.
 */
public final class HadoopSettings {

  private HadoopSettings() {}

  /**
   * Keys without the {@code spark.hadoop.} prefix, plus any {@code spark.hadoop.*} of the Spark
   * conf.
   */
  public static Map<String, String> of(PlatformConfig config) {
    Map<String, String> conf = of(config.s3());
    config
        .spark()
        .extraConf()
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.hadoop.")) {
                conf.put(key.substring("spark.hadoop.".length()), value);
              }
            });
    return conf;
  }

  /** The s3a settings of {@code s3} alone. */
  public static Map<String, String> of(S3Settings s3) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (!s3.endpoint().isBlank()) {
      conf.put("fs.s3a.endpoint", s3.endpoint());
      conf.put("fs.s3a.endpoint.region", s3.region());
      conf.put("fs.s3a.path.style.access", Boolean.toString(s3.pathStyleAccess()));
      conf.put(
          "fs.s3a.connection.ssl.enabled", Boolean.toString(s3.endpoint().startsWith("https")));
    }
    if (s3.hasStaticCredentials()) {
      conf.put(
          "fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      conf.put("fs.s3a.access.key", s3.accessKey());
      conf.put("fs.s3a.secret.key", s3.secretKey());
    }
    return conf;
  }
}
