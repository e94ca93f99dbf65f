package org.lambdaref.config;

import com.typesafe.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.lambdaref.model.Errors;

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
    String lineageUrl,
    String lineageNamespace,
    Map<String, String> extraConf) {

  /** OpenLineage's Spark listener, on the classpath of the batch and speed jars. */
  public static final String LINEAGE_LISTENER =
      "io.openlineage.spark.agent.OpenLineageSparkListener";

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
        lineageUrl(s),
        s.nonEmpty("lineage-namespace"),
        Map.copyOf(extra));
  }

  /** {@code lineage-url}: empty (off), or an http(s) URL with a host and no query. */
  private static String lineageUrl(Settings s) {
    String url = s.string("lineage-url").trim();
    if (url.isEmpty()) {
      return url;
    }
    try {
      URI uri = new URI(url);
      if ((uri.getScheme() != null
              && (uri.getScheme().equals("http") || uri.getScheme().equals("https")))
          && uri.getHost() != null
          && uri.getQuery() == null) {
        return url.replaceAll("/+$", "");
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw Errors.badConfigValue(
        s.key("lineage-url"),
        url,
        "the base URL of an OpenLineage server, such as http://marquez.internal:5000 (events go"
            + " to <url>/api/v1/lineage), or empty for no lineage",
        null);
  }

  public boolean lineageEnabled() {
    return !lineageUrl.isEmpty();
  }

  public Optional<String> masterIfSet() {
    return master.isBlank() ? Optional.empty() : Optional.of(master);
  }
}
