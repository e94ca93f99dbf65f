package org.lambdaref.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.TimeBasis;

class ConfigLoaderTest {

  private static final Path BASE = Path.of("/work/project");

  private static PlatformConfig load(
      String env, Map<String, String> overrides, Map<String, String> environment) {
    return ConfigLoader.load(env, overrides, environment, BASE);
  }

  private static PlatformConfig load(Map<String, String> overrides) {
    return load("local", overrides, Map.of());
  }

  @Test
  void localDefaultsPlaceEveryAreaUnderTheWorkDirectory() {
    PlatformConfig config = load(Map.of());

    assertThat(config.env()).isEqualTo("local");
    assertThat(config.timezone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(config.storage().datasource())
        .isEqualTo("file:/work/project/.lambda/data/datasource");
    assertThat(config.storage().datastaging())
        .isEqualTo("file:/work/project/.lambda/data/datastaging");
    assertThat(config.storage().datastore()).isEqualTo("file:/work/project/.lambda/data/datastore");
    assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(config.dynamodb().endpoint()).isEqualTo("http://127.0.0.1:18000");
    assertThat(config.localStack().dir()).isEqualTo(Path.of("/work/project/.lambda/local"));
  }

  @Test
  void oneRootKeyMovesAllThreeAreasAndEachCanBeSetAlone() {
    PlatformConfig rooted = load(Map.of("platform.storage.root", "s3a://lake/prod"));
    assertThat(rooted.storage().datasource()).isEqualTo("s3a://lake/prod/datasource");
    assertThat(rooted.storage().datastore()).isEqualTo("s3a://lake/prod/datastore");

    PlatformConfig split =
        load(
            Map.of(
                "platform.storage.root",
                "s3a://lake",
                "platform.storage.datasource",
                "s3a://raw-bucket/logs"));
    assertThat(split.storage().datasource()).isEqualTo("s3a://raw-bucket/logs");
    assertThat(split.storage().datastaging()).isEqualTo("s3a://lake/datastaging");
  }

  @Test
  void localS3EnvironmentPutsTheLakeOnTheS3Server() {
    PlatformConfig config = load("local-s3", Map.of(), Map.of());

    assertThat(config.storage().datasource()).isEqualTo("s3a://lake/datasource");
    assertThat(config.s3().endpoint()).isEqualTo("http://127.0.0.1:18333");
    assertThat(config.s3().pathStyleAccess()).isTrue();
  }

  @Test
  void commandLineBeatsEnvironmentWhichBeatsTheOverlay() {
    Map<String, String> environment = Map.of("CONFIG_FORCE_platform_timezone", "Asia/Seoul");

    assertThat(load("local", Map.of(), environment).timezone()).isEqualTo(ZoneId.of("Asia/Seoul"));
    assertThat(load("local", Map.of("platform.timezone", "Europe/Paris"), environment).timezone())
        .isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void forcedEnvironmentVariablesSpellDashesWithDoubleUnderscores() {
    Map<String, String> environment =
        Map.of("CONFIG_FORCE_platform_source__defaults_allowed__lateness", "2h");

    assertThat(load("local", Map.of(), environment).source("place_event").allowedLateness())
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void sourcesInheritTheDefaultsAndFollowThePlatformZone() {
    SourceConfig source = load(Map.of("platform.timezone", "Asia/Seoul")).source("place_event");

    assertThat(source.timeBasis()).isEqualTo(TimeBasis.EVENT);
    assertThat(source.allowedLateness()).isEqualTo(Duration.ofHours(6));
    assertThat(source.maxClockSkew()).isEqualTo(Duration.ofMinutes(10));
    assertThat(source.timestampZone()).isEqualTo(ZoneId.of("Asia/Seoul"));
  }

  @Test
  void aSourceCanSwitchToProcessingTime() {
    PlatformConfig config = load(Map.of("platform.sources.app_event.time-basis", "processing"));

    assertThat(config.source("app_event").timeBasis()).isEqualTo(TimeBasis.PROCESSING);
    assertThat(config.source("place_event").timeBasis()).isEqualTo(TimeBasis.EVENT);
  }

  @Test
  void theOverlayFileIsReachableBeforeItSetsTheRegion() {
    // --env emr leaves platform.emr.region (and so platform.s3.region) to the overlay file
    assertThat(
            ConfigLoader.fileSystemSettings(
                "emr", Map.of("platform.s3.endpoint", "http://127.0.0.1:9000"), Map.of()))
        .containsEntry("fs.s3a.endpoint.region", "us-east-1");
  }

  @Test
  void theEventSourceIsAConfiguredSource() {
    PlatformConfig config =
        load(
            Map.of(
                "platform.sources.app_event.time-basis",
                "processing",
                "platform.event-source",
                "app_event"));

    assertThat(config.eventSource().name()).isEqualTo("app_event");
    assertThat(config.eventSource().timeBasis()).isEqualTo(TimeBasis.PROCESSING);
    assertThat(load(Map.of()).eventSource().name()).isEqualTo("place_event");
    assertThatThrownBy(() -> load(Map.of("platform.event-source", "app_events")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.event-source")
        .hasMessageContaining("app_events")
        .hasMessageContaining("[place_event]");
  }

  @Test
  void unknownKeyFailsNamingItAndTheClosestKnownKey() {
    assertThatThrownBy(() -> load(Map.of("platform.timezon", "UTC")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("Unknown configuration key 'platform.timezon'")
        .hasMessageContaining("platform.timezone");
    assertThatThrownBy(() -> load(Map.of("platform.sources.place_event.time_basis", "event")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.sources.place_event.time_basis")
        .hasMessageContaining("time-basis");
  }

  @Test
  void badValuesFailNamingKeyValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> load(Map.of("platform.timezone", "Asia/Seol")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.timezone")
        .hasMessageContaining("Asia/Seol")
        .hasMessageContaining("Asia/Seoul");
    assertThatThrownBy(() -> load(Map.of("platform.sources.place_event.time-basis", "arrival")))
        .hasMessageContaining("platform.sources.place_event.time-basis")
        .hasMessageContaining("arrival")
        .hasMessageContaining("[event, processing]");
    assertThatThrownBy(() -> load(Map.of("platform.source-defaults.allowed-lateness", "six hours")))
        .hasMessageContaining("platform.source-defaults.allowed-lateness")
        .hasMessageContaining("six hours")
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> load(Map.of("platform.spark.shuffle-partitions", "0")))
        .hasMessageContaining("platform.spark.shuffle-partitions")
        .hasMessageContaining("1 to 100000");
    assertThatThrownBy(() -> load(Map.of("platform.storage.root", "ftp://old-server/logs")))
        .hasMessageContaining("platform.storage.datasource")
        .hasMessageContaining("ftp://old-server/logs/datasource");
    assertThatThrownBy(() -> load(Map.of("platform.jdbc.url", "postgres://x")))
        .hasMessageContaining("platform.jdbc.url")
        .hasMessageContaining("jdbc:");
  }

  @Test
  void unknownEnvironmentListsTheKnownOnes() {
    assertThatThrownBy(() -> load("prod", Map.of(), Map.of()))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("Unknown environment 'prod'")
        .hasMessageContaining("local-s3");
  }

  @Test
  void sparkSettingsPassThroughAndSecretsStayOutOfToString() {
    PlatformConfig config =
        load(
            "local-s3",
            Map.of(
                "platform.spark.conf.\"spark.executor.memory\"",
                "4g",
                "platform.jdbc.password",
                "hunter2"),
            Map.of());

    assertThat(SparkSessionSettings.of(config))
        .containsEntry("spark.executor.memory", "4g")
        .containsEntry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:18333")
        .containsEntry("spark.hadoop.fs.s3a.path.style.access", "true")
        .containsEntry("spark.sql.session.timeZone", "UTC");
    assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("lambdalocalsecret");
  }

  @Test
  void lineageIsOffUnlessAServerIsNamedAndThenJoinsTheUsersOwnListeners() {
    assertThat(SparkSessionSettings.of(load(Map.of())))
        .doesNotContainKey("spark.extraListeners")
        .doesNotContainKey("spark.openlineage.transport.url");
    Map<String, String> conf =
        SparkSessionSettings.of(
            load(
                Map.of(
                    "platform.spark.lineage-url", "https://marquez.internal:5000/",
                    "platform.spark.conf.\"spark.extraListeners\"", "com.acme.AuditListener")));
    assertThat(conf)
        .containsEntry(
            "spark.extraListeners",
            "com.acme.AuditListener,io.openlineage.spark.agent.OpenLineageSparkListener")
        .containsEntry("spark.openlineage.transport.type", "http")
        .containsEntry("spark.openlineage.transport.url", "https://marquez.internal:5000")
        .containsEntry("spark.openlineage.transport.endpoint", "/api/v1/lineage")
        .containsEntry("spark.openlineage.namespace", "lambda");
    for (String bad : List.of("marquez:5000", "ftp://marquez/", "http://marquez:5000/?x=1")) {
      assertThatThrownBy(() -> load(Map.of("platform.spark.lineage-url", bad)))
          .as(bad)
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining("platform.spark.lineage-url")
          .hasMessageContaining("OpenLineage server");
    }
  }

  @Test
  void awsCredentialsComeFromTheEnvironment() {
    PlatformConfig config =
        load(
            "local",
            Map.of(),
            Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t"));

    assertThat(config.s3().accessKey()).isEqualTo("AKIAEXAMPLE");
    assertThat(config.s3().secretKey()).isEqualTo("s3cr3t");
    assertThat(config.s3().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void onEmrKafkaIsMskWithIamAuthenticationAndNoSecret() {
    PlatformConfig emr = EmrEnvironmentTest.emr(Map.of());
    assertThat(emr.kafka().clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
        .containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
    assertThat(load(Map.of()).kafka().clientProperties())
        .containsOnly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void aSaslMechanismWithoutSaslSslIsRefused() {
    assertThatThrownBy(() -> load(Map.of("platform.kafka.sasl-mechanism", "AWS_MSK_IAM")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.kafka.sasl-mechanism");
    assertThatThrownBy(() -> load(Map.of("platform.kafka.security-protocol", "SASL_PLAINTEXT")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("SASL_PLAINTEXT");
  }

  @Test
  void noSecretAppearsWhenTheConfigurationIsPrinted() {
    PlatformConfig config =
        load(
            Map.of(
                "platform.jdbc.password",
                "pw-4471-secret",
                "platform.s3.secret-key",
                "s3-8812-secret",
                "platform.dynamodb.secret-key",
                "dyn-9921-secret",
                "platform.serving.auth-token",
                "tok-3310-secret"));
    assertThat(config.jdbc().password()).isEqualTo("pw-4471-secret");
    assertThat(config.toString())
        .doesNotContain("pw-4471-secret", "s3-8812-secret", "dyn-9921-secret", "tok-3310-secret")
        .contains("****");
  }

  @Test
  void jdbcTimeoutsHaveDefaultsTheSourceDbInheritsAndCanBeSetPerDatabase() {
    PlatformConfig defaults = load(Map.of());
    assertThat(defaults.jdbc().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.jdbc().socketTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.jdbc().statementTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(defaults.jdbc().lockTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.jdbc().connectionProperties())
        .containsEntry("connectTimeout", "10")
        .containsEntry("socketTimeout", "300")
        .containsEntry("options", "-c lock_timeout=30000ms -c statement_timeout=120000ms");

    PlatformConfig set =
        load(
            Map.of(
                "platform.jdbc.lock-timeout",
                "2s",
                "platform.jdbc.statement-timeout",
                "500ms",
                "platform.jdbc.connect-timeout",
                "3s",
                "platform.jdbc.socket-timeout",
                "1m",
                "platform.source-db.lock-timeout",
                "7s"));
    assertThat(set.jdbc().lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(set.jdbc().statementTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(set.jdbc().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(set.jdbc().socketTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(set.sourceDb().connection().statementTimeout())
        .as("inherited")
        .isEqualTo(Duration.ofMillis(500));
    assertThat(set.sourceDb().connection().lockTimeout())
        .as("own value")
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(JdbcSettings.seconds(Duration.ofMillis(500))).as("rounded up, never 0").isEqualTo(1);

    PlatformConfig other = load(Map.of("platform.jdbc.url", "jdbc:h2:mem:x"));
    assertThat(other.jdbc().connectionProperties()).containsOnlyKeys("user", "password");
  }

  @Test
  void aBadJdbcTimeoutIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("platform.jdbc.lock-timeout", "-1s")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.jdbc.lock-timeout");
    assertThatThrownBy(() -> load(Map.of("platform.jdbc.statement-timeout", "abc")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.jdbc.statement-timeout")
        .hasMessageContaining("abc");
    assertThatThrownBy(() -> load(Map.of("platform.jdbc.connect-timeout", "0s")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.jdbc.connect-timeout");
    assertThatThrownBy(() -> load(Map.of("platform.source-db.socket-timeout", "30d")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.source-db.socket-timeout")
        .hasMessageContaining("24h");
  }

  @Test
  void theJdbcSettingsStringShowsTheTimeoutsButNotThePassword() {
    PlatformConfig config = load(Map.of("platform.jdbc.password", "pw-5521-secret"));
    assertThat(config.jdbc().toString())
        .doesNotContain("pw-5521-secret")
        .contains("****")
        .contains("lockTimeout=PT30S");
  }
}
