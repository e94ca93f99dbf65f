package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;

class CatalogAndPolicyTest {

  @Test
  void everyTableIsRegisteredByItsLocationInBothDialects() {
    PlatformConfig config = EmrFixture.config(Map.of());
    List<String> spark =
        CatalogDdl.statements(config.storage(), CatalogDdl.Dialect.SPARK, location -> true);
    List<String> athena =
        CatalogDdl.statements(config.storage(), CatalogDdl.Dialect.ATHENA, location -> true);

    for (TableSpec t : PlatformTables.ALL) {
      String location = config.storage().tableLocation(t.name());
      assertThat(spark)
          .anyMatch(
              s ->
                  s.startsWith(
                      "CREATE TABLE IF NOT EXISTS "
                          + t.name().qualified()
                          + " USING DELTA LOCATION '"
                          + location
                          + "'"));
      assertThat(athena)
          .anyMatch(s -> s.contains(t.name().qualified()) && s.contains("'table_type' = 'DELTA'"));
    }
    assertThat(spark)
        .contains("CREATE DATABASE IF NOT EXISTS t3", "CREATE DATABASE IF NOT EXISTS ops");
    assertThat(spark.get(spark.size() - 1)).contains("s3://acme-lake/lambda/datastore/");
  }

  /**
   * Issue 19, item 5: on an empty location {@code CREATE TABLE ... USING DELTA LOCATION} makes a
   * Delta table with no columns and no partitions (Delta Lake docs, "Create a table": a table
   * created at a location takes the schema of the Delta table there; an empty location has none),
   * and the next write fails with "Partition columns do not match". So a table whose location has
   * no {@code _delta_log} is not registered by the DDL: its job registers it at its first write.
   */
  @Test
  void aTableNotWrittenYetIsLeftToItsFirstWrite() {
    PlatformConfig config = EmrFixture.config(Map.of());
    TableSpec written = PlatformTables.ALL.get(0);
    String writtenAt = config.storage().tableLocation(written.name());
    for (CatalogDdl.Dialect dialect : CatalogDdl.Dialect.values()) {
      List<String> ddl = CatalogDdl.statements(config.storage(), dialect, writtenAt::equals);
      assertThat(
              ddl.stream()
                  .filter(s -> s.startsWith("CREATE TABLE") || s.startsWith("CREATE EXTERNAL")))
          .singleElement()
          .asString()
          .contains(written.name().qualified());
      TableSpec empty = PlatformTables.ALL.get(1);
      assertThat(ddl)
          .anyMatch(
              s ->
                  s.startsWith("-- " + empty.name().qualified() + ": no Delta table at")
                      && s.contains("Partition columns do not match")
                      && s.contains("platform.spark.register-tables"));
    }
  }

  @Test
  void theJobRolePolicyNamesOnlyTheLakePrefixesTheTableAndTheKey() throws Exception {
    PlatformConfig config =
        EmrFixture.config(Map.of("platform.emr.kms-key-arn", "arn:aws:kms:ap-northeast-2:1:key/k"));
    JsonNode doc = new ObjectMapper().valueToTree(IamPolicy.document(config, "123456789012"));

    assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
    JsonNode statements = doc.get("Statement");
    for (JsonNode s : statements) {
      for (JsonNode r : s.get("Resource")) {
        assertThat(r.asText())
            .as(s.get("Sid").asText() + " grants nothing account-wide")
            .isNotEqualTo("*");
      }
    }
    String all = statements.toString();
    assertThat(all)
        .contains(
            "arn:aws:s3:::acme-lake/lambda/datasource/*",
            "arn:aws:s3:::acme-lake/lambda/datastore/*")
        .contains(
            "arn:aws:dynamodb:"
                + config.dynamodb().region()
                + ":123456789012:table/"
                + config.dynamodb().countersTable())
        .contains("arn:aws:kms:ap-northeast-2:1:key/k")
        .contains("arn:aws:s3:::acme-artifacts/lambda/0.1.0/*")
        .doesNotContain("s3:*")
        .doesNotContain("dynamodb:*");
  }

