package org.lambdaref.emr;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SecretReference;
import org.lambdaref.model.PlatformTables;

/**
 * Least-privilege policies. {@link #document}: the EMR job role (the nodes' instance profile) reads
 * the raw area, reads and writes the staging and store areas and the checkpoints only, lists each
 * bucket only under those prefixes, reads the artifacts and writes the logs, the counters table
 * only, the platform's Glue databases (and Spark's {@code default}) only, the configured KMS key,
 * and the Kafka cluster through MSK IAM. {@link #submitter}: whoever sends the cluster and the
 * steps. Rendered from the configuration, so they name exactly the buckets and prefixes used.
 */
public final class IamPolicy {

  private IamPolicy() {}

  public static Map<String, Object> document(PlatformConfig config, String accountId) {
    String region = config.emr().region();
    List<Map<String, Object>> statements = new ArrayList<>();
    // the raw area is written by the collectors, never by the jobs: read only
    Set<String> writable = new LinkedHashSet<>();
    for (String uri :
        List.of(
            config.storage().datastaging(),
            config.storage().datastore(),
            config.speed().checkpointDir())) {
      s3(uri).ifPresent(writable::add);
    }
    Set<String> readable = new LinkedHashSet<>();
    s3(config.storage().datasource()).ifPresent(readable::add);
    s3(config.emr().artifactsUri()).ifPresent(readable::add);
    Set<String> logs = new LinkedHashSet<>();
    s3(config.emr().logUri()).ifPresent(logs::add);

    Set<String> all = union(writable, readable, logs);
    statements.add(statement("LakeBucketLocation", List.of("s3:GetBucketLocation"), buckets(all)));
    statements.addAll(listBuckets("ListLakePrefixes", all));
    if (!writable.isEmpty()) {
      statements.add(
          statement(
              "ReadWriteLake",
              List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"),
              objects(writable)));
    }
    if (!readable.isEmpty()) {
      statements.add(statement("ReadRawAndArtifacts", List.of("s3:GetObject"), objects(readable)));
    }
    if (!logs.isEmpty()) {
      statements.add(statement("WriteLogs", List.of("s3:PutObject"), objects(logs)));
    }
    statements.add(
        statement(
            "Counters",
            List.of(
                "dynamodb:DescribeTable",
                "dynamodb:Query",
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Scan",
                "dynamodb:ConditionCheckItem"),
            List.of(
                "arn:aws:dynamodb:"
                    + config.dynamodb().region()
                    + ":"
                    + accountId
                    + ":table/"
                    + config.dynamodb().countersTable())));
    Set<String> databases = new LinkedHashSet<>();
    PlatformTables.ALL.forEach(t -> databases.add(t.name().database()));
    databases.add("serving");
    List<String> glue = new ArrayList<>();
    glue.add("arn:aws:glue:" + region + ":" + accountId + ":catalog");
    for (String db : databases) {
      glue.add("arn:aws:glue:" + region + ":" + accountId + ":database/" + db);
      glue.add("arn:aws:glue:" + region + ":" + accountId + ":table/" + db + "/*");
    }
    // Spark's catalog looks up (and if missing creates) the database "default" on first use
    statements.add(
        statement(
            "GlueDefaultDatabase",
            List.of("glue:GetDatabase", "glue:CreateDatabase"),
            List.of(
                "arn:aws:glue:" + region + ":" + accountId + ":catalog",
                "arn:aws:glue:" + region + ":" + accountId + ":database/default")));
    statements.add(
        statement(
            "GlueCatalog",
            List.of(
                "glue:GetDatabase",
                "glue:GetDatabases",
                "glue:CreateDatabase",
                "glue:GetTable",
                "glue:GetTables",
                "glue:CreateTable",
                "glue:UpdateTable",
                "glue:GetPartition",
                "glue:GetPartitions",
                "glue:BatchCreatePartition",
                "glue:BatchGetPartition"),
            glue));
    if (!config.emr().kmsKeyArn().isBlank()) {
      statements.add(
          statement(
              "LakeKmsKey",
              List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"),
              List.of(config.emr().kmsKeyArn())));
    }
    statements.addAll(secretStatements(config, accountId));
    statements.add(
        statement(
            "MskIam",
            List.of(
                "kafka-cluster:Connect",
                "kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData",
                "kafka-cluster:DescribeGroup",
                "kafka-cluster:AlterGroup"),
            List.of(
                "arn:aws:kafka:" + region + ":" + accountId + ":cluster/*/*",
                "arn:aws:kafka:"
                    + region
                    + ":"
                    + accountId
                    + ":topic/*/*/"
                    + config.kafka().topic(),
                "arn:aws:kafka:" + region + ":" + accountId + ":group/*/*/*")));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Version", "2012-10-17");
    doc.put("Statement", statements);
    return doc;
  }

