package org.lambdaref.emr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;

/**
 * The rules of the EMR API and of its clients that the tests check the rendered definitions
 * against, each written down from its source (not from this project's output).
 */
final class EmrApiRules {

  private EmrApiRules() {}

  /**
   * Whether EMR accepts a step with {@code action} on a cluster whose StepConcurrencyLevel is
   * {@code level}.
   *
   * <p>EMR API reference, StepConfig.ActionOnFailure
   * (https://docs.aws.amazon.com/emr/latest/APIReference/API_StepConfig.html, the same text in
   * botocore 1.43.67 botocore/data/emr/2009-03-31/service-2.json, shape StepConfig): "If a
   * cluster's StepConcurrencyLevel is greater than 1, do not use AddJobFlowSteps to submit a step
   * with this parameter set to CANCEL_AND_WAIT or TERMINATE_CLUSTER. The step is not submitted and
   * the action fails". The Management Guide states it for every value
   * (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-concurrent-steps.html): "You cannot
   * add a step with an ActionOnFailure other than CONTINUE while the step concurrency level of the
   * cluster is greater than 1" - so TERMINATE_JOB_FLOW (TERMINATE_CLUSTER's old name) is refused
   * too.
   */
  static boolean acceptsActionOnFailure(int level, ActionOnFailure action) {
    return level <= 1 || action == ActionOnFailure.CONTINUE;
  }

  /**
   * Hadoop's default of {@code yarn.resourcemanager.am.max-attempts}
   * (YarnConfiguration.DEFAULT_RM_AM_MAX_ATTEMPTS, yarn-default.xml), what a cluster that does not
   * set it in yarn-site has.
   */
  static final int HADOOP_DEFAULT_RM_AM_MAX_ATTEMPTS = 2;

  /**
   * The ApplicationMaster attempts YARN gives a Spark application submitted with {@code --conf
   * spark.yarn.maxAppAttempts=requested} on a ResourceManager whose {@code
   * yarn.resourcemanager.am.max-attempts} is {@code global}.
   *
   * <p>Spark passes the key on as is (resource-managers/yarn/.../deploy/yarn/Client.scala,
   * createApplicationSubmissionContext: {@code sparkConf.get(MAX_APP_ATTEMPTS)} to {@code
   * appContext.setMaxAppAttempts}, the cluster's value when unset; config.scala: MAX_APP_ATTEMPTS =
   * "spark.yarn.maxAppAttempts", an int). YARN then caps it (hadoop-yarn-server-resourcemanager
   * RMAppImpl's constructor): "if (individualMaxAppAttempts <= 0 || individualMaxAppAttempts >
   * globalMaxAppAttempts) this.maxAppAttempts = globalMaxAppAttempts", with a warning that the
   * specific max attempts is out of range.
   */
  static int yarnMaxAppAttempts(int requested, int global) {
    return requested <= 0 || requested > global ? global : requested;
  }

  /**
   * The keys {@code aws emr add-steps --steps JSON} reads for a CUSTOM_JAR step (aws-cli v2 2.36.7,
   * awscli/customizations/emr/argumentschema.py STEPS_SCHEMA, and steputils.py
   * build_custom_jar_step, which reads Name, ActionOnFailure, Jar, Args, MainClass, Properties,
   * LogUri and EncryptionKeyArn and nothing else): any other key is silently left out of the
   * AddJobFlowSteps request.
   */
  static final Set<String> CLI_CUSTOM_JAR_STEP_KEYS =
      Set.of(
          "Type",
          "Name",
          "ActionOnFailure",
          "Jar",
          "Args",
          "MainClass",
          "Properties",
          "LogUri",
          "EncryptionKeyArn");

  /**
   * The ActionOnFailure values {@code aws emr add-steps} accepts in its JSON (STEPS_SCHEMA, enum of
   * ActionOnFailure; the CLI's own default is CONTINUE, constants.py DEFAULT_FAILURE_ACTION).
   */
  static final Set<String> CLI_ACTION_ON_FAILURE =
      Set.of("TERMINATE_CLUSTER", "CANCEL_AND_WAIT", "CONTINUE");

  /**
   * The tag EMR_DefaultRole_V2 needs on the cluster: "When you use this policy, you need to pass
   * the user tag for-use-with-amazon-emr-managed-policies = true when provisioning the cluster"
   * (AmazonEMRServicePolicy_v2,
   * https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html; the policy's
   * statements carry the condition aws:ResourceTag/for-use-with-amazon-emr-managed-policies =
   * "true").
   */
  static final String MANAGED_POLICY_TAG_KEY = "for-use-with-amazon-emr-managed-policies";

  static final String MANAGED_POLICY_TAG_VALUE = "true";

  /**
   * How {@code aws emr create-cluster --tags k=v ...} turns its arguments into RunJobFlow Tags:
   * split at the first '=', no '=' means an empty value (aws-cli 1.45.55,
   * awscli/customizations/emr/emrutils.py, parse_tags).
   */
  static List<Map<String, String>> cliTags(List<String> rawTags) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String tag : rawTags) {
      int eq = tag.indexOf('=');
      out.add(
          eq < 0
              ? Map.of("Key", tag, "Value", "")
              : Map.of("Key", tag.substring(0, eq), "Value", tag.substring(eq + 1)));
    }
    return out;
  }

  /**
   * The RunJobFlow InstanceGroupConfigs that {@code aws emr create-cluster --instance-groups JSON}
   * sends (aws-cli 1.45.55, awscli/customizations/emr/instancegroupsutils.py,
   * build_instance_groups): it copies Name (default: the group type), InstanceType, InstanceCount,
   * InstanceGroupType as InstanceRole, EbsConfiguration, AutoScalingPolicy, Configurations and
   * CustomAmiId, and ignores every other key, Market included. Market is SPOT when a BidPrice is
   * given, else ON_DEMAND; BidPrice "OnDemandPrice" is sent as no BidPrice, which the API reads as
   * the on-demand price (botocore 1.43.67 EMR service-2.json, InstanceGroupConfig.BidPrice).
   */
  static List<Map<String, Object>> cliInstanceGroups(JsonNode groups) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode g : groups) {
      Map<String, Object> ig = new LinkedHashMap<>();
      ig.put("Name", g.has("Name") ? g.get("Name").asText() : g.get("InstanceGroupType").asText());
      ig.put("InstanceType", g.get("InstanceType").asText());
      ig.put("InstanceCount", g.get("InstanceCount").asInt());
      ig.put("InstanceRole", g.get("InstanceGroupType").asText().toUpperCase(Locale.ROOT));
      if (g.has("BidPrice")) {
        if (!g.get("BidPrice").asText().equals("OnDemandPrice")) {
          ig.put("BidPrice", g.get("BidPrice").asText());
        }
        ig.put("Market", "SPOT");
      } else {
        ig.put("Market", "ON_DEMAND");
      }
      for (String key :
          List.of("EbsConfiguration", "AutoScalingPolicy", "Configurations", "CustomAmiId")) {
        if (g.has(key)) {
          ig.put(key, g.get(key));
        }
      }
      out.add(ig);
    }
    return out;
  }
}
