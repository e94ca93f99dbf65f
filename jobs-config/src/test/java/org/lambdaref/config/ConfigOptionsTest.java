package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code --config-uri}: the deployment's overlay file, read through Hadoop's FileSystem as the
 * driver of an EMR step reads it (there {@code s3://} is EMRFS; here the local file system, the
 * same {@code FileSystem.open} path; EMRFS itself is not available off EMR and is not tested).
 */
class ConfigOptionsTest {

  @Command(name = "job")
  static final class Job implements Runnable {
    @Mixin ConfigOptions config;

    @Override
    public void run() {}
  }

  private static ConfigOptions parse(String... args) {
    Job job = new Job();
    new CommandLine(job).parseArgs(args);
    return job.config;
  }

  @Test
  void theOverlayFileIsReadThroughHadoopsFileSystem(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("lambda.conf");
    Files.writeString(
        file,
        "platform { timezone = \"Asia/Seoul\", storage.root = \"s3a://acme-lake/lambda\" }\n");

    ConfigOptions options =
        parse(
            "--env",
            "local",
            "--config-uri",
            file.toUri().toString(),
            "--conf",
            "platform.spark.shuffle-partitions=7");
    PlatformConfig config = options.load();

    assertThat(options.configUri()).isEqualTo(file.toUri().toString());
    assertThat(config.timezone()).isEqualTo(ZoneId.of("Asia/Seoul"));
    assertThat(config.storage().datastore()).isEqualTo("s3a://acme-lake/lambda/datastore");
    assertThat(config.spark().shufflePartitions()).isEqualTo(7);
    assertThat(options.explicitOverrides()).containsEntry("platform.spark.shuffle-partitions", "7");
    // a plain path is a local file too
    assertThat(parse("--config-uri", file.toString()).load().timezone())
        .isEqualTo(ZoneId.of("Asia/Seoul"));
  }

  @Test
  void aMissingOverlayFileStopsTheDriverNamingIt(@TempDir Path dir) {
    String missing = dir.resolve("absent.conf").toUri().toString();
    assertThatThrownBy(() -> parse("--config-uri", missing).load())
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("Could not read the configuration file " + missing)
        .hasMessageContaining("aws s3 cp lambda.conf " + missing);
  }
}
