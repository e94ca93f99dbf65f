package org.lambdaref.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files a local Trino coordinator runs with: one node that also executes, bound to 127.0.0.1,
 * and one catalog, {@value #CATALOG}, with the Delta Lake connector over the local file system and,
 * when the stack has one, the S3 server. Tables are registered by location ({@code register_table})
 * in a file metastore of the server's own folder: Trino reads each table's schema and partitions
 * from its Delta log, as Spark does.
 */
public final class TrinoConfig {

  /** The catalog the lake's tables are in: {@code lake.t3.place_impression_aggr_1d_daily}. */
  public static final String CATALOG = "lake";

  /** The user the CLI connects as; the local server checks no password. */
  public static final String USER = "lambda";

  /** The S3 server the catalog reads {@code s3://} and {@code s3a://} locations from. */
  public record S3(String endpoint, String accessKey, String secretKey) {}

  private TrinoConfig() {}

  /** The JDBC URL of a local server on {@code port}, with the lake as the default catalog. */
  public static String jdbcUrl(int port) {
    return "jdbc:trino://127.0.0.1:" + port + "/" + CATALOG;
  }

  /**
   * Writes {@code etc/} and the plugin folder into {@code dir}; returns the JVM flags that start a
   * coordinator with them (Trino reads node settings from system properties).
   */
  static List<String> write(Path dir, int port, Path home, Optional<S3> s3) {
    try {
      Path etc = dir.resolve("etc");
      Path catalogs = etc.resolve("catalog");
      Path plugins = dir.resolve("plugin");
      Files.createDirectories(catalogs);
      Files.createDirectories(plugins);
      for (String plugin : TrinoDistribution.PLUGINS) {
        Path link = plugins.resolve(plugin);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, home.resolve("plugin").resolve(plugin));
      }
      Path config = etc.resolve("config.properties");
      lines(
          config,
          "coordinator=true",
          "node-scheduler.include-coordinator=true",
          "http-server.http.port=" + port,
          "discovery.uri=http://127.0.0.1:" + port,
          "plugin.dir=" + plugins,
          "catalog.config-dir=" + catalogs,
          // the heap is 2 GB: Trino keeps 30% of it out of queries' reach
          "query.max-memory=1GB",
          "query.max-memory-per-node=1GB",
          // two cores here: a query needs no more threads than that
          "task.concurrency=2",
          "shutdown.grace-period=1s");
      List<String> catalog = new ArrayList<>();
      catalog.add("connector.name=delta_lake");
      catalog.add("hive.metastore=file");
      catalog.add("hive.metastore.catalog.dir=local://" + dir.resolve("metastore"));
      catalog.add("delta.register-table-procedure.enabled=true");
      // tables written by Spark carry their statistics in the log; collect none on read
      catalog.add("delta.extended-statistics.enabled=false");
      catalog.add("fs.native-local.enabled=true");
      // local:///a/b is /a/b: the lake may be anywhere on this machine
      catalog.add("local.location=/");
      s3.ifPresent(
          s ->
              catalog.addAll(
                  List.of(
                      "fs.native-s3.enabled=true",
                      "s3.endpoint=" + s.endpoint(),
                      "s3.region=us-east-1",
                      "s3.path-style-access=true",
                      "s3.aws-access-key=" + s.accessKey(),
                      "s3.aws-secret-key=" + s.secretKey())));
      Path lake = catalogs.resolve(CATALOG + ".properties");
      lines(lake, catalog.toArray(String[]::new));
      try {
        Files.setPosixFilePermissions(lake, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: nothing to tighten
      }
      return List.of(
          "-XX:+UseG1GC",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djdk.attach.allowAttachSelf=true",
          "--enable-native-access=ALL-UNNAMED",
          "-Dnode.environment=lambda_local",
          "-Dnode.id=lambda-local-trino",
          "-Dnode.data-dir=" + dir.resolve("data"),
          "-Dnode.bind-ip=127.0.0.1",
          "-Dnode.internal-address=127.0.0.1",
          "-Dconfig=" + config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The location Trino reads a table at: {@code local://} for a local path, {@code s3://} for an
   * S3A one (the same bucket and key), as is otherwise.
   */
  public static String location(String tableLocation) {
    if (tableLocation.startsWith("file:")) {
      return "local://" + Path.of(URI.create(tableLocation)).toAbsolutePath();
    }
    if (tableLocation.startsWith("/")) {
      return "local://" + tableLocation;
    }
    if (tableLocation.startsWith("s3a://")) {
      return "s3://" + tableLocation.substring("s3a://".length());
    }
    return tableLocation;
  }

  private static void lines(Path file, String... lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }
}
