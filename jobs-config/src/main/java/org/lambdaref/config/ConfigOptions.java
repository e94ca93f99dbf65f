package org.lambdaref.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --env}, {@code --config-uri} and {@code --conf key=value}, shared by every command that
 * reads configuration.
 */
public final class ConfigOptions {

  @Option(
      names = "--env",
      paramLabel = "NAME",
      defaultValue = "${env:LAMBDA_ENV:-local}",
      description = "Configuration overlay: local (default), local-s3, emr (env LAMBDA_ENV).")
  String env;

  @Option(
      names = "--config-uri",
      paramLabel = "URI",
      description =
          "The deployment's overlay file (HOCON) over the environment's: s3://, s3a://, hdfs://,"
              + " file: or a path. Every EMR step names one (platform.emr.config-uri).")
  String configUri;

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

  /** The overlay file given with {@code --config-uri}, or empty. */
  public String configUri() {
    return configUri == null ? "" : configUri;
  }

  /**
   * What this command was given on top of the environment and the overlay file, in the order they
   * apply: the {@code CONFIG_FORCE_*} variables, then {@code --conf}. An EMR step carries them as
   * {@code --conf} arguments, so that its driver runs with what was planned.
   */
  public Map<String, String> explicitOverrides() {
    Map<String, String> all = new LinkedHashMap<>(ConfigLoader.forcedOverrides(System.getenv()));
    all.putAll(overrides);
    return all;
  }

  /**
   * Loads the configuration. Relative paths resolve against {@code lambda.home} (set by {@code
   * bin/lambda} to the repository) so that every command finds the same data wherever it runs.
   */
  public PlatformConfig load() {
    return load(Map.of());
  }

  /**
   * The same, with further overrides under the user's own (e.g. where a started stack listens), and
   * secret references ({@code platform.jdbc.password-secret}) resolved with the AWS SDK.
   */
  public PlatformConfig load(Map<String, String> extra) {
    PlatformConfig config = loadUnresolved(extra);
    if (!config.hasSecretReferences()) {
      return config;
    }
    try (AwsSecretResolver resolver = AwsSecretResolver.create(config.secrets())) {
      return config.withSecrets(resolver);
    }
  }

  /**
   * The configuration with its secret references left unresolved: for the commands that only render
   * what runs elsewhere (EMR steps, policies, DDL), which need no secret.
   */
  public PlatformConfig loadUnresolved() {
    return loadUnresolved(Map.of());
  }

  /** As {@link #loadUnresolved()}, with further overrides under the user's own. */
  public PlatformConfig loadUnresolved(Map<String, String> extra) {
    Path base = Path.of(System.getProperty("lambda.home", "")).toAbsolutePath();
    Map<String, String> all = new LinkedHashMap<>(extra);
    all.putAll(overrides);
    ConfigLoader.Overlay overlay = ConfigLoader.Overlay.NONE;
    if (configUri != null && !configUri.isBlank()) {
      // the file system settings of the configuration without the file (an S3 endpoint, keys)
      overlay =
          ConfigUri.read(configUri, ConfigLoader.fileSystemSettings(env, all, System.getenv()));
    }
    return ConfigLoader.load(env, overlay, all, System.getenv(), base);
  }
}