  private static final String ACCOUNT = "123456789012";

  private static JsonNode jobRole(PlatformConfig config) {
    return new ObjectMapper().valueToTree(IamPolicy.document(config, ACCOUNT));
  }

  /** The key of an S3 URI ("bucket/key" without the scheme and the bucket). */
  private static String[] bucketAndKey(String uri) {
    String rest = uri.replaceFirst("^s3[an]?://", "");
    return rest.split("/", 2);
  }

  @Test
  void theJobRoleListsEachBucketOnlyUnderTheLakesPrefixes() {
    PlatformConfig config = EmrFixture.config(Map.of());
    JsonNode policy = jobRole(config);
    String[] t3 = bucketAndKey(config.storage().tableLocation(PlatformTables.ALL.get(0).name()));
    // S3 ListObjects(V2) is authorized as s3:ListBucket on the bucket ARN, and the request's
    // prefix is the condition key s3:prefix (Service Authorization Reference, Amazon S3)
    assertThat(
            IamEvaluation.allows(
                policy,
                "s3:ListBucket",
                "arn:aws:s3:::" + t3[0],
                Map.of("s3:prefix", t3[1] + "/_delta_log/")))
        .as("a table's files")
        .isTrue();
    assertThat(
            IamEvaluation.allows(
                policy, "s3:ListBucket", "arn:aws:s3:::" + t3[0], Map.of("s3:prefix", "other/")))
        .as("another prefix of the same bucket")
        .isFalse();
    assertThat(IamEvaluation.allows(policy, "s3:ListBucket", "arn:aws:s3:::" + t3[0], Map.of()))
        .as("a listing of the whole bucket (no prefix)")
        .isFalse();
    for (JsonNode s : policy.get("Statement")) {
      if (s.get("Action").toString().contains("s3:ListBucket")) {
        assertThat(s.path("Condition").path("StringLike").has("s3:prefix"))
            .as(s.get("Sid").asText())
            .isTrue();
      }
    }
  }

  @Test
  void theRawAreaIsReadOnlyToTheJobs() {
    PlatformConfig config = EmrFixture.config(Map.of());
    JsonNode policy = jobRole(config);
    String raw =
        "arn:aws:s3:::"
            + String.join("/", bucketAndKey(config.storage().rawSourceLocation("place_event")))
            + "/p_ymd=20261001/p_hh=00/a.json.gz";
    String staging =
        "arn:aws:s3:::"
            + String.join("/", bucketAndKey(config.storage().datastaging()))
            + "/t1/x/part-0.parquet";
    assertThat(IamEvaluation.allows(policy, "s3:GetObject", raw, Map.of())).isTrue();
    for (String write : List.of("s3:PutObject", "s3:DeleteObject")) {
      assertThat(IamEvaluation.allows(policy, write, raw, Map.of())).as(write + " raw").isFalse();
      assertThat(IamEvaluation.allows(policy, write, staging, Map.of()))
          .as(write + " staging")
          .isTrue();
    }
  }

  @Test
  void sparksDefaultDatabaseIsReadableInGlue() {
    PlatformConfig config = EmrFixture.config(Map.of());
    JsonNode policy = jobRole(config);
    String region = config.emr().region();
    // GetDatabase is authorized on the catalog and the database ARNs (Glue's resource ARNs:
    // arn:aws:glue:region:account:catalog and :database/name)
    for (String arn :
        List.of(
            "arn:aws:glue:" + region + ":" + ACCOUNT + ":catalog",
            "arn:aws:glue:" + region + ":" + ACCOUNT + ":database/default")) {
      assertThat(IamEvaluation.allows(policy, "glue:GetDatabase", arn, Map.of())).as(arn).isTrue();
    }
    assertThat(
            IamEvaluation.allows(
                policy,
                "glue:GetTable",
                "arn:aws:glue:" + region + ":" + ACCOUNT + ":table/default/anything",
                Map.of()))
        .as("default's tables are not the platform's")
        .isFalse();
  }

