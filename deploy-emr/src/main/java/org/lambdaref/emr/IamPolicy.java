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
import org.lambdaref.model.PlatformTables;

/**
 * A least-privilege policy for the EMR job role (the nodes' instance profile): read and write under
 * the lake's three storage areas and the checkpoints only, read the artifacts and write the logs,
 * the counters table only, the platform's Glue databases only, the configured KMS key, and the
 * Kafka cluster through MSK IAM. Rendered from the configuration, so it names exactly the buckets
 * and prefixes the jobs use.
 */
public final class IamPolicy {

  private IamPolicy() {}

  public static Map<String, Object> document(PlatformConfig config, String accountId) {
    String region = config.emr().region();
    List<Map<String, Object>> statements = new ArrayList<>();
    Set<String> writable = new LinkedHashSet<>();
    for (String uri :
        List.of(
            config.storage().datasource(),
            config.storage().datastaging(),
            config.storage().datastore(),
            config.speed().checkpointDir())) {
      s3(uri).ifPresent(writable::add);
    }
    Set<String> readable = new LinkedHashSet<>();
    s3(config.emr().artifactsUri()).ifPresent(readable::add);
    Set<String> logs = new LinkedHashSet<>();
    s3(config.emr().logUri()).ifPresent(logs::add);

    statements.add(
        statement(
            "ListLakeBuckets",
            List.of("s3:ListBucket", "s3:GetBucketLocation"),
            buckets(union(writable, readable, logs))));
    if (!writable.isEmpty()) {
      statements.add(
          statement(
              "ReadWriteLake",
              List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"),
              objects(writable)));
    }
    if (!readable.isEmpty()) {
      statements.add(statement("ReadArtifacts", List.of("s3:GetObject"), objects(readable)));
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
