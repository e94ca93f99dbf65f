package org.lambdaref.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;

/**
 * The lifecycle of the batch tests that export to (and snapshot from) a real PostgreSQL, as a JUnit
 * 5 extension: PostgreSQL started once per class in a folder of its own, a local lake under it, a
 * configuration whose JDBC settings point at the server, the class's Spark session and {@link
 * Lake}; all stopped and removed after the class. It runs before the class's own
 * {@code @BeforeAll}, which then writes its fixtures and runs its scenario.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresLake db = PostgresLake.named("BatchPipelineTest").with("platform.timezone", "Asia/Seoul");
 * }</pre>
 */
final class PostgresLake implements BeforeAllCallback, AfterAllCallback {

  private final String name;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private Path root;
  private LocalStack postgres;
  private PlatformConfig config;
  private Lake lake;

  private PostgresLake(String name) {
    this.name = name;
  }

  /** A stack for the test class {@code name} (its Spark application name too). */
  static PostgresLake named(String name) {
    return new PostgresLake(name);
  }

  /** A setting of this class's configuration (over the lake and JDBC settings). */
  PostgresLake with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    root = Files.createTempDirectory(name + "-");
    postgres =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.POSTGRES));
    config = configAt(lakeRoot());
    lake = new Lake(SparkSessions.getOrCreate(config, name), config);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (postgres != null) {
        postgres.close();
      }
    } finally {
      LocalStack.deleteTree(root);
    }
  }

  /** The configuration of a lake at {@code lakeRoot}, on this class's PostgreSQL. */
  PlatformConfig configAt(Path lakeRoot) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("platform.storage.root", lakeRoot.toString());
    o.put("platform.jdbc.url", postgres.jdbcUrl());
    o.put("platform.jdbc.user", postgres.jdbcUser());
    o.putAll(settings);
    return ConfigLoader.load("local", o, Map.of(), lakeRoot);
  }

  /** A connection to the server as the platform's user (no password locally). */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), postgres.jdbcUser(), "");
  }

  /** The class's folder. */
  Path root() {
    return root;
  }

  /** Where the lake lives: the storage root of {@link #config}. */
  Path lakeRoot() {
    return root.resolve("lake");
  }

  PlatformConfig config() {
    return config;
  }

  Lake lake() {
    return lake;
  }

  LocalStack stack() {
    return postgres;
  }
}
