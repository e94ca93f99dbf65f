package org.lambdaref.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.StorageLayout;

/**
 * Loads the configuration once: {@code reference.conf} (every module's), the environment overlay
 * {@code env/<env>.conf}, the deployment's overlay file ({@code --config-uri}, when given), {@code
 * CONFIG_FORCE_*} environment variables, then {@code --conf key=value} overrides, in increasing
 * priority. Then checks every key and value.
 */
public final class ConfigLoader {

  public static final List<String> KNOWN_ENVS = List.of("local", "local-s3", "emr", "rehearsal");

  private ConfigLoader() {}

  public static PlatformConfig load(String env, Map<String, String> overrides) {
    return load(env, overrides, System.getenv(), Path.of("").toAbsolutePath());
  }

  /**
   * @param environment the process environment, for {@code CONFIG_FORCE_*} and {@code ${?VAR}}
   * @param baseDir relative local paths are resolved against it
   */
  public static PlatformConfig load(
      String env, Map<String, String> overrides, Map<String, String> environment, Path baseDir) {
    return load(env, Overlay.NONE, overrides, environment, baseDir);
  }

  /**
   * The same, with the deployment's overlay file between the environment's overlay and the {@code
   * CONFIG_FORCE_*} variables.
   */
  public static PlatformConfig load(
      String env,
      Overlay overlay,
      Map<String, String> overrides,
      Map<String, String> environment,
      Path baseDir) {
    Config resolved = resolve(env, overlay, overrides, environment);
    checkKnownKeys(resolved);
    PlatformConfig config = bind(resolved, baseDir);
    if (EmrEnvironment.appliesTo(config.env())) {
      EmrEnvironment.check(config);
    }
    return config;
  }

  /**
   * The s3a settings ({@code platform.s3.*}) of the configuration without an overlay file: how to
   * reach the file named by {@code --config-uri} itself when it is on an S3-compatible server.
   */
  public static Map<String, String> fileSystemSettings(
      String env, Map<String, String> overrides, Map<String, String> environment) {
    Config resolved = resolve(env, overrides, environment);
    // the region is the file's to set (docs/deploy-emr.md, step 2): not required to read it
    return HadoopSettings.of(
        S3Settings.readToReachOverlay(
            new Settings(resolved.getConfig(ConfigKeys.S3), ConfigKeys.S3)));
  }

  /**
   * A deployment's overlay file: its HOCON text and where it was read ({@code --config-uri}), named
   * in every error about a value it set.
   */
  public record Overlay(String uri, String text) {
    public static final Overlay NONE = new Overlay("", "");

    Config parse() {
      if (uri.isEmpty()) {
        return ConfigFactory.empty();
      }
      try {
        return ConfigFactory.parseString(
            text, ConfigParseOptions.defaults().setOriginDescription(uri));
      } catch (ConfigException.Parse e) {
        throw new PlatformException(
            "The configuration file " + uri + " is not valid HOCON: " + e.getMessage(),
            "--config-uri names the deployment's overlay, read before any other setting",
            "fix the file (the syntax of reference.conf and env/*.conf) and upload it again",
            e);
      }
    }
  }

  static Config resolve(
      String env, Map<String, String> overrides, Map<String, String> environment) {
    return resolve(env, Overlay.NONE, overrides, environment);
  }