  @Test
  void theJobRoleMayReadExactlyTheSecretsTheConfigurationNames() {
    // the example names the serving database's secret by its full ARN; the source database's
    // password is a Parameter Store name, the service's token a Secrets Manager name
    PlatformConfig config =
        EmrFixture.config(
            Map.of(
                "platform.source-db.password-secret", "ssm:/lambda/source-db/password",
                "platform.serving.auth-token-secret", "secretsmanager:lambda/serving-token"));
    JsonNode policy = jobRole(config);
    String sm = "arn:aws:secretsmanager:ap-northeast-2:" + ACCOUNT + ":secret:";
    String ssm = "arn:aws:ssm:ap-northeast-2:" + ACCOUNT + ":parameter/";
    // the ARN Secrets Manager authorizes GetSecretValue on: the name, '-' and six random
    // characters it appended when the secret was created
    assertThat(allows(policy, "secretsmanager:GetSecretValue", sm + "lambda/serving-db-AbCdEf"))
        .as("the full ARN the example gives")
        .isTrue();
    assertThat(allows(policy, "secretsmanager:GetSecretValue", sm + "lambda/serving-token-x1Y2z3"))
        .as("a secret named without its ARN")
        .isTrue();
    assertThat(allows(policy, "ssm:GetParameter", ssm + "lambda/source-db/password"))
        .as("a hierarchical parameter: its ARN has no double slash")
        .isTrue();
    for (String other :
        List.of(
            sm + "lambda/serving-token-extra-x1Y2z3",
            sm + "lambda/serving-tokens-x1Y2z3",
            sm + "lambda/other-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:"
                + ACCOUNT
                + ":secret:lambda/serving-token-x1Y2z3")) {
      assertThat(allows(policy, "secretsmanager:GetSecretValue", other)).as(other).isFalse();
    }
    assertThat(allows(policy, "ssm:GetParameter", ssm + "lambda/source-db/other")).isFalse();
    assertThat(allows(policy, "ssm:GetParameters", ssm + "lambda/source-db/password"))
        .as("only the call the resolver makes")
        .isFalse();
    assertThat(allows(policy, "secretsmanager:ListSecrets", "*")).isFalse();
    assertThat(policy.toString()).as("no key named, no KMS grant").doesNotContain("kms:Decrypt");
  }

  @Test
  void aCustomerManagedSecretsKeyIsUsableThroughSecretsManagerAndSsmOnly() {
    String key = "arn:aws:kms:ap-northeast-2:" + ACCOUNT + ":key/1234abcd-12ab-34cd-56ef";
    PlatformConfig config =
        EmrFixture.config(
            Map.of(
                "platform.secrets.kms-key-arn",
                key,
                "platform.source-db.password-secret",
                "ssm:lambda-source-db"));
    JsonNode policy = jobRole(config);
    for (String service :
        List.of(
            "secretsmanager.ap-northeast-2.amazonaws.com", "ssm.ap-northeast-2.amazonaws.com")) {
      assertThat(
              IamEvaluation.allows(policy, "kms:Decrypt", key, Map.of("kms:ViaService", service)))
          .as(service)
          .isTrue();
    }
    assertThat(
            IamEvaluation.allows(
                policy,
                "kms:Decrypt",
                key,
                Map.of("kms:ViaService", "s3.ap-northeast-2.amazonaws.com")))
        .as("not for S3")
        .isFalse();
    assertThat(IamEvaluation.allows(policy, "kms:Decrypt", key, Map.of()))
        .as("not called directly")
        .isFalse();
  }

  private static boolean allows(JsonNode policy, String action, String resource) {
    return IamEvaluation.allows(policy, action, resource, Map.of());
  }

