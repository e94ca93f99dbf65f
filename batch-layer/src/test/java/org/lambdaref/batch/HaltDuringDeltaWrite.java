package org.lambdaref.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * A Spark plugin (test only) that halts the JVM as {@code kill -9} would, right after the first
 * task that left a new data file in a table's folder: the write has begun, its files are on disk,
 * and Delta has not committed them (the driver commits only after every task has finished).
 */
public final class HaltDuringDeltaWrite implements SparkPlugin {

  /** The table folder to watch. */
  public static final String TABLE_DIR = "lambda.test.halt-when-new-files-in";

  /** Files modified at or after this epoch millisecond count as new. */
  public static final String SINCE = "lambda.test.halt-files-since";

  public static final int HALT_STATUS = 137;

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {}

      @Override
      public void onTaskSucceeded() {
        String dir = System.getProperty(TABLE_DIR);
        if (dir != null
            && newDataFileIn(Path.of(dir), Long.parseLong(System.getProperty(SINCE, "0")))) {
          System.err.println("FAULT INJECTED: halting with uncommitted data files in " + dir);
          System.err.flush();
          Runtime.getRuntime().halt(HALT_STATUS);
        }
      }
    };
  }

  static boolean newDataFileIn(Path dir, long since) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(
          f ->
              f.toString().endsWith(".parquet")
                  && !f.toString().contains("_delta_log")
                  && f.toFile().lastModified() >= since);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