  static Config resolve(
      String env, Overlay file, Map<String, String> overrides, Map<String, String> environment) {
    ClassLoader loader = ConfigLoader.class.getClassLoader();
    Config reference = ConfigFactory.parseResourcesAnySyntax(loader, "reference");
    Config overlay;
    try {
      overlay =
          ConfigFactory.parseResourcesAnySyntax(
              "env/" + env,
              ConfigParseOptions.defaults().setAllowMissing(false).setClassLoader(loader));
    } catch (ConfigException.IO e) {
      throw Errors.unknownEnv(env, KNOWN_ENVS);
    }
    Config cli = ConfigFactory.parseMap(overrides == null ? Map.of() : overrides, "--conf");
    Config forced = forcedFromEnvironment(environment);
    // ${?VAR} substitutions look up the root of the tree being resolved: the environment goes at
    // the bottom of it (only names that are valid paths), and the real process environment is
    // never consulted behind our back, so tests can pass their own.
    Map<String, String> safeEnvironment = new LinkedHashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            safeEnvironment.put(name, value);
          }
        });
    Config envVars = ConfigFactory.parseMap(safeEnvironment, "environment variables");
    try {
      return cli.withFallback(forced)
          .withFallback(file.parse())
          .withFallback(overlay)
          .withFallback(reference)
          .withFallback(envVars)
          .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false))
          .withValue(ConfigKeys.ENV, ConfigValueFactory.fromAnyRef(env));
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw new PlatformException(
          "The configuration refers to a value that is not set: " + e.getMessage(),
          "a ${...} substitution in env/" + env + ".conf has neither a value nor a default",
          "set the environment variable it names, or give the key with --conf key=value");
    }
  }

  private static Config forcedFromEnvironment(Map<String, String> environment) {
    return ConfigFactory.parseMap(
        forcedOverrides(environment), "CONFIG_FORCE_ environment variables");
  }

  /**
   * The keys set by {@code CONFIG_FORCE_*} variables of {@code environment}, with their values:
   * Typesafe's convention, _ is a dot, __ a dash, ___ an underscore.
   */
  public static Map<String, String> forcedOverrides(Map<String, String> environment) {
    Map<String, String> forced = new LinkedHashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("CONFIG_FORCE_")) {
            String key =
                name.substring("CONFIG_FORCE_".length())
                    .replace("___", "\u0000")
                    .replace("__", "-")
                    .replace('_', '.')
                    .replace('\u0000', '_');
            forced.put(key, value);
          }
        });
    return forced;
  }

  private static void checkKnownKeys(Config resolved) {
    Config reference =
        ConfigFactory.parseResourcesAnySyntax(ConfigLoader.class.getClassLoader(), "reference")
            .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    Set<String> known = leafPaths(reference.getConfig(ConfigKeys.ROOT), ConfigKeys.ROOT);
    Set<String> sourceKeys = reference.getConfig(ConfigKeys.SOURCE_DEFAULTS).root().keySet();
    for (String path : leafPaths(resolved.getConfig(ConfigKeys.ROOT), ConfigKeys.ROOT)) {
      if (known.contains(path) || path.startsWith(ConfigKeys.SPARK_CONF + ".")) {
        continue;
      }
      if (path.startsWith(ConfigKeys.SOURCES + ".")) {
        String rest = path.substring(ConfigKeys.SOURCES.length() + 1);
        int dot = rest.indexOf('.');
        if (dot > 0 && sourceKeys.contains(rest.substring(dot + 1))) {
          continue;
        }
        Set<String> allowed = new TreeSet<>();
        sourceKeys.forEach(k -> allowed.add(ConfigKeys.SOURCES + ".<source>." + k));
        throw Errors.unknownConfigKey(path, allowed);
      }
      throw Errors.unknownConfigKey(path, known);
    }
  }

  private static Set<String> leafPaths(Config config, String prefix) {
    Set<String> paths = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> entry : config.root().entrySet()) {
      String path = prefix + "." + entry.getKey();
      if (entry.getValue().valueType() == ConfigValueType.OBJECT
          && !path.equals(ConfigKeys.SPARK_CONF)) {
        paths.addAll(leafPaths(config.getConfig("\"" + entry.getKey() + "\""), path));
      } else {
        paths.add(path);
      }
    }
    return paths;
  }

  static PlatformConfig bind(Config config, Path baseDir) {
    Settings platform = new Settings(config.getConfig(ConfigKeys.ROOT), ConfigKeys.ROOT);
    String env = platform.nonEmpty("env");
    if (EmrEnvironment.appliesTo(env)) {
      EmrEnvironment.checkBeforeBind(platform);
    }
    // the platform zone first: sources inherit it, and its own key is the one to blame
    ZoneId timezone = platform.zone("timezone");
    Path workDir = baseDir.resolve(platform.nonEmpty("work-dir")).toAbsolutePath().normalize();
    Settings storage = platform.child("storage");
    StorageLayout layout =
        new StorageLayout(
            location(storage, "datasource", baseDir),
            location(storage, "datastaging", baseDir),
            location(storage, "datastore", baseDir));
    Config sourceDefaults = config.getConfig(ConfigKeys.SOURCE_DEFAULTS);
    // check the defaults on their own first, so a bad default is reported under its own key
    SourceConfig.read("(defaults)", new Settings(sourceDefaults, ConfigKeys.SOURCE_DEFAULTS));
    Map<String, SourceConfig> sources = new LinkedHashMap<>();
    Config sourcesConfig = config.getConfig(ConfigKeys.SOURCES);
    for (String name : sourcesConfig.root().keySet()) {
      Config merged = sourcesConfig.getConfig(name).withFallback(sourceDefaults);
      sources.put(
          name, SourceConfig.read(name, new Settings(merged, ConfigKeys.SOURCES + "." + name)));
    }
    return new PlatformConfig(
        env,
        timezone,
        workDir,
        layout,
        sources,
        platform.nonEmpty("event-source"),
        SparkSettings.read(platform.child("spark"), config.getConfig(ConfigKeys.SPARK_CONF)),
        KafkaSettings.read(platform.child("kafka")),
        DynamoDbSettings.read(platform.child("dynamodb")),
        S3Settings.read(platform.child("s3")),
        JdbcSettings.read(platform.child("jdbc")),
        SourceDbSettings.read(platform.child("source-db")),
        ExportSettings.read(platform.child("export")),
        LocalStackSettings.read(platform.child("local-stack"), baseDir),
        SpeedSettings.read(
            platform.child("speed"),
            location(platform.child("speed"), "checkpoint-dir", baseDir),
            baseDir),
        ServingSettings.read(platform.child("serving")),
        EmrSettings.read(platform.child("emr")),
        BatchSettings.read(platform.child("batch")),
        SecretSettings.read(platform.child("secrets"), platform.child("emr").string("region")),
        config);
  }

  /** A storage location as a URI: local paths become absolute {@code file:} URIs. */
  private static String location(Settings storage, String key, Path baseDir) {
    String value = storage.nonEmpty(key);
    if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !value.startsWith("file:")) {
      String scheme = value.substring(0, value.indexOf(':'));
      if (!List.of("s3", "s3a", "s3n", "hdfs", "abfs", "abfss", "gs").contains(scheme)) {
        throw Errors.badConfigValue(
            storage.key(key),
            value,
            "a local path, file:, s3://, s3a://, hdfs:// or another Hadoop file system URI",
            null);
      }
      return value;
    }
    String path = value.startsWith("file:") ? URI.create(value).getPath() : value;
    // Hadoop's own spelling of a local URI: file:/abs/path
    return "file:" + baseDir.resolve(path).toAbsolutePath().normalize();
  }
}