  @Test
  void theSubmitterMayPassTheClusterRolesAndMakeTheCallsTheClientsMake() {
    PlatformConfig config = EmrFixture.config(Map.of());
    JsonNode policy = new ObjectMapper().valueToTree(IamPolicy.submitter(config, ACCOUNT));
    String service = "arn:aws:iam::" + ACCOUNT + ":role/" + config.emr().serviceRole();
    String job = "arn:aws:iam::" + ACCOUNT + ":role/" + config.emr().instanceProfile();
    // iam:PassRole with the iam:PassedToService condition key (IAM User Guide, "Granting a user
    // permissions to pass a role to an AWS service")
    assertThat(
            IamEvaluation.allows(
                policy,
                "iam:PassRole",
                service,
                Map.of("iam:PassedToService", "elasticmapreduce.amazonaws.com")))
        .isTrue();
    assertThat(
            IamEvaluation.allows(
                policy,
                "iam:PassRole",
                job,
                Map.of("iam:PassedToService", "elasticmapreduce.amazonaws.com")))
        .isTrue();
    assertThat(
            IamEvaluation.allows(
                policy,
                "iam:PassRole",
                "arn:aws:iam::" + ACCOUNT + ":role/Admin",
                Map.of("iam:PassedToService", "elasticmapreduce.amazonaws.com")))
        .isFalse();
    assertThat(
            IamEvaluation.allows(
                policy,
                "iam:PassRole",
                service,
                Map.of("iam:PassedToService", "lambda.amazonaws.com")))
        .isFalse();

    // RunJobFlow only with the tag the cluster carries (EmrCluster renders it)
    assertThat(
            IamEvaluation.allows(
                policy,
                "elasticmapreduce:RunJobFlow",
                "*",
                Map.of(
                    "elasticmapreduce:RequestTag/" + EmrApiRules.MANAGED_POLICY_TAG_KEY,
                    EmrApiRules.MANAGED_POLICY_TAG_VALUE)))
        .isTrue();
    assertThat(IamEvaluation.allows(policy, "elasticmapreduce:RunJobFlow", "*", Map.of()))
        .isFalse();
    // the calls made on a cluster: EmrSubmitter (DescribeCluster, AddJobFlowSteps), Airflow's
    // EmrAddStepsOperator / EmrStepSensor (add_job_flow_steps, describe_step; provider 9.18.0
    // hooks and sensors/emr.py), the Digdag workflows' AWS CLI v2 (add-steps calls DescribeCluster
    // for the release label before AddJobFlowSteps: aws-cli v2 awscli/customizations/emr/
    // addsteps.py and emrutils.get_release_label; wait step-complete and describe-step call
    // DescribeStep)
    String cluster =
        "arn:aws:elasticmapreduce:" + config.emr().region() + ":" + ACCOUNT + ":cluster/j-ABC";
    for (String call : List.of("AddJobFlowSteps", "DescribeCluster", "DescribeStep", "ListSteps")) {
      assertThat(IamEvaluation.allows(policy, "elasticmapreduce:" + call, cluster, Map.of()))
          .as(call)
          .isTrue();
    }
    assertThat(
            IamEvaluation.allows(policy, "elasticmapreduce:TerminateJobFlows", cluster, Map.of()))
        .isFalse();
    // nothing is staged in S3 for a step any more (Digdag's emr> staged its runner and each
    // step's config.json under <artifacts>/digdag-staging/)
    String staging =
        "arn:aws:s3:::acme-artifacts/lambda/0.1.0/digdag-staging/s1/steps/1/config.json";
    assertThat(IamEvaluation.allows(policy, "s3:PutObject", staging, Map.of())).isFalse();
    assertThat(
            IamEvaluation.allows(
                policy,
                "s3:PutObject",
                "arn:aws:s3:::acme-artifacts/lambda/0.1.0/batch-layer-emr.jar",
                Map.of()))
        .as("the released jars are not the submitter's to overwrite")
        .isFalse();
    assertThat(
            IamEvaluation.allows(
                policy,
                "s3:ListBucket",
                "arn:aws:s3:::acme-artifacts",
                Map.of("s3:prefix", "lambda/0.1.0/digdag-staging/s1/")))
        .isFalse();
  }
}