  /**
   * What the driver needs to resolve the configuration's secret references on start-up: {@code
   * secretsmanager:GetSecretValue} or {@code ssm:GetParameter} on exactly the secrets named, and,
   * when the secrets are encrypted with a customer managed key ({@code
   * platform.secrets.kms-key-arn}), {@code kms:Decrypt} on that key through those services only (an
   * AWS managed key, {@code aws/secretsmanager} or {@code aws/ssm}, needs no grant).
   */
  static List<Map<String, Object>> secretStatements(PlatformConfig config, String accountId) {
    Set<String> secrets = new LinkedHashSet<>();
    Set<String> parameters = new LinkedHashSet<>();
    Set<String> services = new LinkedHashSet<>();
    config
        .secretReferences()
        .forEach(
            (key, value) -> {
              SecretReference ref = SecretReference.parse(key, value);
              String region = ref.region().isEmpty() ? config.secrets().region() : ref.region();
              if (ref.store() == SecretReference.Store.SSM) {
                parameters.add(parameterArn(ref.id(), region, accountId));
                services.add("ssm." + region + ".amazonaws.com");
              } else {
                secrets.add(secretArn(ref.id(), region, accountId));
                services.add("secretsmanager." + region + ".amazonaws.com");
              }
            });
    List<Map<String, Object>> statements = new ArrayList<>();
    if (!secrets.isEmpty()) {
      statements.add(
          statement("ReadSecrets", List.of("secretsmanager:GetSecretValue"), List.copyOf(secrets)));
    }
    if (!parameters.isEmpty()) {
      statements.add(
          statement("ReadParameters", List.of("ssm:GetParameter"), List.copyOf(parameters)));
    }
    String key = config.secrets().kmsKeyArn();
    if (!key.isBlank() && !services.isEmpty()) {
      Map<String, Object> decrypt =
          statement("SecretsKmsKey", List.of("kms:Decrypt"), List.of(key));
      decrypt.put(
          "Condition", Map.of("StringEquals", Map.of("kms:ViaService", List.copyOf(services))));
      statements.add(decrypt);
    }
    return statements;
  }

  /**
   * The ARN IAM sees for a secret: a full ARN as given; for a name, Secrets Manager's ARN of it
   * with the six random characters it appends matched by {@code -??????} (the IAM pattern the
   * Secrets Manager guide gives for a secret named but not yet known by ARN).
   */
  static String secretArn(String id, String region, String accountId) {
    if (id.startsWith("arn:")) {
      return id;
    }
    return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + id + "-??????";
  }

  /**
   * The ARN of a parameter: a full ARN as given; for a name, {@code parameter/} and the name
   * without its leading slash (a hierarchical name {@code /lambda/db} is {@code
   * parameter/lambda/db}).
   */
  static String parameterArn(String id, String region, String accountId) {
    if (id.startsWith("arn:")) {
      return id;
    }
    return "arn:aws:ssm:"
        + region
        + ":"
        + accountId
        + ":parameter/"
        + (id.startsWith("/") ? id.substring(1) : id);
  }

