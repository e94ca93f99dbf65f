package org.lambdaref.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lambdaref.model.PlatformException;

/**
 * Reads the deployment's overlay file named by {@code --config-uri} through Hadoop's {@link
 * FileSystem}: on an EMR node {@code s3://} is EMRFS, configured by the cluster itself (the
 * instance profile's credentials, the region, SSE-KMS) from the {@code core-site.xml} on the driver
 * container's classpath, so the EMR jar carries no S3 client of its own for it; {@code s3a://} is
 * Hadoop's S3A, and a path or {@code file:} is a local file (planning on a laptop, tests).
 */
final class ConfigUri {

  /** A larger file is not an overlay: the read stops there. */
  static final int MAX_BYTES = 1 << 20;

  private ConfigUri() {}

  /**
   * The file's text. {@code hadoop} are the file system settings of the configuration loaded
   * without the file (an S3 endpoint, static keys), applied on top of the classpath's.
   */
  static ConfigLoader.Overlay read(String uri, Map<String, String> hadoop) {
    Configuration conf = new Configuration();
    hadoop.forEach(conf::set);
    Path path = new Path(uri);
    try {
      URI qualified = path.toUri();
      FileSystem fs =
          qualified.getScheme() == null ? FileSystem.getLocal(conf) : path.getFileSystem(conf);
      try (InputStream in = fs.open(path)) {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new PlatformException(
              "The configuration file " + uri + " is larger than " + MAX_BYTES + " bytes",
              "--config-uri names an overlay of settings, a few kilobytes",
              "point --config-uri at the deployment's overlay (docs/deploy-emr.md, step 2)");
        }
        return new ConfigLoader.Overlay(uri, new String(bytes, StandardCharsets.UTF_8));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new PlatformException(
          "Could not read the configuration file " + uri + " (--config-uri)",
          e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "; without it the driver would run with the environment's defaults, so it stops",
          "upload the overlay there (aws s3 cp lambda.conf "
              + uri
              + ") and give the job role read access to it (bin/lambda emr policy), or correct"
              + " platform.emr.config-uri",
          e);
    }
  }
}
