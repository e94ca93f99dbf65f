package org.lambdaref.emr;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;

final class EmrFixture {

  private EmrFixture() {}

  /** The emr environment as an account would configure it, with {@code extra} on top. */
  static PlatformConfig config(Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LAMBDA_STORAGE_ROOT", "s3://acme-lake/lambda");
    env.put("LAMBDA_EMR_ARTIFACTS_URI", "s3://acme-artifacts/lambda/0.1.0/");
    env.put("LAMBDA_EMR_LOG_URI", "s3://acme-logs/emr/");
    env.put("LAMBDA_KAFKA_BOOTSTRAP_SERVERS", "b-1.msk.example:9098");
    env.put("AWS_REGION", "ap-northeast-2");
    return ConfigLoader.load("emr", extra, env, Path.of("").toAbsolutePath());
  }
}
