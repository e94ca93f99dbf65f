package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.package$;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.model.PlatformException;
import software.amazon.awssdk.services.emr.model.Configuration;
import software.amazon.awssdk.services.emr.model.InstanceGroupConfig;
import software.amazon.awssdk.services.emr.model.InstanceRoleType;
import software.amazon.awssdk.services.emr.model.MarketType;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;

class EmrClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, Configuration> byClassification(RunJobFlowRequest r) {
    return r.configurations().stream()
        .collect(Collectors.toMap(Configuration::classification, c -> c));
  }

  @Test
  void theClusterIsOfTheBuildsLineWithOnDemandMasterAndCoreAndSpotTasksOfOneTypeEach() {
    PlatformConfig config = EmrFixture.config(Map.of());
    RunJobFlowRequest r = EmrCluster.request(config, List.of());

    assertThat(r.releaseLabel())
        .as("the release of the Spark on the classpath, %s", package$.MODULE$.SPARK_VERSION())
        .isEqualTo("emr-spark-8.0.0");
    assertThat(r.applications())
        .extracting(a -> a.name())
        .as("emr-spark-8.x offers no Hadoop application; Delta is one of its applications")
        .containsExactly("Spark", "Delta");
    Map<InstanceRoleType, InstanceGroupConfig> groups =
        r.instances().instanceGroups().stream()
            .collect(Collectors.toMap(InstanceGroupConfig::instanceRole, g -> g));
    assertThat(groups.get(InstanceRoleType.MASTER).market()).isEqualTo(MarketType.ON_DEMAND);
    assertThat(groups.get(InstanceRoleType.CORE).market()).isEqualTo(MarketType.ON_DEMAND);
    assertThat(groups.get(InstanceRoleType.TASK).market()).isEqualTo(MarketType.SPOT);
    assertThat(groups.get(InstanceRoleType.TASK).instanceType())
        .isEqualTo(config.emr().taskInstanceType());
    assertThat(r.instances().instanceGroups())
        .allSatisfy(
            g -> {
              assertThat(
                      g.ebsConfiguration()
                          .ebsBlockDeviceConfigs()
                          .get(0)
                          .volumeSpecification()
                          .sizeInGB())
                  .as("EBS for shuffle")
                  .isEqualTo(256);
              assertThat(
                      g.ebsConfiguration()
                          .ebsBlockDeviceConfigs()
                          .get(0)
                          .volumeSpecification()
                          .volumeType())
                  .isEqualTo("gp3");
            });
    assertThat(r.autoTerminationPolicy().idleTimeout()).isEqualTo(3600L);
    assertThat(r.instances().keepJobFlowAliveWhenNoSteps())
        .as("no steps: the cluster waits for them")
        .isTrue();
    assertThat(r.logUri()).isEqualTo("s3://acme-logs/emr/");
    assertThat(r.jobFlowRole()).isEqualTo("EMR_EC2_DefaultRole");
  }

  @Test
  void sparkIsConfiguredForDeltaAndTheGlueCatalogWithoutLaptopSettings() {
    RunJobFlowRequest r = EmrCluster.request(EmrFixture.config(Map.of()), List.of());
    Map<String, Configuration> c = byClassification(r);

    Map<String, String> spark = c.get("spark-defaults").properties();
    assertThat(spark)
        .containsEntry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .containsEntry(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .containsEntry("spark.sql.shuffle.partitions", "200");
    assertThat(spark.keySet())
        .noneMatch(k -> k.startsWith("spark.driver.") || k.startsWith("spark.hadoop.fs.s3a."));
    assertThat(c.get("delta-defaults").properties()).containsEntry("delta.enabled", "true");
    // YARN's cap on any application's attempts, raised to what the speed step asks for
    assertThat(c.get("yarn-site").properties())
        .containsEntry(
            "yarn.resourcemanager.am.max-attempts",
            Integer.toString(EmrSteps.SPEED_MAX_APP_ATTEMPTS));
    assertThat(c.get("spark-hive-site").properties())
        .containsValue("com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory");
    assertThat(c)
        .as("no KMS key configured: SSE-S3, no emrfs-site")
        .doesNotContainKey("emrfs-site");
  }

  @Test
  void aKmsKeyTurnsOnSseKmsForEveryEmrfsWrite() {
    String key = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    RunJobFlowRequest r =
        EmrCluster.request(EmrFixture.config(Map.of("platform.emr.kms-key-arn", key)), List.of());
    assertThat(byClassification(r).get("emrfs-site").properties())
        .containsEntry("fs.s3.enableServerSideEncryption", "true")
        .containsEntry("fs.s3.serverSideEncryption.kms.keyId", key);
  }

  @Test
  void theCliRenderingDescribesTheSameClusterAsTheSdkRequest() throws Exception {
    PlatformConfig config = EmrFixture.config(Map.of());
    RunJobFlowRequest r =
        EmrCluster.request(
            config,
            EmrSteps.batch(
                config.emr(),
                new RunArguments(LocalDate.of(2026, 10, 1), 3, 1, "emr"),
                EmrSteps.Mode.SINGLE));
    List<String> cli = EmrCluster.createClusterCli(r);

    assertThat(cli).startsWith("aws", "emr", "create-cluster").contains("--auto-terminate");
    assertThat(cli.get(cli.indexOf("--release-label") + 1)).isEqualTo(r.releaseLabel());
    assertThat(cli.subList(cli.indexOf("--applications") + 1, cli.indexOf("--applications") + 3))
        .as("one CLI argument per application")
        .containsExactly("Name=Spark", "Name=Delta");
    JsonNode groups = JSON.readTree(cli.get(cli.indexOf("--instance-groups") + 1));
    assertThat(groups).hasSize(r.instances().instanceGroups().size());
    for (int i = 0; i < groups.size(); i++) {
      InstanceGroupConfig g = r.instances().instanceGroups().get(i);
      assertThat(groups.get(i).get("InstanceType").asText()).isEqualTo(g.instanceType());
      assertThat(groups.get(i).get("InstanceCount").asInt()).isEqualTo(g.instanceCount());
    }
    JsonNode steps = JSON.readTree(cli.get(cli.indexOf("--steps") + 1));
    assertThat(steps.get(0).get("Args")).hasSize(r.steps().get(0).hadoopJarStep().args().size());
    JsonNode configurations = JSON.readTree(cli.get(cli.indexOf("--configurations") + 1));
    assertThat(configurations).hasSize(r.configurations().size());
  }

  @Test
  void onlyReleasesOfTheLineTheJarsWereBuiltForAreAccepted() {
    assertThatThrownBy(() -> EmrFixture.config(Map.of("platform.emr.release-label", "emr-6.15.0")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("platform.emr.release-label")
        .hasMessageContaining("emr-6.15.0");
    assertThatThrownBy(() -> EmrFixture.config(Map.of("platform.emr.release-label", "emr-7.12.0")))
        .as("an EMR 7.x (Spark 3.5) label: the message says where the jars of that line are")
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("emr-7.12.0")
        .hasMessageContaining("built for Spark " + package$.MODULE$.SPARK_VERSION())
        .hasMessageContaining("spark-3.5-last");
    String sameLine = "emr-spark-8.1.0";
    assertThat(
            EmrCluster.request(
                    EmrFixture.config(Map.of("platform.emr.release-label", sameLine)), List.of())
                .releaseLabel())
        .isEqualTo(sameLine);
  }

  @Test
  void theClusterCarriesTheTagTheV2ManagedServiceRoleNeedsInBothRenderings() {
    PlatformConfig config = EmrFixture.config(Map.of());
    RunJobFlowRequest r = EmrCluster.request(config, List.of());
    assertThat(r.serviceRole()).isEqualTo("EMR_DefaultRole_V2");
    assertThat(r.tags())
        .anySatisfy(
            t -> {
              assertThat(t.key()).isEqualTo(EmrApiRules.MANAGED_POLICY_TAG_KEY);
              assertThat(t.value()).isEqualTo(EmrApiRules.MANAGED_POLICY_TAG_VALUE);
            });
    List<String> cli = EmrCluster.createClusterCli(r);
    int from = cli.indexOf("--tags") + 1;
    int to = from;
    while (to < cli.size() && !cli.get(to).startsWith("--")) {
      to++;
    }
    List<Map<String, String>> sent = EmrApiRules.cliTags(cli.subList(from, to));
    assertThat(sent)
        .as("the Tags the CLI sends")
        .contains(
            Map.of(
                "Key",
                EmrApiRules.MANAGED_POLICY_TAG_KEY,
                "Value",
                EmrApiRules.MANAGED_POLICY_TAG_VALUE))
        .isEqualTo(r.tags().stream().map(t -> Map.of("Key", t.key(), "Value", t.value())).toList());
  }

  @Test
  void theCliSendsTheSameGroupsAsTheSdkRequestSpotTasksIncluded() throws Exception {
    RunJobFlowRequest r = EmrCluster.request(EmrFixture.config(Map.of()), List.of());
    List<String> cli = EmrCluster.createClusterCli(r);
    List<Map<String, Object>> sent =
        EmrApiRules.cliInstanceGroups(JSON.readTree(cli.get(cli.indexOf("--instance-groups") + 1)));
    assertThat(sent).hasSize(r.instances().instanceGroups().size());
    for (int i = 0; i < sent.size(); i++) {
      InstanceGroupConfig g = r.instances().instanceGroups().get(i);
      Map<String, Object> c = sent.get(i);
      assertThat(c.get("Market")).as(g.name()).isEqualTo(g.marketAsString());
      assertThat(c.get("BidPrice")).as(g.name()).isEqualTo(g.bidPrice());
      assertThat(c.get("InstanceRole")).isEqualTo(g.instanceRoleAsString());
      assertThat(c.get("Name")).isEqualTo(g.name());
      assertThat(c.get("InstanceType")).isEqualTo(g.instanceType());
      assertThat(c.get("InstanceCount")).isEqualTo(g.instanceCount());
      assertThat(c).containsKey("EbsConfiguration");
    }
    assertThat(sent)
        .as("the task group is Spot through the CLI too (a Market key alone would be ignored)")
        .anySatisfy(
            c ->
                assertThat(c)
                    .containsEntry("InstanceRole", "TASK")
                    .containsEntry("Market", "SPOT"));
  }

  /**
   * botocore's EMR model (botocore/data/emr/2009-03-31/service-2.json), when one is at hand:
   * -Dbotocore.emr.model=... or BOTOCORE_EMR_MODEL. It is not kept in this repository.
   */
  private static Optional<JsonNode> botocoreModel() throws Exception {
    String path = System.getProperty("botocore.emr.model", System.getenv("BOTOCORE_EMR_MODEL"));
    if (path == null || path.isBlank() || !Files.isRegularFile(Path.of(path))) {
      return Optional.empty();
    }
    return Optional.of(JSON.readTree(Files.readString(Path.of(path))));
  }

  private static JsonNode apiJson(RunJobFlowRequest r) {
    // the text `emr cluster --format json` prints, read back as boto3 would get it from json.loads
    return JSON.valueToTree(EmrCluster.apiJson(r));
  }

  @Test
  void theJsonIsTheRunJobFlowRequestInTheApisOwnShape() {
    PlatformConfig config = EmrFixture.config(Map.of("platform.emr.subnet-id", "subnet-0abc"));
    RunJobFlowRequest r =
        EmrCluster.request(
            config,
            EmrSteps.batch(
                config.emr(),
                new RunArguments(LocalDate.of(2026, 10, 1), 3, 1, "emr"),
                EmrSteps.Mode.SINGLE));
    JsonNode json = apiJson(r);

    assertThat(ServiceModelValidation.sdk(json, RunJobFlowRequest.builder().build()))
        .as("against the SDK's compiled EMR model")
        .isEmpty();
    // the members boto3's run_job_flow needs and the names it knows them by (RunJobFlowInput)
    assertThat(json.get("Name").asText()).isEqualTo(r.name());
    assertThat(json.get("ReleaseLabel").asText()).isEqualTo(r.releaseLabel());
    assertThat(json.get("Instances").get("InstanceGroups").get(0).get("InstanceRole").asText())
        .isEqualTo("MASTER");
    assertThat(json.get("Instances").get("Ec2SubnetId").asText()).isEqualTo("subnet-0abc");
    assertThat(json.get("Steps").get(0).get("HadoopJarStep").get("Jar").asText())
        .isEqualTo("command-runner.jar");
    assertThat(json.get("AutoTerminationPolicy").get("IdleTimeout").isIntegralNumber()).isTrue();
    assertThat(json.get("StepConcurrencyLevel").asInt()).isEqualTo(4);
    assertThat(json.toString()).doesNotContain("null");
    assertThat(json.has("Instances") && !json.get("Instances").has("Ec2KeyName"))
        .as("a member not set is left out, not sent as null")
        .isTrue();
  }

  @Test
  void theJsonPassesBotocoresParamValidationAsAirflowsJobFlowOverrides() throws Exception {
    Optional<JsonNode> model = botocoreModel();
    assumeTrue(model.isPresent(), "set -Dbotocore.emr.model=<botocore's emr service-2.json>");
    JsonNode shapes = model.get().get("shapes");
    PlatformConfig config = EmrFixture.config(Map.of());
    RunJobFlowRequest r =
        EmrCluster.request(
            config,
            EmrSteps.batch(
                config.emr(),
                new RunArguments(LocalDate.of(2026, 10, 1), 3, 1, "emr"),
                EmrSteps.Mode.SINGLE));
    // EmrCreateJobFlowOperator hands job_flow_overrides to EmrHook.create_job_flow, which calls
    // run_job_flow(**config) (apache-airflow-providers-amazon, hooks/emr.py): the JSON's keys are
    // RunJobFlowInput's members
    assertThat(ServiceModelValidation.botocore(apiJson(r), shapes, "RunJobFlowInput")).isEmpty();
    assertThat(
            ServiceModelValidation.botocore(
                apiJson(EmrCluster.request(config, List.of())), shapes, "RunJobFlowInput"))
        .isEmpty();

    // and the validator is botocore's: it refuses what boto3 refuses
    ObjectNode wrong = (ObjectNode) apiJson(r);
    wrong.put("releaseLabel", "emr-spark-8.0.0");
    wrong.put("StepConcurrencyLevel", "4");
    ((ObjectNode) wrong.get("Instances")).put("KeepJobFlowAliveWhenNoSteps", "false");
    wrong.remove("Name");
    assertThat(ServiceModelValidation.botocore(wrong, shapes, "RunJobFlowInput"))
        .anyMatch(e -> e.contains("unknown field releaseLabel"))
        .anyMatch(e -> e.startsWith(".StepConcurrencyLevel: invalid type"))
        .anyMatch(e -> e.startsWith(".Instances.KeepJobFlowAliveWhenNoSteps: invalid type"))
        .anyMatch(e -> e.contains("missing required field Name"));
  }
}