  /**
   * A policy for whoever sends the cluster and the steps ({@code bin/lambda emr submit}, Airflow's
   * {@code aws_default} connection, the role of the Digdag host, whose workflows run {@code aws emr
   * add-steps}, {@code wait step-complete} and {@code describe-step}): pass the two cluster roles
   * to EMR (and the job role on to EC2), start a cluster only with the managed-policy tag, add and
   * watch steps. Nothing in S3: no scheduler stages files for a step. The job role is taken to have
   * the instance profile's name, as {@code aws emr create-default-roles} makes them.
   */
  public static Map<String, Object> submitter(PlatformConfig config, String accountId) {
    String region = config.emr().region();
    List<Map<String, Object>> statements = new ArrayList<>();
    Map<String, Object> passService =
        statement(
            "PassServiceRole",
            List.of("iam:PassRole"),
            List.of(role(accountId, config.emr().serviceRole())));
    passService.put(
        "Condition",
        Map.of("StringEquals", Map.of("iam:PassedToService", "elasticmapreduce.amazonaws.com")));
    statements.add(passService);
    Map<String, Object> passJob =
        statement(
            "PassJobRole",
            List.of("iam:PassRole"),
            List.of(role(accountId, config.emr().instanceProfile())));
    passJob.put(
        "Condition",
        Map.of(
            "StringEquals",
            Map.of(
                "iam:PassedToService",
                List.of("elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"))));
    statements.add(passJob);
    // RunJobFlow names no cluster yet: it is allowed only with the tag the service role needs
    Map<String, Object> run =
        statement("RunTaggedCluster", List.of("elasticmapreduce:RunJobFlow"), List.of("*"));
    run.put(
        "Condition",
        Map.of(
            "StringEquals",
            Map.of("elasticmapreduce:RequestTag/" + EmrCluster.MANAGED_POLICY_TAG, "true")));
    statements.add(run);
    statements.add(
        statement(
            "StepsOnClusters",
            List.of(
                "elasticmapreduce:AddJobFlowSteps",
                "elasticmapreduce:DescribeCluster",
                "elasticmapreduce:DescribeStep",
                "elasticmapreduce:ListSteps"),
            List.of("arn:aws:elasticmapreduce:" + region + ":" + accountId + ":cluster/*")));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Version", "2012-10-17");
    doc.put("Statement", statements);
    return doc;
  }

  private static String role(String accountId, String name) {
    return "arn:aws:iam::" + accountId + ":role/" + name;
  }

  /**
   * s3:ListBucket per bucket, limited to the prefixes under it (the s3:prefix condition key); a
   * path that is a whole bucket needs no condition.
   */
  private static List<Map<String, Object>> listBuckets(String sid, Set<String> paths) {
    Map<String, List<String>> prefixes = new LinkedHashMap<>();
    Set<String> wholeBuckets = new LinkedHashSet<>();
    for (String p : paths) {
      String[] parts = p.split("/", 2);
      if (parts.length == 1) {
        wholeBuckets.add(parts[0]);
      } else {
        List<String> list = prefixes.computeIfAbsent(parts[0], b -> new ArrayList<>());
        list.add(parts[1]);
        list.add(parts[1] + "/*");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, List<String>> e : prefixes.entrySet()) {
      if (wholeBuckets.contains(e.getKey())) {
        continue;
      }
      Map<String, Object> s =
          statement(
              sid + (prefixes.size() > 1 ? Integer.toString(++i) : ""),
              List.of("s3:ListBucket"),
              List.of("arn:aws:s3:::" + e.getKey()));
      s.put("Condition", Map.of("StringLike", Map.of("s3:prefix", e.getValue())));
      out.add(s);
    }
    if (!wholeBuckets.isEmpty()) {
      out.add(
          statement(
              sid + "Whole",
              List.of("s3:ListBucket"),
              wholeBuckets.stream().map(b -> "arn:aws:s3:::" + b).toList()));
    }
    return out;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> out = new LinkedHashSet<>();
    for (Set<String> s : sets) {
      out.addAll(s);
    }
    return out;
  }

  /** "bucket/prefix" of an s3, s3a or s3n URI. */
  private static Optional<String> s3(String uri) {
    if (uri == null || !uri.matches("^s3[an]?://.+")) {
      return Optional.empty();
    }
    URI u = URI.create(uri);
    String prefix = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
    return Optional.of(u.getHost() + (prefix.isEmpty() ? "" : "/" + prefix));
  }

  private static List<String> buckets(Set<String> paths) {
    Set<String> out = new LinkedHashSet<>();
    paths.forEach(p -> out.add("arn:aws:s3:::" + p.split("/", 2)[0]));
    return new ArrayList<>(out);
  }

  private static List<String> objects(Set<String> paths) {
    return paths.stream().map(p -> "arn:aws:s3:::" + p + "/*").toList();
  }

  private static Map<String, Object> statement(
      String sid, List<String> actions, List<String> resources) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("Sid", sid);
    s.put("Effect", "Allow");
    s.put("Action", actions);
    s.put("Resource", resources);
    return s;
  }
}
