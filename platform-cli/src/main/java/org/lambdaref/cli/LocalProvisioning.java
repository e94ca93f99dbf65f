package org.lambdaref.cli;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.StackEndpoints;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.generator.PlaceMaster;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates what the platform expects to exist on the local stack: the Kafka topic, the DynamoDB
 * counters table, the S3 bucket of the lake, and a reachable serving database. Idempotent. Public
 * for the benchmarks ({@code bin/bench}), which provision a fresh topic and table per run.
 */
public final class LocalProvisioning {

  static final int TOPIC_PARTITIONS = 3;

  private LocalProvisioning() {}

  static void provision(PlatformConfig config, StackEndpoints stack) {
    createTopic(stack.kafkaBootstrapServers(), config.kafka().topic());
    createCountersTable(config);
    createBucket(stack, "lake");
    checkDatabase(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  /** The topic with the platform's partition count; an existing one is left as it is. */
  public static void createTopic(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(List.of(new NewTopic(topic, TOPIC_PARTITIONS, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw failure("create Kafka topic " + topic, e.getCause());
      }
    } catch (Exception e) {
      throw failure("create Kafka topic " + topic, e);
    }
  }

  /** Counters keyed by place, action and hour; the speed layer owns the table's definition. */
  public static void createCountersTable(PlatformConfig config) {
    try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
      store.createTableIfMissing();
    }
  }

  /** Writes {@code text} as the object {@code key} of {@code bucket} on the stack's S3 server. */
  static void putObject(StackEndpoints stack, String bucket, String key, String text) {
    try (S3Client s3 = s3(stack)) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(text));
    }
  }

  static void putFile(StackEndpoints stack, String bucket, String key, Path file) {
    try (S3Client s3 = s3(stack)) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
    }
  }

  private static S3Client s3(StackEndpoints stack) {
    return S3Client.builder()
        .endpointOverride(URI.create(stack.s3Endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static void createBucket(StackEndpoints stack, String bucket) {
    try (S3Client s3 = s3(stack)) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // exists already
    } catch (S3Exception e) {
      if (e.statusCode() != 409) {
        throw failure("create S3 bucket " + bucket, e);
      }
    }
  }

  static void checkDatabase(String url, String user, String password) {
    try (Connection connection = DriverManager.getConnection(url, user, password)) {
      connection.createStatement().execute("select 1");
    } catch (SQLException e) {
      throw failure("connect to the serving database " + url, e);
    }
  }

  /** The place master table the daily snapshot reads, in the source database. Idempotent. */
  static void seedPlaces(PlatformConfig config, int places, int sellers) {
    var db = config.sourceDb();
    try (Connection c =
        DriverManager.getConnection(
            db.connection().url(), db.connection().user(), db.connection().password())) {
      PlaceMaster.replaceAll(c, db.placeTable(), PlaceMaster.places(places, sellers, 42));
    } catch (SQLException e) {
      throw failure("write the place master to " + db.placeTable(), e);
    }
  }

  private static PlatformException failure(String what, Throwable cause) {
    return new PlatformException(
        "Could not " + what,
        String.valueOf(cause),
        "check 'bin/lambda local status'; restart the stack with 'bin/lambda local down' then 'up'",
        cause);
  }

  static Map<String, String> describe(PlatformConfig config, StackEndpoints stack) {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put("services", stack.kind());
    lines.put("kafka", stack.kafkaBootstrapServers() + " topic " + config.kafka().topic());
    lines.put("dynamodb", stack.dynamoDbEndpoint() + " table " + config.dynamodb().countersTable());
    lines.put("s3", stack.s3Endpoint() + " bucket lake");
    lines.put("postgres", stack.jdbcUrl());
    stack.trinoJdbcUrl().ifPresent(url -> lines.put("trino", url + " (bin/lambda sql uses it)"));
    return lines;
  }
}
