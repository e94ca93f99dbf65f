package org.lambdaref.config;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Spark ({@code platform.spark.*}). {@code master} empty means "as spark-submit says" (EMR/YARN).
 * {@code registerTables}: each platform table is registered in Spark's catalog (the Glue Data
 * Catalog or a Hive metastore on EMR) when a job first writes it, so that SQL engines see new
 * tables without a separate step.
 */
public record SparkSettings(
    String master,
    int shufflePartitions,
    boolean uiEnabled,
    boolean registerTables,
    Map<String, String> extraConf) {

  static SparkSettings read(Settings s, Config conf) {
    Map<String, String> extra = new TreeMap<>();
    conf.entrySet()
        .forEach(
            e -> extra.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
    return new SparkSettings(
        s.string("master"),
        s.intIn("shuffle-partitions", 1, 100_000),
        s.bool("ui-enabled"),
        s.bool("register-tables"),
        Map.copyOf(extra));
  }

  public Optional<String> masterIfSet() {
    return master.isBlank() ? Optional.empty() : Optional.of(master);
  }
}
