package org.lambdaref.emr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lambdaref.config.BuildLine;
import org.lambdaref.config.EmrSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessionSettings;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.services.emr.model.Application;
import software.amazon.awssdk.services.emr.model.AutoTerminationPolicy;
import software.amazon.awssdk.services.emr.model.Configuration;
import software.amazon.awssdk.services.emr.model.EbsBlockDeviceConfig;
import software.amazon.awssdk.services.emr.model.EbsConfiguration;
import software.amazon.awssdk.services.emr.model.InstanceGroupConfig;
import software.amazon.awssdk.services.emr.model.InstanceRoleType;
import software.amazon.awssdk.services.emr.model.JobFlowInstancesConfig;
import software.amazon.awssdk.services.emr.model.MarketType;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.StepConfig;
import software.amazon.awssdk.services.emr.model.Tag;
import software.amazon.awssdk.services.emr.model.VolumeSpecification;

/**
 * The cluster as the SDK's {@link RunJobFlowRequest}, and the same cluster as {@code aws emr
 * create-cluster} arguments: one definition, two renderings.
 */
public final class EmrCluster {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The tag the v2 EMR managed policies require on the cluster. */
  public static final String MANAGED_POLICY_TAG = "for-use-with-amazon-emr-managed-policies";

  private EmrCluster() {}

  /** The cluster's StepConcurrencyLevel: {@code parallel-steps}, within the API's 1..256. */
  public static int stepConcurrencyLevel(EmrSettings emr) {
    return Math.max(1, Math.min(256, emr.parallelSteps()));
  }

  /** The cluster with {@code steps} (may be empty: a cluster waiting for steps). */
  public static RunJobFlowRequest request(PlatformConfig config, List<StepConfig> steps) {
    EmrSettings emr = config.emr();
    EmrSteps.validate(stepConcurrencyLevel(emr), steps);
    JobFlowInstancesConfig.Builder instances =
        JobFlowInstancesConfig.builder()
            .instanceGroups(groups(emr))
            // a cluster with steps ends when they are done; auto-termination covers the idle case
            .keepJobFlowAliveWhenNoSteps(steps.isEmpty())
            .terminationProtected(false);
    if (!emr.subnetId().isBlank()) {
      instances.ec2SubnetId(emr.subnetId());
    }
    if (!emr.keyName().isBlank()) {
      instances.ec2KeyName(emr.keyName());
    }
    RunJobFlowRequest.Builder request =
        RunJobFlowRequest.builder()
            .name(emr.clusterName())
            .releaseLabel(emr.releaseLabel())
            .applications(
                BuildLine.current().emrApplications().stream()
                    .map(name -> Application.builder().name(name).build())
                    .toList())
            .configurations(configurations(config))
            .instances(instances.build())
            .serviceRole(emr.serviceRole())
            .jobFlowRole(emr.instanceProfile())
            .autoTerminationPolicy(
                AutoTerminationPolicy.builder().idleTimeout(emr.idleTimeout().toSeconds()).build())
            // parallel replays run their steps side by side
            .stepConcurrencyLevel(stepConcurrencyLevel(emr))
            .visibleToAllUsers(true)
            .tags(
                // EMR_DefaultRole_V2's AmazonEMRServicePolicy_v2 acts only on resources with this
                // tag; EMR propagates the cluster's tags to the instances it creates
                Tag.builder().key(MANAGED_POLICY_TAG).value("true").build(),
                Tag.builder().key("application").value("lambda-platform").build(),
                Tag.builder().key("env").value(config.env()).build())
            .steps(steps);
    if (!emr.logUri().isBlank()) {
      request.logUri(emr.logUri());
    }
    return request.build();
  }

