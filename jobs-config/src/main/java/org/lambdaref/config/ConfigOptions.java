package org.lambdaref.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --env} and {@code --conf key=value}, shared by every command that reads configuration. */
public final class ConfigOptions {

  @Option(
      names = "--env",
      paramLabel = "NAME",
      defaultValue = "${env:LAMBDA_ENV:-local}",
      description = "Configuration overlay: local (default), local-s3, emr (env LAMBDA_ENV).")
  String env;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description =
          "Override one configuration key, e.g. --conf platform.timezone=Asia/Seoul. Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  public String env() {
    return env;
  }

  public Map<String, String> overrides() {
    return Map.copyOf(overrides);
  }

  /**
   * Loads the configuration. Relative paths resolve against {@code lambda.home} (set by {@code
   * bin/lambda} to the repository) so that every command finds the same data wherever it runs.
   */
  public PlatformConfig load() {
    return load(Map.of());
  }

  /** The same, with further overrides under the user's own (e.g. where a started stack listens). */
  public PlatformConfig load(Map<String, String> extra) {
    Path base = Path.of(System.getProperty("lambda.home", "")).toAbsolutePath();
    Map<String, String> all = new LinkedHashMap<>(extra);
    all.putAll(overrides);
    return ConfigLoader.load(env, all, System.getenv(), base);
  }
}
