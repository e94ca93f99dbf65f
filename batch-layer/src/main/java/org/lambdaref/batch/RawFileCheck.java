package org.lambdaref.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Finds raw gzip files that cannot be read to their end (truncated uploads, corrupt bytes) before
 * the lines are read, so that such a file becomes one rejected record with its path and the reason,
 * instead of failing the whole run or (with Spark's ignoreCorruptFiles) vanishing without a trace.
 * Each file is streamed through a decompressor on the executors: no file is held in memory, and the
 * check costs one extra decompression of the gzip files of the window.
 */
final class RawFileCheck implements MapPartitionsFunction<String, String>, Serializable {

  private static final long serialVersionUID = 1L;

  /** Separates path and error in the check's output rows. */
  static final String SEPARATOR = "\t";

  private final Map<String, String> hadoopSettings;

  private RawFileCheck(Map<String, String> hadoopSettings) {
    this.hadoopSettings = hadoopSettings;
  }

  /**
   * {@code path -> what is wrong} for every gzip file among {@code files} that is not readable to
   * its end.
   */
  static Map<String, String> corruptGzipFiles(
      SparkSession spark, Map<String, String> hadoopSettings, List<String> files) {
    List<String> gz = files.stream().filter(f -> f.endsWith(".gz")).toList();
    if (gz.isEmpty()) {
      return Map.of();
    }
    int partitions =
        Math.max(1, Math.min(gz.size(), spark.sparkContext().defaultParallelism() * 2));
    List<String> found =
        spark
            .createDataset(gz, Encoders.STRING())
            .repartition(partitions)
            .mapPartitions(new RawFileCheck(hadoopSettings), Encoders.STRING())
            .collectAsList();
    Map<String, String> out = new TreeMap<>();
    for (String row : found) {
      int tab = row.indexOf(SEPARATOR);
      out.put(row.substring(0, tab), row.substring(tab + 1));
    }
    return out;
  }

  @Override
  public Iterator<String> call(Iterator<String> paths) throws IOException {
    Configuration conf = new Configuration();
    hadoopSettings.forEach(conf::set);
    List<String> corrupt = new ArrayList<>();
    byte[] buffer = new byte[64 * 1024];
    while (paths.hasNext()) {
      String path = paths.next();
      FileSystem fs = FileSystem.get(URI.create(path), conf);
      Path p = new Path(path);
      if (fs.getFileStatus(p).getLen() == 0) {
        continue; // an empty file has no lines: nothing to reject
      }
      try (InputStream in = new GZIPInputStream(fs.open(p), 64 * 1024)) {
        while (in.read(buffer) >= 0) {
          // read to the end: truncation and CRC errors show only there
        }
      } catch (IOException e) {
        corrupt.add(
            path
                + SEPARATOR
                + "gzip file unreadable: "
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage());
      }
    }
    return corrupt.iterator();
  }
}
