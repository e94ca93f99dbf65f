package org.lambdaref.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.generator.GeneratedLine;

/**
 * Writes raw lines the way an S3 collector does: {@code
 * <datasource>/<source>/p_ymd=YYYYMMDD/p_hh=HH/} by UTC arrival hour, gzip'd JSON lines. Through
 * Hadoop's FileSystem, so the same code writes to a local folder, to {@code s3a://} on the local S3
 * server, or to S3 itself.
 */
final class RawFiles implements AutoCloseable {

  private final String sourceRoot;
  private final String filePrefix;
  private final boolean gzip;
  private final FileSystem fs;
  private final Map<String, BufferedWriter> open = new HashMap<>();
  private long files;
  private long lines;

  RawFiles(PlatformConfig config, String source, String filePrefix, boolean gzip) {
    this.sourceRoot = config.storage().rawSourceLocation(source);
    this.filePrefix = filePrefix;
    this.gzip = gzip;
    this.fs = fileSystem(config, sourceRoot);
  }

  static Configuration hadoopConfiguration(PlatformConfig config) {
    Configuration conf = new Configuration();
    SparkSessions.settings(config)
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.hadoop.")) {
                conf.set(key.substring("spark.hadoop.".length()), value);
              }
            });
    return conf;
  }

  static FileSystem fileSystem(PlatformConfig config, String location) {
    try {
      return FileSystem.get(URI.create(location), hadoopConfiguration(config));
    } catch (IOException e) {
      throw Errors.ioFailure("open the file system", location, e);
    }
  }

  /** Appends a line to the file of its arrival hour for the given generation day. */
  void write(GeneratedLine line, LocalDate generatedDay) {
    Partitions.DayHour hour = Partitions.rawArrivalPartition(line.arrival());
    String file =
        sourceRoot
            + "/"
            + hour.path()
            + "/"
            + filePrefix
            + "-"
            + Partitions.day(generatedDay)
            + (gzip ? ".json.gz" : ".json");
    try {
      BufferedWriter writer = open.get(file);
      if (writer == null) {
        OutputStream out = fs.create(new Path(file), true);
        if (gzip) {
          out = new GZIPOutputStream(out, 1 << 16);
        }
        writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        open.put(file, writer);
        files++;
      }
      writer.write(line.line());
      writer.write('\n');
      lines++;
    } catch (IOException e) {
      throw Errors.ioFailure("write raw file", file, e);
    }
  }

  /** Closes the files of one generation day; each is complete once closed. */
  void closeFiles() {
    IOException failure = null;
    for (Map.Entry<String, BufferedWriter> entry : open.entrySet()) {
      try {
        entry.getValue().close();
      } catch (IOException e) {
        failure = e;
      }
    }
    open.clear();
    if (failure != null) {
      throw new UncheckedIOException(failure);
    }
  }

  long files() {
    return files;
  }

  long lines() {
    return lines;
  }

  String sourceRoot() {
    return sourceRoot;
  }

  @Override
  public void close() {
    closeFiles();
  }
}
