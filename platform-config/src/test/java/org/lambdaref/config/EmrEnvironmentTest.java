package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /** The overlay file without the line that sets {@code key} (a deployment that forgot it). */
  private static PlatformConfig without(String key) {
    String text =
        OVERLAY
            .lines()
            .filter(l -> !l.trim().startsWith(key + " ="))
            .reduce("", (a, b) -> a + b + "\n");
    assertThat(text).as("the overlay sets " + key).isNotEqualTo(OVERLAY);
    return ConfigLoader.load(
        "emr", new ConfigLoader.Overlay(FILE.uri(), text), Map.of(), Map.of(), BASE);
  }

  private static void refused(Runnable load, String key, String... words) {
    assertThatThrownBy(load::run)
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining("why:")
        .hasMessageContaining("fix:")
        .hasMessageContaining("overlay file")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .contains(words.length == 0 ? new String[] {key} : words));
  }

  /**
   * Unset, the storage root falls back to reference.conf's {@code <work-dir>/data}: with emr's
   * work-dir, {@code file:/mnt/var/lib/lambda/data}, one node's disk.
   */
  @Test
  void aLakeNotOnS3IsRefusedNamingTheArea() {
    refused(
        () -> without("storage.root"),
        "platform.storage.datasource",
        "file:/mnt/var/lib/lambda/data/datasource",
        "not an s3:// or s3a:// location");
    refused(
        () -> emr(Map.of("platform.storage.datastore", "hdfs:///lake/datastore")),
        "platform.storage.datastore",
        "hdfs:///lake/datastore");
    refused(
        () -> emr(Map.of("platform.speed.checkpoint-dir", "/mnt/checkpoints")),
        "platform.speed.checkpoint-dir",
        "/mnt/checkpoints");
    assertThat(emr(Map.of("platform.storage.root", "s3a://acme-lake/x")).storage().datastaging())
        .isEqualTo("s3a://acme-lake/x/datastaging");
  }

  @Test
  void aSettingStillOnLoopbackIsRefusedNamingTheKey() {
    refused(
        () -> without("kafka.bootstrap-servers"),
        "platform.kafka.bootstrap-servers",
        "127.0.0.1",
        "loopback");
    refused(
        () ->
            emr(Map.of("platform.kafka.bootstrap-servers", "b-1.msk.example:9098,localhost:9092")),
        "platform.kafka.bootstrap-servers",
        "localhost");
    refused(() -> without("jdbc.url"), "platform.jdbc.url", "127.0.0.1");
    refused(
        () -> emr(Map.of("platform.source-db.url", "jdbc:postgresql://[::1]:5432/src")),
        "platform.source-db.url",
        "::1");
    refused(
        () -> emr(Map.of("platform.dynamodb.endpoint", "http://localhost:18000")),
        "platform.dynamodb.endpoint",
        "localhost");
    refused(
        () -> emr(Map.of("platform.s3.endpoint", "http://127.0.0.1:18333")),
        "platform.s3.endpoint",
        "127.0.0.1");
    refused(
        () -> emr(Map.of("platform.export.sample-url", "jdbc:postgresql://127.0.0.2/dev")),
        "platform.export.sample-url",
        "127.0.0.2");
  }

  @Test
  void theRegionMustBeSetBecauseTheDriverHasNoAwsRegion() {
    assertThatThrownBy(() -> without("emr.region"))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("'platform.emr.region' is not set for --env emr")
        .hasMessageContaining("AWS_REGION");
  }

  @Test
  void realAddressesPassAndOtherEnvironmentsAreNotJudged() {
    PlatformConfig config =
        emr(
            Map.of(
                "platform.dynamodb.endpoint",
                    "https://vpce-1.dynamodb.ap-northeast-2.vpce.amazonaws.com",
                "platform.source-db.url",
                    "jdbc:postgresql://db-1.example:5432,db-2.example:5432/src"));
    assertThat(config.env()).isEqualTo("emr");
    assertThat(EmrEnvironment.loopbackHost("127.0.0.1:9092")).contains("127.0.0.1");
    assertThat(EmrEnvironment.loopbackHost("b-127.msk.example:9098")).isEmpty();
    assertThat(ConfigLoader.load("local", Map.of(), Map.of(), BASE).kafka().bootstrapServers())
        .startsWith("127.0.0.1");
  }

  @Test
  void onEmrAPlainPasswordIsRefusedAndAReferenceIsKeptUnresolved() {
    refused(
        () -> emr(Map.of("platform.jdbc.password", "hunter2")),
        "platform.jdbc.password",
        "password-secret",
        "Secrets Manager");
    refused(
        () -> emr(Map.of("platform.source-db.password", "hunter2")), "platform.source-db.password");
    PlatformConfig config =
        emr(
            Map.of(
                "platform.jdbc.password-secret",
                "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:prod/db-AbCdEf"));
    assertThat(config.hasSecretReferences()).isTrue();
    assertThat(config.jdbc().password()).isEmpty();
    assertThat(config.sourceDb().connection().passwordSecret())
        .as("the source database inherits the reference")
        .isEqualTo(config.jdbc().passwordSecret());
    assertThat(config.secrets().region()).as("platform.emr.region").isEqualTo("ap-northeast-2");

    PlatformConfig resolved = config.withSecrets((key, ref) -> "pw-resolved-9917");
    assertThat(resolved.jdbc().password()).isEqualTo("pw-resolved-9917");
    assertThat(resolved.jdbc().connectionProperties())
        .containsEntry("password", "pw-resolved-9917");
    assertThat(resolved.toString()).doesNotContain("pw-resolved-9917");
    assertThat(resolved.raw().root().render()).doesNotContain("pw-resolved-9917");
  }

  @Test
  void theServicesTokenComesByReferenceAndReplacesAnyPlainOne() {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of("platform.serving.auth-token-secret", "ssm:/lambda/serving/token"),
            Map.of(),
            BASE);
    assertThat(config.hasSecretReferences()).isTrue();
    assertThat(config.serving().authRequired()).as("unresolved: no token yet").isFalse();
    Map<String, String> asked = new LinkedHashMap<>();
    PlatformConfig resolved =
        config.withSecrets(
            (key, ref) -> {
              asked.put(key, ref);
              return "tok-resolved-4411";
            });
    assertThat(asked)
        .containsExactly(
            Map.entry("platform.serving.auth-token-secret", "ssm:/lambda/serving/token"));
    assertThat(resolved.serving().authToken()).isEqualTo("tok-resolved-4411");
    assertThat(resolved.serving().authRequired()).isTrue();
    assertThat(resolved.toString()).doesNotContain("tok-resolved-4411");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    "local",
                    Map.of("platform.serving.auth-token-secret", "lambda/serving/token"),
                    Map.of(),
                    BASE))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.serving.auth-token-secret")
        .hasMessageContaining("ssm:<parameter name>");
  }

  @Test
  void aReferenceOfNoKnownFormIsRefusedAtLoad() {
    assertThatThrownBy(() -> emr(Map.of("platform.jdbc.password-secret", "prod/db")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.jdbc.password-secret")
        .hasMessageContaining("secretsmanager:<name or ARN>");
    assertThat(SecretReference.parse("k", "ssm:/lambda/prod/jdbc"))
        .isEqualTo(new SecretReference(SecretReference.Store.SSM, "/lambda/prod/jdbc", ""));
    assertThat(
            SecretReference.parse(
                    "k", "arn:aws:ssm:eu-west-1:123456789012:parameter/lambda/prod/jdbc")
                .region())
        .isEqualTo("eu-west-1");
  }

  @Test
  void theRehearsalAllowsTheLocalStackOnLoopbackAndNothingElse() {
    Map<String, String> localStack =
        Map.of(
            "platform.kafka.bootstrap-servers", "127.0.0.1:19092",
            "platform.jdbc.url", "jdbc:postgresql://127.0.0.1:15432/lambda",
            "platform.dynamodb.endpoint", "http://127.0.0.1:18000",
            "platform.s3.endpoint", "http://127.0.0.1:18333");
    PlatformConfig rehearsal = ConfigLoader.load("rehearsal", FILE, localStack, Map.of(), BASE);
    assertThat(rehearsal.dynamodb().endpoint()).isEqualTo("http://127.0.0.1:18000");
    assertThat(rehearsal.spark().shufflePartitions()).as("the EMR overlay itself").isEqualTo(200);
    assertThatThrownBy(() -> emr(localStack)).hasMessageContaining("127.0.0.1");
    Map<String, String> onDisk = new HashMap<>(localStack);
    onDisk.put("platform.storage.root", "/tmp/lake");
    assertThatThrownBy(() -> ConfigLoader.load("rehearsal", FILE, onDisk, Map.of(), BASE))
        .hasMessageContaining("platform.storage.datasource");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    "rehearsal", FILE, Map.of("platform.jdbc.password", "pw"), Map.of(), BASE))
        .hasMessageContaining("platform.jdbc.password");
  }
}