  private static List<InstanceGroupConfig> groups(EmrSettings emr) {
    List<InstanceGroupConfig> groups = new ArrayList<>();
    groups.add(
        group(
            "master",
            InstanceRoleType.MASTER,
            emr.masterInstanceType(),
            1,
            false,
            emr.ebsVolumeGb()));
    groups.add(
        group(
            "core",
            InstanceRoleType.CORE,
            emr.coreInstanceType(),
            emr.coreInstanceCount(),
            false,
            emr.ebsVolumeGb()));
    if (emr.taskInstanceCount() > 0) {
      groups.add(
          group(
              "task",
              InstanceRoleType.TASK,
              emr.taskInstanceType(),
              emr.taskInstanceCount(),
              emr.taskOnSpot(),
              emr.ebsVolumeGb()));
    }
    return groups;
  }

  private static InstanceGroupConfig group(
      String name, InstanceRoleType role, String type, int count, boolean spot, int ebsGb) {
    return InstanceGroupConfig.builder()
        .name(name)
        .instanceRole(role)
        .instanceType(type)
        .instanceCount(count)
        // Spot without a BidPrice: EMR caps the price at the on-demand price (InstanceGroupConfig)
        .market(spot ? MarketType.SPOT : MarketType.ON_DEMAND)
        .ebsConfiguration(
            EbsConfiguration.builder()
                .ebsBlockDeviceConfigs(
                    EbsBlockDeviceConfig.builder()
                        .volumeSpecification(
                            VolumeSpecification.builder().volumeType("gp3").sizeInGB(ebsGb).build())
                        .volumesPerInstance(1)
                        .build())
                .build())
        .build();
  }

  /**
   * EMR classifications: Spark for Delta, YARN's cap on application attempts, Glue as metastore,
   * SSE-KMS for EMRFS writes.
   */
  static List<Configuration> configurations(PlatformConfig config) {
    EmrSettings emr = config.emr();
    List<Configuration> out = new ArrayList<>();
    Map<String, String> sparkDefaults = new LinkedHashMap<>();
    // the same session settings a local run gets, minus what only makes sense on a laptop
    SparkSessionSettings.of(config)
        .forEach(
            (k, v) -> {
              if (!k.startsWith("spark.driver.")
                  && !k.equals("spark.master")
                  && !k.startsWith("spark.hadoop.fs.s3a.")
                  && !k.equals("spark.ui.enabled")) {
                sparkDefaults.put(k, v);
              }
            });
    out.add(configuration("spark-defaults", sparkDefaults));
    // YARN caps an application's own max attempts at this global value (Hadoop's default is 2):
    // the speed step asks for EmrSteps.SPEED_MAX_APP_ATTEMPTS; the batch steps ask for 1
    out.add(
        configuration(
            "yarn-site",
            Map.of(
                "yarn.resourcemanager.am.max-attempts",
                Integer.toString(EmrSteps.SPEED_MAX_APP_ATTEMPTS))));
    // EMR ships Delta (7.x and emr-spark-8.x alike); this puts its jars on Spark's classpath
    out.add(configuration("delta-defaults", Map.of("delta.enabled", "true")));
    if (emr.glueCatalog()) {
      out.add(
          configuration(
              "spark-hive-site",
              Map.of(
                  "hive.metastore.client.factory.class",
                  "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory")));
    }
    if (!emr.kmsKeyArn().isBlank()) {
      Map<String, String> emrfs = new LinkedHashMap<>();
      emrfs.put("fs.s3.enableServerSideEncryption", "true");
      emrfs.put("fs.s3.serverSideEncryption.kms.keyId", emr.kmsKeyArn());
      out.add(configuration("emrfs-site", emrfs));
    }
    return out;
  }

  private static Configuration configuration(
      String classification, Map<String, String> properties) {
    return Configuration.builder().classification(classification).properties(properties).build();
  }

