package org.lambdaref.emr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;

final class EmrFixture {

  /** The example overlay users copy (deploy-emr/conf), as a step's driver reads it. */
  static final Path EXAMPLE = Path.of("conf/lambda.example.conf");

  private EmrFixture() {}

  static ConfigLoader.Overlay example() {
    try {
      return new ConfigLoader.Overlay(
          "s3://acme-artifacts/lambda/0.1.0/lambda.conf", Files.readString(EXAMPLE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The emr environment as an account configures it: the example overlay, with {@code extra} on
   * top, and no environment variable at all (a step's driver has none).
   */
  static PlatformConfig config(Map<String, String> extra) {
    return ConfigLoader.load("emr", example(), extra, Map.of(), Path.of("").toAbsolutePath());
  }
}
