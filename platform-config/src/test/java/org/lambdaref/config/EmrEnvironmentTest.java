package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.PlatformException;

/**
 * {@code --env emr} as a step's driver loads it: the environment overlay, the deployment's overlay
 * file named by {@code --config-uri}, the step's {@code --conf} arguments, and no environment
 * variable. An EMR step has no environment of its own: {@code HadoopJarStepConfig} has only {@code
 * Jar}, {@code Args}, {@code MainClass} and {@code Properties} (EMR API reference,
 * HadoopJarStepConfig; the SDK model class {@code
 * software.amazon.awssdk.services.emr.model.HadoopJarStepConfig} has exactly those members), and in
 * YARN cluster mode the driver runs in a container on a cluster node (Spark, "Running on YARN",
 * cluster mode), so nothing set in the shell that planned the step reaches it.
 */
class EmrEnvironmentTest {

  private static final Path BASE = Path.of("/work/project");

  /** What a deployment's overlay file says (the shape of deploy-emr/conf/lambda.example.conf). */
  static final String OVERLAY =
      """
      platform {
        timezone = "Asia/Seoul"
        storage.root = "s3://acme-lake/lambda"
        kafka.bootstrap-servers = "b-1.msk.example:9098,b-2.msk.example:9098"
        jdbc.url = "jdbc:postgresql://serving-db.example:5432/lambda"
        jdbc.user = "lambda"
        emr.region = "ap-northeast-2"
        emr.artifacts-uri = "s3://acme-artifacts/lambda/0.1.0"
      }
      """;

  static final ConfigLoader.Overlay FILE =
      new ConfigLoader.Overlay("s3://acme-artifacts/lambda/0.1.0/lambda.conf", OVERLAY);

  /** The emr environment with the overlay file, {@code overrides} and no environment variable. */
  static PlatformConfig emr(Map<String, String> overrides) {
    return ConfigLoader.load("emr", FILE, overrides, Map.of(), BASE);
  }

  @Test
  void theEmrOverlayReadsNoEnvironmentVariable() throws IOException {
    String text;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("env/emr.conf")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(text).as("no ${?VAR} substitution in env/emr.conf").doesNotContain("${?");

    // the variables the overlay used to read, set in the planning shell: none of them is taken
    Map<String, String> shell =
        Map.of(
            "LAMBDA_STORAGE_ROOT", "s3://from-the-shell/x",
            "LAMBDA_KAFKA_BOOTSTRAP_SERVERS", "shell-broker:9098",
            "LAMBDA_JDBC_URL", "jdbc:postgresql://shell-db:5432/x",
            "LAMBDA_TIMEZONE", "Europe/Paris",
            "AWS_REGION", "eu-west-3",
            "LAMBDA_JDBC_PASSWORD", "pw-from-the-shell");
    PlatformConfig config = ConfigLoader.load("emr", FILE, Map.of(), shell, BASE);
    assertThat(config.storage().datastore()).isEqualTo("s3://acme-lake/lambda/datastore");
    assertThat(config.kafka().bootstrapServers()).startsWith("b-1.msk.example:9098");
    assertThat(config.jdbc().url()).isEqualTo("jdbc:postgresql://serving-db.example:5432/lambda");
    assertThat(config.timezone()).isEqualTo(ZoneId.of("Asia/Seoul"));
    assertThat(config.emr().region()).isEqualTo("ap-northeast-2");
    assertThat(config.dynamodb().region())
        .as("every client in the overlay's region, not AWS_REGION")
        .isEqualTo("ap-northeast-2");
    assertThat(config.s3().region()).isEqualTo("ap-northeast-2");
    assertThat(config.jdbc().password()).as("no password from the environment").isEmpty();
  }

  @Test
  void theOverlayFileSitsBetweenTheEnvironmentOverlayAndTheOverrides() {
    PlatformConfig plain = emr(Map.of());
    assertThat(plain.spark().shufflePartitions()).as("env/emr.conf").isEqualTo(200);
    assertThat(plain.timezone())
        .as("the file over env/emr.conf")
        .isEqualTo(ZoneId.of("Asia/Seoul"));

    PlatformConfig overridden =
        ConfigLoader.load(
            "emr",
            FILE,
            Map.of("platform.timezone", "UTC"),
            Map.of("CONFIG_FORCE_platform_spark_shuffle__partitions", "64"),
            BASE);
    assertThat(overridden.timezone()).as("--conf over the file").isEqualTo(ZoneId.of("UTC"));
    assertThat(overridden.spark().shufflePartitions())
        .as("CONFIG_FORCE_ over the file")
        .isEqualTo(64);
  }

  @Test
  void theStepsReadTheOverlayNextToTheJarsUnlessToldOtherwise() {
    assertThat(emr(Map.of()).emr().driverConfigUri())
        .isEqualTo("s3://acme-artifacts/lambda/0.1.0/lambda.conf");
    assertThat(
            emr(Map.of("platform.emr.config-uri", "s3://acme-config/prod/lambda.conf"))
                .emr()
                .driverConfigUri())
        .isEqualTo("s3://acme-config/prod/lambda.conf");
    assertThatThrownBy(() -> emr(Map.of("platform.emr.config-uri", "/home/me/lambda.conf")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.emr.config-uri")
        .hasMessageContaining("reads it there");
  }

  @Test
  void aBrokenOverlayFileIsNamedInTheError() {
    ConfigLoader.Overlay broken =
        new ConfigLoader.Overlay("s3://acme-artifacts/lambda.conf", "platform { timezone = ");
    assertThatThrownBy(() -> ConfigLoader.load("emr", broken, Map.of(), Map.of(), BASE))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("s3://acme-artifacts/lambda.conf");
    ConfigLoader.Overlay typo =
        new ConfigLoader.Overlay("s3://acme-artifacts/lambda.conf", "platform.storage.rot = x");
    assertThatThrownBy(() -> ConfigLoader.load("emr", typo, Map.of(), Map.of(), BASE))
        .hasMessageContaining("Unknown configuration key 'platform.storage.rot'");
  }
}
