package org.lambdaref.localstack;

import java.util.ArrayList;
import java.util.List;
import org.lambdaref.model.PlatformException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same four services as Docker containers, for machines with a Docker engine: Kafka in KRaft
 * mode ({@code apache/kafka}), DynamoDB and S3 from LocalStack, and PostgreSQL. Ports are random;
 * {@link #configOverrides()} tells the platform where they are.
 */
public final class ContainerStack implements StackEndpoints {

  public static final String KAFKA_IMAGE = "apache/kafka:3.9.1";
  public static final String LOCALSTACK_IMAGE = "localstack/localstack:4.4";
  public static final String POSTGRES_IMAGE = "postgres:16-alpine";

  private final KafkaContainer kafka;
  private final LocalStackContainer aws;
  private final PostgreSQLContainer postgres;

  private ContainerStack(
      KafkaContainer kafka, LocalStackContainer aws, PostgreSQLContainer postgres) {
    this.kafka = kafka;
    this.aws = aws;
    this.postgres = postgres;
  }

  static ContainerStack start(LocalStackOptions options) {
    KafkaContainer kafka =
        options.servers().contains(ServerKind.KAFKA)
            ? new KafkaContainer(KAFKA_IMAGE).withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
            : null;
    LocalStackContainer aws =
        options.servers().contains(ServerKind.DYNAMODB) || options.servers().contains(ServerKind.S3)
            ? new LocalStackContainer(LOCALSTACK_IMAGE).withServices("dynamodb", "s3")
            : null;
    PostgreSQLContainer postgres =
        options.servers().contains(ServerKind.POSTGRES)
            ? new PostgreSQLContainer(POSTGRES_IMAGE)
            : null;
    List<GenericContainer<?>> all = new ArrayList<>();
    for (GenericContainer<?> c : new GenericContainer<?>[] {kafka, aws, postgres}) {
      if (c != null) {
        all.add(c);
      }
    }
    ContainerStack stack = new ContainerStack(kafka, aws, postgres);
    try {
      all.parallelStream().forEach(GenericContainer::start);
    } catch (RuntimeException e) {
      stack.close();
      throw new PlatformException(
          "Could not start the containers",
          e.toString(),
          "check 'docker info' and that the images can be pulled; or use platform.local-stack.mode=embedded",
          e);
    }
    return stack;
  }

  @Override
  public String kafkaBootstrapServers() {
    return require(kafka, ServerKind.KAFKA).getBootstrapServers();
  }

  @Override
  public String dynamoDbEndpoint() {
    return require(aws, ServerKind.DYNAMODB).getEndpoint().toString();
  }

  @Override
  public String s3Endpoint() {
    return require(aws, ServerKind.S3).getEndpoint().toString();
  }

  @Override
  public String s3AccessKey() {
    return require(aws, ServerKind.S3).getAccessKey();
  }

  @Override
  public String s3SecretKey() {
    return require(aws, ServerKind.S3).getSecretKey();
  }

  @Override
  public String jdbcUrl() {
    return require(postgres, ServerKind.POSTGRES).getJdbcUrl();
  }

  @Override
  public String jdbcUser() {
    return require(postgres, ServerKind.POSTGRES).getUsername();
  }

  @Override
  public String jdbcPassword() {
    return require(postgres, ServerKind.POSTGRES).getPassword();
  }

  @Override
  public boolean runs(ServerKind kind) {
    return switch (kind) {
      case KAFKA -> kafka != null;
      case DYNAMODB, S3 -> aws != null;
      case POSTGRES -> postgres != null;
      // Trino runs as an embedded server only ('lambda local up --with-trino')
      case TRINO -> false;
    };
  }

  @Override
  public String kind() {
    return "containers";
  }

  @Override
  public void close() {
    for (GenericContainer<?> c : new GenericContainer<?>[] {kafka, aws, postgres}) {
      if (c != null) {
        c.stop();
      }
    }
  }

  private static <T> T require(T container, ServerKind kind) {
    if (container == null) {
      throw new PlatformException(
          "The " + kind.id() + " container is not running",
          "this stack was started without it",
          "include " + kind + " in LocalStackOptions");
    }
    return container;
  }
}
