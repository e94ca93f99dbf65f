package org.lambdaref.model;

import java.util.Objects;

/**
 * The three storage areas of the notes (000, "Collecting and Loading Strategies"): {@code
 * datasource} keeps raw data as collected, {@code datastaging} the collected and processed tiers
 * (t1, t2, and the speed layer's hot tables), {@code datastore} the service tier (t3) and the
 * platform's own operational tables. Locations are URIs: {@code file:/...}, {@code s3a://...},
 * {@code s3://...} on EMR.
 */
public record StorageLayout(String datasource, String datastaging, String datastore) {

  public StorageLayout {
    datasource = stripTrailingSlash(Objects.requireNonNull(datasource, "datasource"));
    datastaging = stripTrailingSlash(Objects.requireNonNull(datastaging, "datastaging"));
    datastore = stripTrailingSlash(Objects.requireNonNull(datastore, "datastore"));
  }

  /** All three areas under one root, as {@code platform.storage.root} places them. */
  public static StorageLayout underRoot(String root) {
    String r = stripTrailingSlash(root);
    return new StorageLayout(r + "/datasource", r + "/datastaging", r + "/datastore");
  }

  /**
   * Where a raw source's files live: {@code <datasource>/<source>/p_ymd=.../p_hh=.../*.json.gz}.
   */
  public String rawSourceLocation(String source) {
    return datasource + "/" + source;
  }

  /** The area a table's database belongs to. */
  public String areaOf(TableName table) {
    String db = table.database();
    if (db.startsWith("t3") || db.equals("ops")) {
      return datastore;
    }
    return datastaging;
  }

  public String tableLocation(TableName table) {
    return areaOf(table) + "/" + table.database() + "/" + table.name();
  }

  private static String stripTrailingSlash(String s) {
    String out = s;
    while (out.endsWith("/") && !out.endsWith("://")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