  /**
   * The same cluster as {@code aws emr create-cluster} arguments (JSON where the CLI takes JSON).
   */
  public static List<String> createClusterCli(RunJobFlowRequest r) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "aws",
                "emr",
                "create-cluster",
                "--name",
                r.name(),
                "--release-label",
                r.releaseLabel(),
                "--service-role",
                r.serviceRole(),
                "--step-concurrency-level",
                Integer.toString(r.stepConcurrencyLevel()),
                "--auto-termination-policy",
                "IdleTimeout=" + r.autoTerminationPolicy().idleTimeout()));
    args.add("--applications");
    r.applications()
        .forEach(a -> args.add("Name=" + a.name())); // the CLI takes one argument per application
    Map<String, Object> ec2 = new LinkedHashMap<>();
    ec2.put("InstanceProfile", r.jobFlowRole());
    if (r.instances().ec2SubnetId() != null) {
      ec2.put("SubnetId", r.instances().ec2SubnetId());
    }
    if (r.instances().ec2KeyName() != null) {
      ec2.put("KeyName", r.instances().ec2KeyName());
    }
    args.addAll(List.of("--ec2-attributes", json(ec2)));
    List<Map<String, Object>> groups = new ArrayList<>();
    for (InstanceGroupConfig g : r.instances().instanceGroups()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Name", g.name());
      m.put("InstanceGroupType", g.instanceRoleAsString());
      m.put("InstanceType", g.instanceType());
      m.put("InstanceCount", g.instanceCount());
      // the CLI takes no Market here: a BidPrice makes the group Spot, OnDemandPrice caps it at the
      // on-demand price and sends no BidPrice, as the SDK request does
      // (awscli/customizations/emr/instancegroupsutils.py)
      if (g.market() == MarketType.SPOT) {
        m.put("BidPrice", g.bidPrice() == null ? "OnDemandPrice" : g.bidPrice());
      }
      VolumeSpecification v =
          g.ebsConfiguration().ebsBlockDeviceConfigs().get(0).volumeSpecification();
      m.put(
          "EbsConfiguration",
          Map.of(
              "EbsBlockDeviceConfigs",
              List.of(
                  Map.of(
                      "VolumeSpecification",
                      Map.of("VolumeType", v.volumeType(), "SizeInGB", v.sizeInGB()),
                      "VolumesPerInstance",
                      1))));
      groups.add(m);
    }
    args.addAll(List.of("--instance-groups", json(groups)));
    List<Map<String, Object>> configurations = new ArrayList<>();
    for (Configuration c : r.configurations()) {
      configurations.add(
          Map.of("Classification", c.classification(), "Properties", c.properties()));
    }
    args.addAll(List.of("--configurations", json(configurations)));
    if (r.logUri() != null) {
      args.addAll(List.of("--log-uri", r.logUri()));
    }
    if (r.hasSteps() && !r.steps().isEmpty()) {
      List<Map<String, Object>> steps = new ArrayList<>();
      for (StepConfig s : r.steps()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Type", "CUSTOM_JAR");
        m.put("Name", s.name());
        m.put("ActionOnFailure", s.actionOnFailureAsString());
        m.put("Jar", s.hadoopJarStep().jar());
        m.put("Args", s.hadoopJarStep().args());
        steps.add(m);
      }
      args.addAll(List.of("--steps", json(steps), "--auto-terminate"));
    }
    args.add("--tags");
    r.tags().forEach(t -> args.add(t.key() + "=" + t.value()));
    return args;
  }

  /**
   * {@code request} in the API's own JSON shape: the RunJobFlow request members by their wire names
   * (PascalCase: {@code Name}, {@code Instances.InstanceGroups}, ...), no member that is not set.
   * This is what boto3's {@code run_job_flow(**config)} takes, so it serves as Airflow's {@code
   * EmrCreateJobFlowOperator(job_flow_overrides=...)}.
   */
  public static Map<String, Object> apiJson(RunJobFlowRequest request) {
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) apiValue(request);
    return out;
  }

  private static Object apiValue(Object value) {
    if (value instanceof SdkPojo pojo) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (SdkField<?> field : pojo.sdkFields()) {
        Object v = field.getValueOrDefault(pojo);
        if (v != null
            && !(v instanceof SdkAutoConstructList)
            && !(v instanceof SdkAutoConstructMap)) {
          out.put(field.locationName(), apiValue(v));
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(EmrCluster::apiValue).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, apiValue(v)));
      return out;
    }
    return value;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
