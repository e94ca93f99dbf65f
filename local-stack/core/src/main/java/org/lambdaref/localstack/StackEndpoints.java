package org.lambdaref.localstack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A running set of the platform's four services, however it was started: embedded servers in forked
 * JVMs ({@link LocalStack}) or Docker containers ({@link ContainerStack}).
 */
public interface StackEndpoints extends AutoCloseable {

  String kafkaBootstrapServers();

  String dynamoDbEndpoint();

  String s3Endpoint();

  String s3AccessKey();

  String s3SecretKey();

  String jdbcUrl();

  String jdbcUser();

  String jdbcPassword();

  /** Trino's JDBC URL when this stack runs it ({@code lambda local up --with-trino}). */
  default Optional<String> trinoJdbcUrl() {
    return Optional.empty();
  }

  /** Whether this stack provides the given service. */
  boolean runs(ServerKind kind);

  /** "embedded" or "containers", for people reading the output. */
  String kind();

  @Override
  void close();

  /**
   * The configuration keys that point the platform at this stack; containers get random ports, so
   * commands reload their configuration with these.
   */
  default Map<String, String> configOverrides() {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (runs(ServerKind.KAFKA)) {
      overrides.put("platform.kafka.bootstrap-servers", kafkaBootstrapServers());
    }
    if (runs(ServerKind.DYNAMODB)) {
      overrides.put("platform.dynamodb.endpoint", dynamoDbEndpoint());
      // DynamoDB Local wants keys but checks nothing (one shared database)
      overrides.put("platform.dynamodb.access-key", s3AccessKey());
      overrides.put("platform.dynamodb.secret-key", s3SecretKey());
    }
    if (runs(ServerKind.S3)) {
      overrides.put("platform.s3.endpoint", s3Endpoint());
      overrides.put("platform.s3.path-style-access", "true");
      // loopback-only credentials of the stack's own S3 server, not of any account
      overrides.put("platform.s3.access-key", s3AccessKey());
      overrides.put("platform.s3.secret-key", s3SecretKey());
    }
    if (runs(ServerKind.POSTGRES)) {
      overrides.put("platform.jdbc.url", jdbcUrl());
      overrides.put("platform.jdbc.user", jdbcUser());
      overrides.put("platform.jdbc.password", jdbcPassword());
    }
    return overrides;
  }
}
